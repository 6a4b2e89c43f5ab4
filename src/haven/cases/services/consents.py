"""What the defender agreed to, for which purpose and when; withdrawn consents are kept."""

import datetime
import uuid

from django.conf.locale import LANG_INFO
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, acting_user, permits, record_action
from haven.audit.events import EventType
from haven.cases.errors import CaseError
from haven.cases.models import Case, Consent, ConsentMethod, ConsentPurpose
from haven.cases.services.guards import check_live, check_permitted, required_reason, touch
from haven.cases.services.receipts import form_receipt_claim
from haven.organisations.policy import Permission
from haven.vault.keyring import keyring_scope

UNKNOWN_CONSENT_PURPOSE = _("That consent purpose is not one Haven knows.")
CONSENT_IN_FUTURE = _("Consent cannot be dated in the future.")
CONSENT_ALREADY_WITHDRAWN = _("This consent was already withdrawn.")
UNKNOWN_CONSENT_METHOD = _("Choose how the defender told you.")
UNKNOWN_LANGUAGE = _("Choose the language the defender used from the list.")


def check_consent_purpose(purpose: object, given_on: datetime.date | None) -> None:
    """
    Refuse a purpose Haven does not know and a consent dated after today, for a new consent and
    for a correction of one alike (``corrections``).
    """
    if purpose not in ConsentPurpose.values:
        raise CaseError(UNKNOWN_CONSENT_PURPOSE)
    if given_on is not None and given_on > timezone.localdate():
        raise CaseError(CONSENT_IN_FUTURE)


@transaction.atomic
def consent_record(
    *,
    membership: Acting,
    case: Case,
    purpose: str,
    given_on: datetime.date,
    scope: str,
    method: str | None = None,
    language: str | None = None,
    submission_token: uuid.UUID | None = None,
) -> Consent:
    """
    Record what the defender agreed to, when and for what purpose, and how and in which language
    they gave it when known (all encrypted; the intake and imports may not know the last two).

    Permission: CASE_EDIT on the case (Http404 otherwise, AZ-02). Side effect: one
    ``case.consent_recorded`` event with the consent's id (the purpose is not in the chain: an
    asylum referral is itself sensitive).
    """
    check_permitted(membership, Permission.CASE_EDIT, case)
    form_receipt_claim(token=submission_token, case=case)
    check_live(case)
    check_consent_purpose(purpose, given_on)
    if method is not None and method not in ConsentMethod.values:
        raise CaseError(UNKNOWN_CONSENT_METHOD)
    if language is not None and not known_language(language):
        raise CaseError(UNKNOWN_LANGUAGE)
    details = {"purpose": purpose, "given_on": given_on.isoformat(), "scope": scope}
    details |= {"method": method} if method else {}
    details |= {"language": language} if language else {}
    with keyring_scope():
        consent = Consent(
            case=case, organisation_id=case.organisation_id, recorded_by=acting_user(membership)
        )
        consent.details = details
        consent.save()
    touch(case)
    record_action(EventType.CONSENT_RECORDED, membership, case, {"consent_id": consent.pk})
    return consent


def known_language(code: str) -> bool:
    """Whether ``code`` is a language Django names (its list, translated for every reader)."""
    return code in LANG_INFO and "name" in LANG_INFO[code]


@transaction.atomic
def consent_withdraw(
    *,
    membership: Acting,
    consent: Consent,
    reason: str,
    method: str,
    language: str,
    submission_token: uuid.UUID | None = None,
) -> Consent:
    """
    Mark a consent withdrawn, with why, how the defender said it and in which language.

    The consent is kept, for the record; the reason, method and language are encrypted under the
    case's key. Permission: CASE_EDIT on the consent's case (404 otherwise, AZ-02). Side effect:
    one ``case.consent_withdrawn`` event with the consent's id and the method (an enumerated
    value; never the reason or the language, which say something about the defender). Raises
    CaseError for a reason under ten characters, an unknown method or language, or a consent
    already withdrawn.
    """
    locked = Consent.objects.select_for_update().select_related("case").get(pk=consent.pk)
    if not permits(membership, Permission.CASE_EDIT, locked.case):
        raise Http404
    form_receipt_claim(token=submission_token, case=locked.case)
    check_live(locked.case)
    if locked.withdrawn_at is not None:
        raise CaseError(CONSENT_ALREADY_WITHDRAWN)
    cleaned = required_reason(reason)
    if method not in ConsentMethod.values:
        raise CaseError(UNKNOWN_CONSENT_METHOD)
    if not known_language(language):
        raise CaseError(UNKNOWN_LANGUAGE)
    with keyring_scope():
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = acting_user(membership)
        locked.withdrawal = {"reason": cleaned, "method": method, "language": language}
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal"])
    touch(locked.case)
    record_action(
        EventType.CONSENT_WITHDRAWN,
        membership,
        locked.case,
        {"consent_id": locked.pk, "method": method},
    )
    return locked
