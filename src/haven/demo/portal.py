"""
Demo referrals in Harbour Light's portal queue, so *Portal referrals* has something to triage,
and a relocated defender's check-in and incident report sent through the portal onto a stay.
"""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from haven.cases.models import Urgency
from haven.demo import DemoLogin, require_demo_settings
from haven.demo.platform import ORGANISATIONS
from haven.organisations.models import Membership, Organisation, Role
from haven.portal import abuse, stays
from haven.portal.models import Referral
from haven.portal.services import ReferralContent, referral_link_case, referral_submit
from haven.relocations.models import CheckIn, RecordSource, Stay, StayStatus

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
        _submitted(organisation, content)
    return []


RELOCATED_DEFENDER = ReferralContent(
    name="",
    channel="signal",
    handle="+00 555 0100 377",
    country="Fictional Republic of Orlenia",
    when="",
    account="I am already in the fellowship; I write here to keep in touch with my case team.",
    urgency=Urgency.ROUTINE,
    language="es",
)


def _token() -> abuse.FormToken:
    token = abuse.read_form_token(abuse.issue_form_token())
    assert token is not None
    return token


def _submitted(organisation: Organisation, content: ReferralContent) -> Referral:
    """Send ``content`` through the portal as a defender would; nobody holds the receipt."""
    referral, _code = referral_submit(
        organisation=organisation,
        content=content,
        passphrase=secrets.token_urlsafe(16),
        files=[],
        form_token=_token(),
    )
    return referral


@transaction.atomic
def seed_portal_stay() -> list[DemoLogin]:
    """
    Seed (once) a check-in and an incident report a relocated defender sent from the portal,
    on the first demo organisation's stay waiting for an extension; no logins.
    """
    require_demo_settings()
    organisation = Organisation.objects.get(slug=ORGANISATIONS[0][0])
    stay = Stay.objects.filter(
        organisation=organisation, status=StayStatus.EXTENSION_REQUESTED
    ).first()
    already = CheckIn.objects.filter(organisation=organisation, source=RecordSource.DEFENDER)
    if stay is None or already.exists():
        return []
    coordinator = Membership.objects.filter(
        organisation=organisation, role=Role.COORDINATOR, is_active=True
    ).first()
    if coordinator is None:
        return []
    referral = _submitted(organisation, RELOCATED_DEFENDER)
    referral_link_case(membership=coordinator, referral=referral, case=stay.case)
    referral.refresh_from_db()
    stays.check_in_from_defender(
        referral=referral,
        flags=["not_rested", "worried_about_family"],
        note="Sleeping badly since my brother was questioned at home.",
        form_token=_token(),
    )
    stays.incident_from_defender(
        referral=referral,
        report=stays.IncidentReport(
            type="online_harassment",
            date=timezone.localdate() - datetime.timedelta(days=2),
            home_state_link=True,
            narrative="Someone tried to sign in to my e-mail from my home country.",
        ),
        form_token=_token(),
    )
    return []
