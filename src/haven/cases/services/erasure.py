"""
Erasing a case by crypto-shredding: one coordinator asks with a reason, a second approves within
72 hours (or any coordinator declines), and the approval destroys the keys at once.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import record_action
from haven.audit.events import EventType
from haven.cases.errors import CaseError
from haven.cases.models import (
    Attachment,
    Case,
    CaseDefender,
    CaseErasure,
    CaseStatus,
    Defender,
    ErasureReason,
    ErasureState,
)
from haven.cases.services.guards import check_live
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.vault.blind_index import blind_index_delete
from haven.vault.keyring import keyring_scope
from haven.vault.storage import delete_files_after_commit

ERASURE_APPROVAL_WINDOW = datetime.timedelta(hours=72)
NOT_A_COORDINATOR = _(
    "Only a coordinator of the case's organisation can request or approve erasure."
)


def check_may_erase(membership: Membership, case: Case) -> None:
    """
    Refuse a member the policy does not let erase ``case`` (CASE_ERASE on it: a coordinator of
    its organisation, acting for it with an active membership). The policy is asked, not the
    member's role in some organisation, so another membership of the same person counts for
    nothing.
    """
    if not may(membership, Permission.CASE_ERASE, case):
        raise CaseError(NOT_A_COORDINATOR)


UNKNOWN_REASON = _("Choose why the case should be erased.")
ERASURE_PENDING = _("An erasure of this case is already waiting for approval.")


@transaction.atomic
def case_erasure_request(
    *, membership: Membership, case: Case, reason: str = ErasureReason.RETENTION_ENDED
) -> CaseErasure:
    """
    Ask for a case to be erased, giving one of ``ErasureReason``; a second coordinator must
    approve within 72 hours.

    Permission: CASE_ERASE on the case, checked here (``check_may_erase``). Side effect: one
    ``vault.shred_requested`` event with the erasure's id and reason. Raises CaseError
    otherwise, for an unknown reason, or when a request is pending.
    """
    check_may_erase(membership, case)
    if reason not in ErasureReason.values:
        raise CaseError(UNKNOWN_REASON)
    check_live(case)
    now = timezone.now()
    if CaseErasure.objects.filter(
        case=case, state=ErasureState.PENDING, expires_at__gt=now
    ).exists():
        raise CaseError(ERASURE_PENDING)
    erasure = CaseErasure.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        requested_by=membership.user,
        requested_at=now,
        expires_at=now + ERASURE_APPROVAL_WINDOW,
        reason=reason,
    )
    record_action(
        EventType.SHRED_REQUESTED, membership, case, {"erasure_id": erasure.pk, "reason": reason}
    )
    return erasure


#: Also raised by ``case_erasure_approve``.
ERASURE_NOT_PENDING = _("This erasure request is not waiting for approval.")


@transaction.atomic
def case_erasure_decline(*, membership: Membership, erasure: CaseErasure) -> CaseErasure:
    """
    Decline a pending erasure: the case and its keys are kept, and a new request can be made.

    Any coordinator of the organisation may decline, the requester included (withdrawing their
    own request is the safe direction). Permission: CASE_ERASE on the case (``check_may_erase``).
    Side effect: one ``vault.shred_rejected`` event. Raises CaseError when ``membership`` may not
    or the request is no longer pending.
    """
    erasure = CaseErasure.objects.select_for_update().select_related("case").get(pk=erasure.pk)
    check_may_erase(membership, erasure.case)
    if erasure.state != ErasureState.PENDING:
        raise CaseError(ERASURE_NOT_PENDING)
    erasure.state = ErasureState.DECLINED
    erasure.declined_by = membership.user
    erasure.declined_at = timezone.now()
    erasure.save(update_fields=["state", "declined_by", "declined_at"])
    record_action(EventType.SHRED_REJECTED, membership, erasure.case, {"erasure_id": erasure.pk})
    return erasure


SAME_COORDINATOR = _("A second coordinator must approve the erasure: the requester cannot.")
ERASURE_EXPIRED = _("This erasure request expired; ask again.")


@transaction.atomic
def case_erasure_approve(*, membership: Membership, erasure: CaseErasure) -> CaseErasure:
    """
    Approve an erasure and crypto-shred the case at once.

    Permission: CASE_ERASE on the case (``check_may_erase``), and not the requester. Destroys the case's data key and the keys of its defenders that no other live case
    refers to, deletes their blind-index tokens, and marks the rows erased; every encrypted field
    then raises KeyDestroyedError. The case's attachment rows let go of their stored files, which
    are deleted from the storage once this transaction commits (``vault.storage``: a pending
    deletion is recorded in this transaction, so a file that cannot be deleted then is retried
    by ``haven worker`` and listed by ``haven vault verify``). Side effects:
    ``vault.shred_approved`` and ``vault.case_shredded`` events holding identifiers and counts only. Raises CaseError when the approval is not allowed.
    """
    erasure = CaseErasure.objects.select_for_update().get(pk=erasure.pk)
    case = Case.objects.select_for_update().get(pk=erasure.case_id)
    if erasure.state != ErasureState.PENDING:
        raise CaseError(ERASURE_NOT_PENDING)
    check_may_erase(membership, case)
    if membership.user_id == erasure.requested_by_id:
        raise CaseError(SAME_COORDINATOR)
    now = timezone.now()
    if erasure.expires_at <= now:
        raise CaseError(ERASURE_EXPIRED)

    with keyring_scope() as ring:
        ring.destroy_data_key(case.vault_key_ref())
        erased_defenders = []
        for defender in case.defenders.filter(erased_at__isnull=True):
            still_needed = (
                CaseDefender.objects.filter(defender=defender)
                .exclude(case=case)
                .exclude(case__status=CaseStatus.ERASED)
                .exists()
            )
            if not still_needed:
                ring.destroy_data_key(defender.vault_key_ref())
                erased_defenders.append(defender.pk)
        blind_index_delete(erased_defenders)
        Defender.objects.filter(pk__in=erased_defenders).update(erased_at=now)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ERASED, erased_at=now)
    attachments = Attachment.objects.filter(case=case).exclude(storage_name="")
    stored = list(attachments.values_list("storage_name", flat=True))
    attachments.update(storage_name="")
    delete_files_after_commit(stored)
    erasure.state = ErasureState.APPROVED
    erasure.approved_by = membership.user
    erasure.approved_at = now
    erasure.save(update_fields=["state", "approved_by", "approved_at"])
    record_action(
        EventType.SHRED_APPROVED,
        membership,
        case,
        {"erasure_id": erasure.pk, "requested_by": erasure.requested_by.public_id},
    )
    record_action(
        EventType.CASE_SHREDDED,
        membership,
        case,
        {"defender_ids": erased_defenders, "files": len(stored)},
    )
    return erasure
