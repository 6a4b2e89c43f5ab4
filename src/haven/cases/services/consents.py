"""What the defender agreed to, for which purpose and when; withdrawn consents are kept."""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, acting_user, record_action
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.cases.errors import CaseError
from haven.cases.models import Case, Consent, ConsentPurpose
from haven.cases.services.guards import check_live, touch
from haven.cases.services.receipts import form_receipt_claim
from haven.vault.keyring import keyring_scope

UNKNOWN_CONSENT_PURPOSE = _("That consent purpose is not one Haven knows.")
CONSENT_IN_FUTURE = _("Consent cannot be dated in the future.")
CONSENT_ALREADY_WITHDRAWN = _("This consent was already withdrawn.")


@transaction.atomic
def consent_record(
    *,
    membership: Acting,
    case: Case,
    purpose: str,
    given_on: datetime.date,
    scope: str,
    submission_token: uuid.UUID | None = None,
) -> Consent:
    """
    Record what the defender agreed to, when and for what purpose (encrypted).

    Side effect: one ``case.consent_recorded`` event with the consent's id (the purpose is not in
    the chain: an asylum referral is itself sensitive).
    """
    form_receipt_claim(token=submission_token, case=case)
    check_live(case)
    if purpose not in ConsentPurpose.values:
        raise CaseError(UNKNOWN_CONSENT_PURPOSE)
    if given_on > timezone.localdate():
        raise CaseError(CONSENT_IN_FUTURE)
    with keyring_scope():
        consent = Consent(
            case=case, organisation_id=case.organisation_id, recorded_by=acting_user(membership)
        )
        consent.details = {"purpose": purpose, "given_on": given_on.isoformat(), "scope": scope}
        consent.save()
    touch(case)
    record_action(EventType.CONSENT_RECORDED, membership, case, {"consent_id": consent.pk})
    return consent


@transaction.atomic
def consent_withdraw(*, membership: Acting, consent: Consent) -> Consent:
    """Mark a consent withdrawn (kept, for the record). Side effect: ``case.consent_withdrawn``."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise CaseError(CONSENT_ALREADY_WITHDRAWN)
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    record_event(
        EventType.CONSENT_WITHDRAWN,
        actor=acting_user(membership),
        organisation=locked.organisation_id,
        object_type="case",
        object_id=locked.case_id,
        data={"consent_id": locked.pk},
    )
    return locked
