"""Demo referrals in Harbour Light's portal queue, so *Portal referrals* has something to triage."""

import secrets

from haven.cases.models import Urgency
from haven.demo import DemoLogin, require_demo_settings
from haven.demo.platform import ORGANISATIONS
from haven.organisations.models import Organisation
from haven.portal import abuse
from haven.portal.models import Referral
from haven.portal.services import ReferralContent, referral_submit

# Every person, place and event here is invented.
FICTIONAL_REFERRALS = [
    ReferralContent(
        name="Ilse Varga-Moreno",
        channel="signal",
        handle="+00 555 0100 201",
        country="Fictional Republic of Orlenia",
        when="Three days ago",
        account="Men in plain clothes followed me home from the community radio twice this week.",
        urgency=Urgency.PRIORITY,
        language="es",
    ),
    ReferralContent(
        name="",
        channel="email",
        handle="river.keeper@example.org",
        country="Fictional Kingdom of Tessaly",
        when="Last month",
        account="Our land committee received a letter naming four of us as 'foreign agents'.",
        urgency=Urgency.ROUTINE,
        language="fr",
    ),
]


def seed_portal() -> list[DemoLogin]:
    """Seed (once) two fictional referrals for the first demo organisation; no logins."""
    require_demo_settings()
    organisation = Organisation.objects.get(slug=ORGANISATIONS[0][0])
    if Referral.objects.filter(organisation=organisation).exists():
        return []
    for content in FICTIONAL_REFERRALS:
        token = abuse.read_form_token(abuse.issue_form_token())
        assert token is not None
        referral_submit(
            organisation=organisation,
            content=content,
            # Nobody holds these receipts: the demo referrals are there to be triaged.
            passphrase=secrets.token_urlsafe(16),
            files=[],
            form_token=token,
        )
    return []
