"""
An erased case's evidence files are deleted from the storage, not only made unreadable.

Issue 11 (hardening leftovers): shredding destroys the case's key (CRY-06); the encrypted files
then went on sitting in the data folder. Now they are deleted once the erasure commits; a
deletion that fails leaves an orphan that ``haven vault verify`` lists and can remove.
"""

import argparse
import datetime
import logging

import django.core.management
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils import timezone

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import Attachment
from haven.cases.services import attachment_add, case_erasure_approve, case_erasure_request
from haven.cli import django_setup, main, worker
from haven.vault.backup import snapshot
from haven.vault.integrity import verify_vault
from haven.vault.models import PendingFileDeletion
from haven.vault.storage import delete_orphans, retry_delay, retry_pending_deletions
from tests.acting import acting
from tests.cases.factories import open_canary_case
from tests.conftest import make_member
from tests.vault.test_evidence_files import STATEMENT, document_of


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "data" / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def case_with_files(organisation, coordinator, media_root):
    case = open_canary_case(organisation)
    for name in ("statement.txt", "second.txt"):
        attachment_add(membership=acting(coordinator), case=case, name=name, data=STATEMENT)
    return case


def erase(case, organisation, coordinator):
    second = make_member(organisation, "coordinator", "sam.second")
    erasure = case_erasure_request(membership=acting(coordinator), case=case)
    return case_erasure_approve(membership=acting(second), erasure=erasure)


def stored_paths(case, media_root):
    return [
        media_root / name
        for name in Attachment.objects.filter(case=case).values_list("storage_name", flat=True)
    ]


def test_erasure_deletes_the_case_files_from_disk(
    case_with_files, organisation, coordinator, media_root, django_capture_on_commit_callbacks
):
    """CRY-06: after the erasure commits, none of the case's files is left in the data folder."""
    paths = stored_paths(case_with_files, media_root)
    assert len(paths) == 2 and all(path.is_file() for path in paths)

    with django_capture_on_commit_callbacks(execute=True):
        erase(case_with_files, organisation, coordinator)

    assert not any(path.exists() for path in paths)
    assert list((media_root / "attachments").iterdir()) == []
    assert set(
        Attachment.objects.filter(case=case_with_files).values_list("storage_name", flat=True)
    ) == {""}
    shredded = AuditEvent.objects.get(event_type=EventType.CASE_SHREDDED)
    assert shredded.data["files"] == 2


def test_files_stay_until_the_erasure_commits(
    case_with_files, organisation, coordinator, media_root, django_capture_on_commit_callbacks
):
    """The deletion waits for the commit: an erasure rolled back would still have its files."""
    paths = stored_paths(case_with_files, media_root)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        erase(case_with_files, organisation, coordinator)

    assert all(path.is_file() for path in paths)
    assert len(callbacks) == 1


def test_after_erasure_verify_passes_and_a_backup_still_writes(
    case_with_files, organisation, coordinator, django_capture_on_commit_callbacks
):
    """BAK-01, BAK-02: the erased rows name no file, so neither verify nor a backup misses one."""
    with django_capture_on_commit_callbacks(execute=True):
        erase(case_with_files, organisation, coordinator)

    report = verify_vault()
    assert report.intact, report.failures
    assert report.files_erased == 2
    assert report.orphans == []
    assert document_of(snapshot())["files"] == []


def refuse(self, name):
    raise PermissionError("read-only")


def test_a_failed_deletion_is_logged_listed_as_pending_and_not_taken_for_an_orphan(
    case_with_files,
    organisation,
    coordinator,
    media_root,
    monkeypatch,
    caplog,
    capsys,
    django_capture_on_commit_callbacks,
):
    """A file that cannot be deleted is reported by count (no name, no content), keeps its
    pending deletion, and ``haven vault verify`` lists it as PENDING (exit status unchanged)."""
    paths = stored_paths(case_with_files, media_root)

    monkeypatch.setattr(FileSystemStorage, "delete", refuse)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        erase(case_with_files, organisation, coordinator)
    monkeypatch.undo()

    assert "2 stored files of erased records could not be deleted" in caplog.text
    assert all(path.is_file() for path in paths)
    pending = PendingFileDeletion.objects.all()
    assert sorted(pending.values_list("storage_name", flat=True)) == sorted(
        str(path.relative_to(media_root)) for path in paths
    )
    assert {(row.attempts, row.last_error) for row in pending} == {(1, "PermissionError")}
    report = verify_vault()
    assert report.orphans == [] and len(report.pending) == 2
    assert main(["vault", "verify"]) == 0
    out = capsys.readouterr().out
    assert out.count("PENDING attachments/") == 2 and "ORPHAN" not in out
    # --delete-orphans leaves pending deletions to the worker.
    assert delete_orphans(verify_vault().orphans, min_age=datetime.timedelta(0)) == 0


def test_an_orphan_no_deletion_covers_is_listed_and_removed_by_hand(db, media_root, capsys):
    """A file no record names and no deletion covers (an upload cut off before its row
    committed): listed as ORPHAN, removed by ``--delete-orphans`` once it is old."""
    default_storage.save("attachments/cut-off-upload", ContentFile(b"ciphertext"))

    assert verify_vault().orphans == ["attachments/cut-off-upload"]
    assert main(["vault", "verify"]) == 0
    assert "ORPHAN attachments/cut-off-upload" in capsys.readouterr().out
    # Too young to be sure no upload is still committing: kept.
    assert delete_orphans(verify_vault().orphans) == 0
    assert delete_orphans(verify_vault().orphans, min_age=datetime.timedelta(0)) == 1
    assert default_storage.listdir("attachments")[1] == []


def run_the_worker_once(monkeypatch):
    """``haven worker --once`` as deployed, the queue run by the test settings' immediate backend."""
    monkeypatch.setattr(django_setup, "setup", lambda: None)
    monkeypatch.setattr(django.core.management, "call_command", lambda *a, **k: None)
    assert worker.worker(argparse.Namespace(once=True, interval=1)) == 0


def test_the_worker_deletes_what_a_failed_deletion_left_after_its_delay(
    case_with_files,
    organisation,
    coordinator,
    media_root,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """Issue 11: the storage refuses the deletion at erasure time; the worker tries again once the
    delay has passed and the files are gone, with one audit event holding counts only."""
    paths = stored_paths(case_with_files, media_root)
    with monkeypatch.context() as storage_down:
        storage_down.setattr(FileSystemStorage, "delete", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            erase(case_with_files, organisation, coordinator)
    assert all(path.is_file() for path in paths)

    run_the_worker_once(monkeypatch)  # within the delay: not tried yet
    assert all(path.is_file() for path in paths)
    assert not AuditEvent.objects.filter(event_type=EventType.FILE_DELETIONS_RETRIED).exists()

    PendingFileDeletion.objects.update(next_attempt_at=timezone.now())  # the delay has passed
    run_the_worker_once(monkeypatch)

    assert not any(path.exists() for path in paths)
    assert not PendingFileDeletion.objects.exists()
    event = AuditEvent.objects.get(event_type=EventType.FILE_DELETIONS_RETRIED)
    assert event.data == {"deleted": 2, "failed": 0, "waiting": 0}
    assert verify_vault().pending == [] and verify_vault().orphans == []


def test_a_deletion_that_never_ran_is_done_by_the_worker(
    case_with_files,
    organisation,
    coordinator,
    media_root,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """The process killed between the commit and the deletion: the row committed with the
    erasure, so the next worker run deletes the files."""
    paths = stored_paths(case_with_files, media_root)
    with django_capture_on_commit_callbacks(execute=False):
        erase(case_with_files, organisation, coordinator)
    assert PendingFileDeletion.objects.count() == 2

    run_the_worker_once(monkeypatch)

    assert not any(path.exists() for path in paths)
    assert not PendingFileDeletion.objects.exists()


def test_a_deletion_that_keeps_failing_waits_twice_as_long_each_time(
    case_with_files,
    organisation,
    coordinator,
    media_root,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(FileSystemStorage, "delete", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        erase(case_with_files, organisation, coordinator)
    at = PendingFileDeletion.objects.first().next_attempt_at

    delays = []
    for _ in range(4):
        report = retry_pending_deletions(now=at)
        assert (report.deleted, report.failed, report.waiting) == (0, 2, 2)
        row = PendingFileDeletion.objects.first()
        delays.append(row.next_attempt_at - at)
        at = row.next_attempt_at
    assert retry_pending_deletions(now=at - datetime.timedelta(seconds=1)).failed == 0

    assert [delay // datetime.timedelta(minutes=5) for delay in delays] == [2, 4, 8, 16]
    assert row.attempts == 5
    assert retry_delay(40) == datetime.timedelta(days=1)


def test_a_file_a_record_names_again_is_never_deleted(case_with_files, media_root):
    """A pending deletion for a file some record still names is dropped, the file kept."""
    attachment = Attachment.objects.filter(case=case_with_files).first()
    PendingFileDeletion.objects.create(storage_name=attachment.storage_name)

    retry_pending_deletions()

    assert (media_root / attachment.storage_name).is_file()
    assert not PendingFileDeletion.objects.exists()
