"""
The counsel demo seed: in each demo organisation, one fictional legal-aid partner in the
Netherlands and, for the case the relocation seed handed to the asylum bridge, the defender's
consent to a referral and a referral with two items of the pack. Built through the real services.

The partner's age key is generated here and its identity thrown away: demo packs can be exported
to a passphrase and opened with ``age --decrypt``; the key mode shows what counsel would get.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from pyrage import x25519

from haven.cases.models import Case, CaseStatus, ConsentPurpose
from haven.cases.services import consent_record
from haven.counsel.models import CounselReferral, LegalPartner
from haven.counsel.services import partner_save, referral_create
from haven.demo import DemoLogin, require_demo_settings
from haven.organisations.models import Membership, Organisation, Role


def _member(organisation: Organisation, role: Role) -> Membership | None:
    return (
        Membership.objects.select_related("user", "organisation")
        .filter(organisation=organisation, role=role, user__username__startswith=role.value)
        .first()
    )


@transaction.atomic
def _seed(organisation: Organisation) -> None:
    coordinator = _member(organisation, Role.COORDINATOR)
    if coordinator is None or LegalPartner.objects.filter(organisation=organisation).exists():
        return
    today = timezone.localdate()
    partner = partner_save(
        membership=coordinator,
        name="Dune Law Centre (fictional)",
        contact="Intake by Signal on weekdays (fictional number)",
        host_state="NL",
        age_recipient=str(x25519.Identity.generate().to_public()),
        key_expires_on=today + datetime.timedelta(days=365),
    )
    case = (
        Case.objects.filter(organisation=organisation, status=CaseStatus.ASYLUM_BRIDGE)
        .order_by("created_at")
        .first()
    )
    if case is None or CounselReferral.objects.filter(case=case).exists():
        return
    consent = consent_record(
        membership=coordinator,
        case=case,
        purpose=ConsentPurpose.ASYLUM_REFERRAL,
        given_on=today - datetime.timedelta(days=2),
        scope="Referral to independent counsel in the host state (fictional)",
    )
    referral_create(
        membership=coordinator,
        case=case,
        partner=partner,
        consent_id=consent.pk,
        referred_on=today - datetime.timedelta(days=1),
        items_agreed_on=today - datetime.timedelta(days=2),
        item_keys=["case_summary"],
    )


def seed_counsel() -> list[DemoLogin]:
    """Seed each demo organisation's legal-aid partner and one referral (once); no new logins."""
    require_demo_settings()
    for organisation in Organisation.objects.order_by("slug"):
        _seed(organisation)
    return []
