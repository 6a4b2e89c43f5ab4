"""Files on a case: cleaned, encrypted under their own key, and audited when read."""

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, record_action
from haven.audit.events import EventType
from haven.cases.errors import CaseError
from haven.cases.models import Attachment, Case
from haven.cases.services.guards import check_live, check_permitted, on_case
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.uploads import UploadRejected, sanitise_in_worker
from haven.vault.files import (
    attachment_key_create,
    attachment_key_open,
    file_aad,
    open_stream,
    received_fingerprint,
    seal_stream,
)
from haven.vault.integrity import Discard
from haven.vault.keyring import KeyRing, keyring_scope

ATTACHMENTS_PER_CASE = 100
TOO_MANY_ATTACHMENTS = _("This case already has %(limit)s files, the limit.")


def attachment_add(*, membership: Acting, case: Case, name: str, data: bytes) -> Attachment:
    """
    Clean an uploaded file (``haven.uploads.sanitise``, in a child process with memory and time
    limits), encrypt it under its own key wrapped by the case key, and store it under a random
    name (UPL-02, UPL-03, UPL-04, UPL-05).

    Permission: CASE_EDIT on the case (Http404 otherwise, AZ-02), for the portal's triage too,
    which adds a referral's files as the member who opened or linked the case. Side effect: one
    ``case.attachment_added`` event with the attachment id, size and the keyed fingerprint of
    the file as received (``vault.files.received_fingerprint``: shredding the case makes it
    unmatchable, unlike a bare SHA-256). Raises ``UploadRejected`` (after a
    ``case.attachment_rejected`` event, written even though nothing else is) or CaseError past
    the per-case limit.
    """
    check_permitted(membership, Permission.CASE_EDIT, case)
    check_live(case)
    if Attachment.objects.filter(case=case).count() >= ATTACHMENTS_PER_CASE:
        raise CaseError(TOO_MANY_ATTACHMENTS, limit=ATTACHMENTS_PER_CASE)
    try:
        cleaned = sanitise_in_worker(data, name)
    except UploadRejected as rejected:
        with transaction.atomic():
            record_action(
                EventType.ATTACHMENT_REJECTED, membership, case, {"reason": str(rejected.code)}
            )
        raise
    with transaction.atomic(), keyring_scope() as ring:
        attachment = Attachment(
            **on_case(case, membership),
            media_type=cleaned.media_type,
            size=len(cleaned.content),
            storage_name=f"attachments/{uuid.uuid4()}",
        )
        stem = name.rsplit(".", 1)[0][:200] or "file"
        attachment.name = f"{stem}.{cleaned.extension}"
        cipher, wrapped = attachment_key_create(ring, case.vault_key_ref(), attachment.pk)
        attachment.wrapped_key = wrapped
        attachment.received_fingerprint = received_fingerprint(
            ring, case.vault_key_ref(), attachment.pk, wrapped, cleaned.original_sha256
        )
        sealed = io.BytesIO()
        seal_stream(
            cipher,
            io.BytesIO(cleaned.content),
            sealed,
            file_aad(case.vault_key_ref(), attachment.pk),
        )
        attachment.storage_name = default_storage.save(
            attachment.storage_name, ContentFile(sealed.getvalue())
        )
        attachment.save()
    record_action(
        EventType.ATTACHMENT_ADDED,
        membership,
        case,
        {
            "attachment_id": attachment.pk,
            "bytes": attachment.size,
            "received_fingerprint": attachment.received_fingerprint,
        },
    )
    return attachment


def attachment_read(*, membership: Membership, attachment: Attachment) -> bytes:
    """
    Decrypt a stored attachment for download. Permission: CASE_VIEW on its case (Http404
    otherwise, AZ-02). Side effect: one ``case.attachment_downloaded`` event. Raises
    DecryptionFailedError for a file changed on disk.
    """
    case = attachment.case
    check_permitted(membership, Permission.CASE_VIEW, case)
    with transaction.atomic(), keyring_scope() as ring:
        plain = attachment_plaintext(attachment, ring)
        record_action(
            EventType.ATTACHMENT_DOWNLOADED, membership, case, {"attachment_id": attachment.pk}
        )
    return plain


def attachment_plaintext(attachment: Attachment, ring: KeyRing) -> bytes:
    """
    Decrypt a stored attachment in memory, with no audit event of its own: for a caller that
    files its own (the download above, the referral pack to counsel, which lists the file's id).
    """
    ref = attachment.case.vault_key_ref()
    cipher = attachment_key_open(ring, ref, attachment.pk, bytes(attachment.wrapped_key))
    plain = io.BytesIO()
    with default_storage.open(attachment.storage_name, "rb") as stored:
        open_stream(
            cipher,
            stored,  # type: ignore[arg-type]  # a File reads like a binary stream
            plain,
            file_aad(ref, attachment.pk),
        )
    return plain.getvalue()


def attachment_verify(attachment: Attachment, ring: KeyRing) -> None:
    """
    Decrypt a stored attachment to nowhere, for ``haven vault verify``; nothing is recorded.

    Raises KeyDestroyedError for an erased case, FileNotFoundError for a missing file and
    DecryptionFailedError for a file changed, cut short or moved on disk.
    """
    ref = attachment.case.vault_key_ref()
    cipher = attachment_key_open(ring, ref, attachment.pk, bytes(attachment.wrapped_key))
    with default_storage.open(attachment.storage_name, "rb") as stored:
        open_stream(cipher, stored, Discard(), file_aad(ref, attachment.pk))  # type: ignore[arg-type]
