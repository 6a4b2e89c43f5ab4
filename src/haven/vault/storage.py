"""
Stored files whose rows are gone: deleted once the change that let go of them commits, and
again by ``haven worker`` until they are.

Evidence files are already ciphertext under a per-file key, so once a case is shredded its files
cannot be read; they are still deleted, so a shredded case leaves nothing behind on disk either.
``delete_files_after_commit`` writes a ``PendingFileDeletion`` row per file in the erasing
transaction (a rolled-back erasure keeps its files and leaves no row) and tries the deletion once
it commits. A deletion that fails (a read-only disk, a storage that is down) or never ran (the
process killed between the commit and the deletion) keeps its row: ``retry_pending_deletions``,
run by ``haven worker``, tries again with a doubling delay (``RETRY_FIRST_DELAY`` up to
``RETRY_MAX_DELAY``), never gives up, and records each run that tried something in a
``vault.file_deletions_retried`` audit event (counts only). ``haven vault verify`` lists the
files still waiting (``PENDING``) apart from other orphans, files no row names and no deletion
is pending for (an upload cut off before its row committed), which ``haven vault verify
--delete-orphans`` removes when older than ``ORPHAN_MIN_AGE``.
"""

import datetime
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.vault.backup import named_by_a_record
from haven.vault.models import PendingFileDeletion

logger = logging.getLogger(__name__)

ORPHAN_MIN_AGE = datetime.timedelta(hours=1)
RETRY_FIRST_DELAY = datetime.timedelta(minutes=5)
RETRY_MAX_DELAY = datetime.timedelta(days=1)
# Rows taken by one worker run: a long outage does not make one run hold the queue for hours.
RETRY_BATCH = 500
DELETE_FAILED = (
    "%d stored files of erased records could not be deleted; `haven worker` tries again and "
    "`haven vault verify` lists them as pending"
)


@dataclass(frozen=True)
class RetryReport:
    deleted: int
    failed: int
    waiting: int


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after ``attempts`` failed deletions: 5 minutes, doubling, at most a day."""
    doublings = min(max(attempts - 1, 0), 20)
    delay: datetime.timedelta = RETRY_FIRST_DELAY * (1 << doublings)
    return min(delay, RETRY_MAX_DELAY)


def _delete(pending: PendingFileDeletion, now: datetime.datetime) -> bool:
    """Delete one pending file; drop its row if it is gone, else record the failure. True if gone."""
    name = pending.storage_name
    try:
        # A record naming the file again would be a bug elsewhere; never delete evidence in use.
        if not named_by_a_record(name):
            default_storage.delete(name)  # a file already gone is not an error
    except OSError as error:
        attempts = pending.attempts + 1
        PendingFileDeletion.objects.filter(pk=pending.pk).update(
            attempts=attempts,
            next_attempt_at=now + retry_delay(attempts),
            last_error=type(error).__name__[:64],
        )
        return False
    PendingFileDeletion.objects.filter(pk=pending.pk).delete()
    return True


def delete_pending(names: Iterable[str]) -> int:
    """Try to delete the pending files ``names`` now; return how many could not be deleted."""
    now = timezone.now()
    failed = sum(
        not _delete(pending, now)
        for pending in PendingFileDeletion.objects.filter(storage_name__in=list(names))
    )
    if failed:
        logger.error(DELETE_FAILED, failed)
    return failed


def delete_files_after_commit(names: Iterable[str]) -> None:
    """
    Delete the named files once the current transaction commits (never if it rolls back).

    Writes a ``PendingFileDeletion`` row per file in the current transaction, so a deletion that
    fails or never runs is tried again by ``haven worker``.
    """
    pending = sorted({name for name in names if name})
    if not pending:
        return
    PendingFileDeletion.objects.bulk_create(
        [PendingFileDeletion(storage_name=name) for name in pending], ignore_conflicts=True
    )
    transaction.on_commit(lambda: delete_pending(pending))


def retry_pending_deletions(*, now: datetime.datetime | None = None) -> RetryReport:
    """
    Try again every pending deletion whose time has come; the ``haven worker`` job.

    Each file is deleted on its own (one failure leaves the others done); a failure doubles the
    row's delay. One ``vault.file_deletions_retried`` event, with counts only, when anything was
    tried.
    """
    now = now or timezone.now()
    due = list(PendingFileDeletion.objects.filter(next_attempt_at__lte=now)[:RETRY_BATCH])
    deleted = sum(_delete(pending, now) for pending in due)
    failed = len(due) - deleted
    waiting = PendingFileDeletion.objects.count()
    if due:
        record_event(
            EventType.FILE_DELETIONS_RETRIED,
            object_type="vault.pendingfiledeletion",
            data={"deleted": deleted, "failed": failed, "waiting": waiting},
        )
    if failed:
        logger.error(DELETE_FAILED, failed)
    return RetryReport(deleted=deleted, failed=failed, waiting=waiting)


def pending_deletions() -> list[PendingFileDeletion]:
    """Every stored file still waiting for its deletion, the next to be tried first."""
    return list(PendingFileDeletion.objects.all())


def stored_files(folder: str = "") -> Iterator[str]:
    """Yield the name of every file in the default storage, folder by folder."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for child in sorted(folders):
        yield from stored_files(f"{folder}/{child}" if folder else child)


def orphan_files(named: set[str]) -> list[str]:
    """Return the stored files that no row names (``named``: every name a row holds)."""
    return [name for name in stored_files() if name not in named]


def delete_orphans(orphans: Iterable[str], *, min_age: datetime.timedelta = ORPHAN_MIN_AGE) -> int:
    """Delete the orphans older than ``min_age``; return how many were deleted."""
    cutoff = timezone.now() - min_age
    deleted = 0
    for name in orphans:
        try:
            if default_storage.get_modified_time(name) > cutoff:
                continue
            default_storage.delete(name)
        except OSError:
            continue
        deleted += 1
    return deleted
