"""
Stored files whose rows are gone: deleted once the change that let go of them commits.

Evidence files are already ciphertext under a per-file key, so once a case is shredded its files
cannot be read; they are still deleted, so a shredded case leaves nothing behind on disk either.
The deletion runs after the erasing transaction commits (a rolled-back erasure keeps its files).
A deletion that fails (a read-only disk, a killed process) leaves a file no row names: it is
logged by count only, ``haven vault verify`` lists such orphans and ``haven vault verify
--delete-orphans`` removes them (only those older than ``ORPHAN_MIN_AGE``, so a file whose upload
is still committing is never taken).
"""

import datetime
import logging
from collections.abc import Iterable, Iterator

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

ORPHAN_MIN_AGE = datetime.timedelta(hours=1)
DELETE_FAILED = (
    "%d stored files of erased records could not be deleted; `haven vault verify` lists them "
    "as orphans and `haven vault verify --delete-orphans` removes them"
)


def delete_files(names: Iterable[str]) -> int:
    """Delete each named file from the default storage; return how many could not be deleted."""
    failed = 0
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except OSError:
            failed += 1
    if failed:
        logger.error(DELETE_FAILED, failed)
    return failed


def delete_files_after_commit(names: Iterable[str]) -> None:
    """Delete the named files once the current transaction commits (never if it rolls back)."""
    pending = [name for name in names if name]
    if pending:
        transaction.on_commit(lambda: delete_files(pending))


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
