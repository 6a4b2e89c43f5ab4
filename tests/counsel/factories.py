"""
Fictional counsel for the referral tests, built through the real services. "Dune Law Centre" is
invented; every key is generated per test and every person is fictional.
"""

import datetime

from django.utils import timezone
from pyrage import x25519

from haven.cases.models import ConsentPurpose
from haven.cases.services import attachment_add, consent_record, threat_record
from haven.counsel import services
from haven.counsel.models import LegalPartner
from tests.acting import acting
from tests.programmes.factories import assign, open_fictional_case


def new_identity() -> x25519.Identity:
    return x25519.Identity.generate()


def add_partner(organisation, coordinator, *, identity=None, expires_in_days: int = 365, **fields):
    identity = identity or new_identity()
    values = {
        "name": "Dune Law Centre (fictional)",
        "contact": "intake@dune-law.example, Signal +31 600 000 000",
        "host_state": "NL",
        "age_recipient": str(identity.to_public()),
        "key_expires_on": timezone.localdate() + datetime.timedelta(days=expires_in_days),
    } | fields
    return services.partner_save(membership=acting(coordinator, organisation), **values)


def expire_key(partner: LegalPartner) -> LegalPartner:
    """Date the partner's key in the past (as time passing would; the service refuses to)."""
    LegalPartner.objects.filter(pk=partner.pk).update(
        key_expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    partner.refresh_from_db()
    return partner


def referral_case(organisation, coordinator, caseworker=None, *, consent: bool = True):
    """A case with a threat, a file and (unless told otherwise) consent to a referral to counsel."""
    case = open_fictional_case(organisation, coordinator, name="Orla Penhaligon")
    if caseworker is not None:
        assign(case, caseworker)
    member = acting(coordinator, organisation)
    threat = threat_record(
        membership=member,
        case=case,
        details={"date": "2026-03-02", "kind": "surveillance", "actor": "police"},
        narrative="Followed home from the newsroom by two plain-clothes officers.",
    )
    attachment = attachment_add(
        membership=member, case=case, name="summons.txt", data=b"Summons to appear (fictional).\n"
    )
    consent_obj = None
    if consent:
        consent_obj = consent_record(
            membership=member,
            case=case,
            purpose=ConsentPurpose.ASYLUM_REFERRAL,
            given_on=timezone.localdate(),
            scope="Referral to independent counsel in the Netherlands",
        )
    return case, threat, attachment, consent_obj
