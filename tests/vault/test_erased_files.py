"""
An erased case's evidence files are deleted from the storage, not only made unreadable.

Issue 11 (hardening leftovers): shredding destroys the case's key (CRY-06); the encrypted files
then went on sitting in the data folder. Now they are deleted once the erasure commits; a
deletion that fails leaves an orphan that ``haven vault verify`` lists and can remove.
"""

import datetime
import logging

import pytest
from django.core.files.storage import FileSystemStorage, default_storage

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import Attachment
from haven.cases.services import attachment_add, case_erasure_approve, case_erasure_request
from haven.cli import main
from haven.vault.backup import snapshot
from haven.vault.integrity import verify_vault
from haven.vault.storage import delete_orphans
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


def test_a_failed_deletion_is_logged_and_verify_lists_then_removes_the_orphan(
    case_with_files,
    organisation,
    coordinator,
    media_root,
    monkeypatch,
    caplog,
    capsys,
    django_capture_on_commit_callbacks,
):
    """A file that cannot be deleted is reported by count (no name, no content) and left as an
    orphan: ``haven vault verify`` lists it and ``--delete-orphans`` removes it once it is old."""
    paths = stored_paths(case_with_files, media_root)

    def refuse(self, name):
        raise PermissionError("read-only")

    monkeypatch.setattr(FileSystemStorage, "delete", refuse)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        erase(case_with_files, organisation, coordinator)
    monkeypatch.undo()

    assert "2 stored files of erased records could not be deleted" in caplog.text
    assert all(path.is_file() for path in paths)
    assert sorted(verify_vault().orphans) == sorted(
        str(path.relative_to(media_root)) for path in paths
    )
    assert main(["vault", "verify"]) == 0
    assert "ORPHAN attachments/" in capsys.readouterr().out

    # Too young to be sure no upload is still committing: kept.
    assert delete_orphans(verify_vault().orphans) == 0
    assert delete_orphans(verify_vault().orphans, min_age=datetime.timedelta(0)) == 2
    assert not any(path.exists() for path in paths)
    assert default_storage.listdir("attachments")[1] == []
