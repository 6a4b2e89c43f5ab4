"""
Writes of the portal: referrals arriving, defenders signing in and writing, staff triaging.

Defenders have no membership: their services take the ``Referral`` their receipt opened as the
acting party. Staff services take the acting ``membership`` first and check permission themselves
(``may``), so the web, the CLI and an API get one answer. Each runs in one transaction with its
audit event, which holds ids and enumerated values only: nothing a defender wrote.
"""

import datetime
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import record_action
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.cases.facts_mapping import FACTS_SCHEMA_ID
from haven.cases.models import URGENCY_RANK, Case, Urgency
from haven.cases.selectors import CLOSED_STATUSES
from haven.cases.services import attachment_add, case_open, note_add
from haven.organisations.codes import unused_code
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership, Organisation
from haven.organisations.policy import Permission, may
from haven.portal import abuse, receipts
from haven.portal.models import (
    MessageDirection,
    PortalMessage,
    Referral,
    ReferralFile,
    ReferralStatus,
)
from haven.uploads import SanitisedFile, sanitise
from haven.vault.files import (
    attachment_key_create,
    attachment_key_open,
    file_aad,
    open_stream,
    seal_stream,
)
from haven.vault.integrity import Discard
from haven.vault.keyring import KeyRing, keyring_scope

SIGN_IN_FAILURES_BEFORE_COOL_OFF = 5
LONGEST_COOL_OFF = datetime.timedelta(hours=24)
FAILED_SIGN_IN_SCOPE = "sign_in_failures"
REFUSED_FULL_SCOPE = "refused_queue_full"
MINIMUM_DECLINE_REASON = 10

ALREADY_SENT = _(
    "This form was already sent and saved once; it was not saved again. If you did not write "
    "down your receipt, send a new form."
)
QUEUE_FULL = _(
    "We cannot take new requests right now because too many are waiting. Nothing was saved. "
    "Please try again in a few hours."
)
CANNOT_OPEN = _(
    "That receipt and passphrase do not open anything, or there were too many tries. Check "
    "both, wait a while and try again."
)
CASE_CLOSED = _("This case is closed, so messages can no longer be sent. Nothing was sent.")
NO_CASE_YET = _(
    "The team has not opened a case from this request yet, so there is no one to write to."
)
ALREADY_TRIAGED = _("This referral was already dealt with; nothing was changed.")
DECLINE_REASON_TOO_SHORT = _(
    "Give the defender a reason of at least %(minimum)d characters: they will read it."
)
NO_PORTAL_RECEIPT = _(
    "No portal referral belongs to this case, so the defender cannot read messages here."
)
EMPTY_MESSAGE = _("Write a message before sending.")


@dataclass(frozen=True)
class ReferralContent:
    """What a defender wrote in the referral form, already checked by the form."""

    name: str
    channel: str
    handle: str
    country: str
    when: str
    account: str
    urgency: str
    language: str


@dataclass(frozen=True)
class UploadedFile:
    name: str
    data: bytes


def _new_reference(organisation: Organisation) -> str:
    """Return a reference no referral of the organisation has yet (random, see ``unused_code``)."""
    referrals = Referral.objects.filter(organisation=organisation)
    return unused_code("R-", taken=lambda reference: referrals.filter(reference=reference).exists())


def _store_file(ring: KeyRing, referral: Referral, name: str, cleaned: SanitisedFile) -> None:
    """Store one cleaned file sealed under its own key, wrapped by the referral's key."""
    stored = ReferralFile(
        referral=referral,
        organisation_id=referral.organisation_id,
        media_type=cleaned.media_type,
        size=len(cleaned.content),
    )
    stem = name.rsplit(".", 1)[0][:200] or "file"
    stored.name = f"{stem}.{cleaned.extension}"
    ref = referral.vault_key_ref()
    cipher, wrapped = attachment_key_create(ring, ref, stored.pk)
    stored.wrapped_key = wrapped
    sealed = io.BytesIO()
    seal_stream(cipher, io.BytesIO(cleaned.content), sealed, file_aad(ref, stored.pk))
    stored.storage_name = default_storage.save(
        f"portal/{uuid.uuid4()}", ContentFile(sealed.getvalue())
    )
    stored.save()


def queue_is_full(organisation: Organisation) -> bool:
    """Whether the organisation's queue of waiting referrals has reached its cap."""
    waiting = Referral.objects.filter(
        organisation=organisation, status=ReferralStatus.PENDING
    ).count()
    return waiting >= settings.HAVEN_PORTAL_QUEUE_CAP


def referral_submit(
    *,
    organisation: Organisation,
    content: ReferralContent,
    passphrase: str,
    files: Sequence[UploadedFile],
    form_token: abuse.FormToken,
) -> tuple[Referral, str]:
    """
    Save a referral encrypted under a new data key of ``organisation``; return it and its
    receipt code, which exists nowhere else afterwards.

    The queue cap is checked and the files are cleaned before anything is written (a refused
    file raises ``UploadRejected``; a full queue ApplicationError(QUEUE_FULL), counted). Side
    effect: one ``portal.referral_received`` event. Raises ApplicationError(ALREADY_SENT) for a
    replayed form; nothing is saved then.
    """
    if queue_is_full(organisation):
        abuse.count_event(REFUSED_FULL_SCOPE)
        raise ApplicationError(QUEUE_FULL)
    cleaned = [(upload.name, sanitise(upload.data, upload.name)) for upload in files]
    code = receipts.new_receipt_code()
    passphrase_hash = receipts.hash_passphrase(passphrase)
    with transaction.atomic(), keyring_scope() as ring:
        if not abuse.claim_form_token(form_token):
            raise ApplicationError(ALREADY_SENT)
        referral = Referral(
            organisation=organisation,
            reference=_new_reference(organisation),
            urgency=content.urgency,
            urgency_rank=URGENCY_RANK[Urgency(content.urgency)],
            language=content.language,
            receipt_digest=receipts.receipt_digest(code),
            passphrase_hash=passphrase_hash,
        )
        referral.account = {
            "name": content.name,
            "channel": content.channel,
            "handle": content.handle,
            "country": content.country,
            "when": content.when,
            "account": content.account,
        }
        referral.data_key = ring.create_data_key(referral.vault_key_ref())
        referral.save()
        for name, clean in cleaned:
            _store_file(ring, referral, name, clean)
        record_event(
            EventType.PORTAL_REFERRAL_RECEIVED,
            organisation=organisation,
            object_type="referral",
            object_id=referral.pk,
            data={"urgency": referral.urgency, "language": referral.language, "files": len(files)},
        )
    return referral, code


def portal_sign_in(*, receipt_code: str, passphrase: str) -> Referral:
    """
    Return the referral a receipt code and passphrase open.

    Every failure is counted (``sign_in_failures``) and audited; after
    ``SIGN_IN_FAILURES_BEFORE_COOL_OFF`` failures on one receipt it cools off for a time that
    doubles with each further failure, up to a day, and refuses even the right passphrase
    meanwhile. An unknown code, a wrong passphrase and a cooling-off receipt get the same answer
    after the same Argon2 work. Raises ApplicationError(CANNOT_OPEN).
    """
    digest = receipts.receipt_digest(receipt_code)
    referral = Referral.objects.filter(receipt_digest=digest).first()
    matches = receipts.passphrase_matches(
        referral.passphrase_hash if referral else None, passphrase
    )
    now = timezone.now()
    with transaction.atomic():
        if referral is not None:
            referral = Referral.objects.select_for_update().get(pk=referral.pk)
        cooling = referral is not None and (
            referral.locked_until is not None and referral.locked_until > now
        )
        if referral is not None and matches and not cooling:
            Referral.objects.filter(pk=referral.pk).update(failed_sign_ins=0, locked_until=None)
            record_event(
                EventType.PORTAL_SIGN_IN_SUCCEEDED,
                organisation=referral.organisation_id,
                object_type="referral",
                object_id=referral.pk,
            )
            return referral
        abuse.count_event(FAILED_SIGN_IN_SCOPE)
        reason = "unknown_receipt"
        if referral is not None:
            reason = "cooling_off" if cooling else "wrong_passphrase"
            failures = referral.failed_sign_ins + 1
            locked_until = referral.locked_until
            if failures >= SIGN_IN_FAILURES_BEFORE_COOL_OFF:
                minutes = 2 ** min(failures - SIGN_IN_FAILURES_BEFORE_COOL_OFF, 11)
                locked_until = now + min(datetime.timedelta(minutes=minutes), LONGEST_COOL_OFF)
            Referral.objects.filter(pk=referral.pk).update(
                failed_sign_ins=failures, locked_until=locked_until
            )
        record_event(
            EventType.PORTAL_SIGN_IN_FAILED,
            organisation=referral.organisation_id if referral else None,
            object_type="referral",
            object_id=referral.pk if referral else "",
            data={"reason": reason},
        )
    raise ApplicationError(CANNOT_OPEN)


def _live_case(referral: Referral) -> Case:
    if referral.case_id is None:
        raise ApplicationError(NO_CASE_YET)
    case = Case.objects.select_related("data_key__organisation_key").get(pk=referral.case_id)
    if case.status in CLOSED_STATUSES or case.erased_at is not None:
        raise ApplicationError(CASE_CLOSED)
    return case


def message_from_defender(
    *, referral: Referral, body: str, form_token: abuse.FormToken
) -> PortalMessage:
    """
    Save the defender's message to the case team, encrypted under the case's key.

    Side effect: one ``portal.message_from_defender`` event. Raises ApplicationError for a
    replayed form, an empty message, no case yet or a closed case; nothing is saved then.
    """
    if not body.strip():
        raise ApplicationError(EMPTY_MESSAGE)
    with transaction.atomic(), keyring_scope():
        case = _live_case(referral)
        if not abuse.claim_form_token(form_token):
            raise ApplicationError(ALREADY_SENT)
        message = PortalMessage(
            organisation_id=referral.organisation_id,
            case=case,
            referral=referral,
            direction=MessageDirection.FROM_DEFENDER,
        )
        message.body = body
        message.save()
        record_event(
            EventType.PORTAL_MESSAGE_FROM_DEFENDER,
            organisation=referral.organisation_id,
            object_type="case",
            object_id=case.pk,
            data={"message_id": message.pk, "referral_id": referral.pk},
        )
    return message


def message_from_team(*, membership: Membership, case: Case, body: str) -> PortalMessage:
    """
    Send the defender a message from the case team, encrypted under the case's key.

    Permission: Permission.CASE_EDIT on the case (Http404 otherwise). Side effect: one
    ``portal.message_from_staff`` event. Raises ApplicationError for an empty message, a case
    with no portal referral or a closed case.
    """
    if not may(membership, Permission.CASE_EDIT, case):
        raise Http404
    if not body.strip():
        raise ApplicationError(EMPTY_MESSAGE)
    with transaction.atomic(), keyring_scope():
        referral = Referral.objects.filter(case=case).order_by("-submitted_at").first()
        if referral is None:
            raise ApplicationError(NO_PORTAL_RECEIPT)
        _live_case(referral)
        message = PortalMessage(
            organisation_id=case.organisation_id,
            case=case,
            referral=referral,
            direction=MessageDirection.FROM_TEAM,
            author=membership.user,
        )
        message.body = body
        message.save()
        record_action(
            EventType.PORTAL_MESSAGE_FROM_STAFF,
            membership,
            case,
            {"message_id": message.pk, "referral_id": referral.pk},
        )
    return message


# Triage ------------------------------------------------------------------------------------


def _pending_for_update(membership: Membership, referral: Referral) -> Referral:
    if not may(membership, Permission.PORTAL_TRIAGE, referral):
        raise Http404
    locked = (
        Referral.objects.select_for_update()
        .select_related("data_key__organisation_key")
        .get(pk=referral.pk)
    )
    if locked.status != ReferralStatus.PENDING:
        raise ApplicationError(ALREADY_TRIAGED)
    return locked


def _referral_note(referral: Referral) -> str:
    """The referral as a case note, so the case keeps what the defender first wrote."""
    account = referral.account or {}
    return str(
        _(
            "Self-referral %(reference)s from the portal.\n"
            "Name given: %(name)s\nContact: %(channel)s %(handle)s\nCountry: %(country)s\n"
            "When: %(when)s\n\n%(account)s"
        )
        % {
            "reference": referral.reference,
            "name": account.get("name", ""),
            "channel": account.get("channel", ""),
            "handle": account.get("handle", ""),
            "country": account.get("country", ""),
            "when": account.get("when", ""),
            "account": account.get("account", ""),
        }
    )


def _referral_file_bytes(ring: KeyRing, stored: ReferralFile) -> bytes:
    ref = stored.vault_key_ref()
    cipher = attachment_key_open(ring, ref, stored.pk, bytes(stored.wrapped_key))
    plain = io.BytesIO()
    with default_storage.open(stored.storage_name, "rb") as sealed:
        open_stream(cipher, sealed, plain, file_aad(ref, stored.pk))  # type: ignore[arg-type]
    return plain.getvalue()


def referral_file_verify(stored: ReferralFile, ring: KeyRing) -> None:
    """
    Decrypt a referral's stored file to nowhere, for ``haven vault verify``; nothing is recorded.

    A defender's evidence waits here until staff open a case from it, so it is checked (and backed
    up) like a case's attachment. Raises KeyDestroyedError for a shredded referral,
    FileNotFoundError for a missing file and DecryptionFailedError for a file changed on disk.
    """
    ref = stored.vault_key_ref()
    cipher = attachment_key_open(ring, ref, stored.pk, bytes(stored.wrapped_key))
    with default_storage.open(stored.storage_name, "rb") as sealed:
        open_stream(cipher, sealed, Discard(), file_aad(ref, stored.pk))  # type: ignore[arg-type]


def _move_to_case(*, membership: Membership, referral: Referral, case: Case) -> None:
    """Copy the referral's account (as a note) and its files onto the case."""
    note_add(membership=membership, case=case, body=_referral_note(referral))
    with keyring_scope() as ring:
        for stored in referral.files.select_related("referral__data_key__organisation_key"):
            attachment_add(
                membership=membership,
                case=case,
                name=stored.name or "file",
                data=_referral_file_bytes(ring, stored),
            )


def _decided(referral: Referral, membership: Membership, status: str) -> None:
    referral.status = status
    referral.decided_at = timezone.now()
    referral.decided_by = membership.user


#: The two ways a referral settles on a case, and the audit event each files.
_SETTLED_ON_CASE = {
    ReferralStatus.CASE_OPENED: EventType.PORTAL_REFERRAL_CASE_OPENED,
    ReferralStatus.LINKED: EventType.PORTAL_REFERRAL_LINKED,
}


def _settle_on_case(
    membership: Membership, referral: Referral, case: Case, status: ReferralStatus
) -> None:
    """Move the referral's account and files onto ``case``, record the decision and its event."""
    _move_to_case(membership=membership, referral=referral, case=case)
    _decided(referral, membership, status)
    referral.case = case
    referral.save(update_fields=["status", "decided_at", "decided_by", "case"])
    record_action(_SETTLED_ON_CASE[status], membership, referral, {"case_id": case.pk})


@transaction.atomic
def referral_open_case(*, membership: Membership, referral: Referral, legal_name: str) -> Case:
    """
    Open a case from a waiting referral, assigned to the member who triaged it.

    Permission: PORTAL_TRIAGE on the referral and CASE_OPEN (Http404 otherwise). The case gets the
    referral's urgency, its account as a note and its files as attachments. Side effects: the
    case services' events and one ``portal.referral_case_opened``. Raises ApplicationError when
    the referral was already triaged, and CaseError without a name.
    """
    if not may(membership, Permission.CASE_OPEN):
        raise Http404
    with keyring_scope():
        referral = _pending_for_update(membership, referral)
        case = case_open(
            membership=membership,
            organisation=membership.organisation,
            identity={"legal_name": legal_name},
            facts={"schema": FACTS_SCHEMA_ID},
            urgency=referral.urgency,
            assign_opener=True,
        )
        _settle_on_case(membership, referral, case, ReferralStatus.CASE_OPENED)
    return case


@transaction.atomic
def referral_link_case(*, membership: Membership, referral: Referral, case: Case) -> Case:
    """
    Add a waiting referral to a case the member can already work on (after a duplicate check).

    Permission: PORTAL_TRIAGE on the referral and CASE_EDIT on the case (Http404 otherwise).
    Side effects: a note, the files, and one ``portal.referral_linked`` event.
    """
    if not may(membership, Permission.CASE_EDIT, case):
        raise Http404
    with keyring_scope():
        referral = _pending_for_update(membership, referral)
        if case.status in CLOSED_STATUSES or case.erased_at is not None:
            raise ApplicationError(CASE_CLOSED)
        _settle_on_case(membership, referral, case, ReferralStatus.LINKED)
    return case


@transaction.atomic
def referral_decline(*, membership: Membership, referral: Referral, reason: str) -> Referral:
    """
    Decline a waiting referral with a reason the defender reads on their status page.

    Permission: PORTAL_TRIAGE on the referral (Http404 otherwise). The reason is encrypted under
    the referral's key. Side effect: one ``portal.referral_declined`` event.
    """
    if len(reason.strip()) < MINIMUM_DECLINE_REASON:
        raise ApplicationError(DECLINE_REASON_TOO_SHORT, minimum=MINIMUM_DECLINE_REASON)
    with keyring_scope():
        referral = _pending_for_update(membership, referral)
        referral.decline_reason = reason.strip()
        _decided(referral, membership, ReferralStatus.DECLINED)
        referral.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
        record_action(EventType.PORTAL_REFERRAL_DECLINED, membership, referral)
    return referral


@transaction.atomic
def referral_viewed(*, membership: Membership, referral: Referral) -> None:
    """Record that a member read a referral's decrypted content (AUD-01)."""
    record_action(EventType.PORTAL_REFERRAL_VIEWED, membership, referral)
