"""
Evidence files live in the data folder, travel with backups and are checked by ``haven vault verify``.

Issue 11, item 1 (UPL-05, BAK-01, BAK-02, CRY-06, CRY-08) and the restore refusals of item 10.
"""

import gzip
import json
import os
import stat

import pytest
from django.core.files.storage import default_storage
from pyrage import x25519

from haven.audit.models import AuditEvent
from haven.cases.models import Attachment
from haven.cases.services import (
    attachment_add,
    attachment_read,
    case_erasure_approve,
    case_erasure_request,
)
from haven.cli import main
from haven.vault.backup import BackupError, restore, snapshot
from haven.vault.integrity import verify_vault
from tests.acting import acting
from tests.cases.factories import open_canary_case
from tests.conftest import make_member
from tests.vault.records import wipe_database

STATEMENT = b"A fictional statement about the fictional harbour of Vessa.\n"


@pytest.fixture
def media_root(settings, tmp_path):
    """The production storage (files on disk) in a fresh data folder."""
    settings.MEDIA_ROOT = tmp_path / "data" / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def attachment(organisation, coordinator, media_root):
    case = open_canary_case(organisation)
    return attachment_add(
        membership=acting(coordinator), case=case, name="statement.txt", data=STATEMENT
    )


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def document_of(data: bytes) -> dict:
    return json.loads(gzip.decompress(data))


def snapshot_of(document: dict) -> bytes:
    return gzip.compress(json.dumps(document).encode())


def test_files_are_stored_in_the_data_folder_private_to_the_service(attachment, media_root):
    """UPL-05: the encrypted file is under MEDIA_ROOT (in HAVEN_DATA_DIR), folders 0700, file 0600."""
    stored = media_root / attachment.storage_name

    assert stored.is_file()
    assert not stored.read_bytes().startswith(STATEMENT[:10])
    assert mode(stored) == 0o600
    folder = stored.parent
    while folder != media_root.parent:
        assert mode(folder) == 0o700, folder
        folder = folder.parent


def test_a_restore_brings_every_file_back(attachment, coordinator, media_root):
    """BAK-01: backup, lose the database and the files, restore: the file opens as before."""
    before = attachment_read(membership=acting(coordinator), attachment=attachment)
    data = snapshot()
    wipe_database()
    default_storage.delete(attachment.storage_name)

    report = restore(data)

    assert report.files == 1
    restored = Attachment.objects.get(pk=attachment.pk)
    assert attachment_read(membership=acting(coordinator), attachment=restored) == before
    assert mode(media_root / restored.storage_name) == 0o600
    assert verify_vault().intact


def test_the_backup_holds_the_file_only_as_ciphertext(attachment):
    """BAK-01: the snapshot carries the stored (encrypted) bytes, never the plaintext."""
    content = gzip.decompress(snapshot())

    assert STATEMENT not in content
    assert b"Vessa" not in content
    assert document_of(snapshot())["files"][0][0] == attachment.storage_name


def test_vault_verify_counts_what_opens(attachment, capsys):
    """BAK-02: after a clean restore or rotation the command reports counts and exits 0."""
    report = verify_vault()

    assert report.intact
    assert report.files_opened == 1
    assert report.values_opened > 0
    assert main(["vault", "verify"]) == 0
    assert "vault intact" in capsys.readouterr().out


def test_vault_verify_fails_on_a_changed_file(attachment, media_root, capsys):
    """CRY-08: one flipped byte in a stored file makes verify exit 1 naming the row, not the content."""
    stored = media_root / attachment.storage_name
    data = bytearray(stored.read_bytes())
    data[-3] ^= 0x01
    stored.write_bytes(bytes(data))

    assert main(["vault", "verify"]) == 1
    err = capsys.readouterr().err
    assert str(attachment.pk) in err
    assert "Vessa" not in err


def test_vault_verify_fails_on_a_missing_file(attachment, media_root, capsys):
    """A file lost from the disk is a failure."""
    (media_root / attachment.storage_name).unlink()

    report = verify_vault()

    assert not report.intact
    assert "missing" in report.failures[0]


def test_vault_verify_fails_on_a_changed_value(attachment, capsys):
    """A ciphertext changed in the database is a failure (identifiers only in the report)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM cases_attachment")
        blob = bytearray(cursor.fetchone()[0])
        blob[-1] ^= 0x01
        cursor.execute("UPDATE cases_attachment SET name = %s", [bytes(blob)])

    report = verify_vault()

    assert not report.intact
    assert any("cases_attachment.name" in failure for failure in report.failures)


def test_erased_records_are_counted_apart_not_failed(organisation, coordinator, attachment):
    """CRY-06: an erased case's values and files cannot open by design; verify still passes."""
    second = make_member(organisation, "coordinator", "sam.second")
    erasure = case_erasure_request(membership=acting(coordinator), case=attachment.case)
    case_erasure_approve(membership=acting(second), erasure=erasure)

    report = verify_vault()

    assert report.intact, report.failures
    assert report.files_erased == 1
    assert report.values_erased > 0


def test_restore_refuses_a_file_no_record_names(attachment):
    """A backup with an extra file (planted, or from another backup) is refused; nothing is written."""
    document = document_of(snapshot())
    document["files"].append(["attachments/planted", "aGVsbG8="])
    wipe_database()
    default_storage.delete(attachment.storage_name)

    with pytest.raises(BackupError, match="files do not match"):
        restore(snapshot_of(document))
    assert Attachment.objects.count() == 0
    assert not default_storage.exists("attachments/planted")
    assert not default_storage.exists(attachment.storage_name)


def test_restore_refuses_a_backup_missing_a_named_file(attachment):
    """A version-2 backup without a file one of its records names is refused."""
    document = document_of(snapshot())
    document["files"] = []
    wipe_database()
    default_storage.delete(attachment.storage_name)

    with pytest.raises(BackupError, match="1 missing"):
        restore(snapshot_of(document))
    assert Attachment.objects.count() == 0


def test_restore_refuses_unknown_tables(attachment):
    """Item 10: a table this version does not know is named and refused, not silently dropped."""
    document = document_of(snapshot())
    document["tables"]["shadow.copy"] = {"fields": ["id"], "rows": [[1]]}
    wipe_database()

    with pytest.raises(BackupError, match=r"shadow\.copy"):
        restore(snapshot_of(document))
    assert Attachment.objects.count() == 0


def test_restore_refuses_a_chain_with_a_gap(attachment):
    """AUD-02: a backup whose audit chain lacks an event is refused with the reason."""
    document = document_of(snapshot())
    events = document["tables"]["audit.auditevent"]
    del events["rows"][1]
    wipe_database()
    default_storage.delete(attachment.storage_name)

    with pytest.raises(BackupError, match="audit chain does not verify"):
        restore(snapshot_of(document))
    assert AuditEvent.objects.count() == 0
    assert not default_storage.exists(attachment.storage_name)


@pytest.mark.parametrize(
    "wrong_value",
    ["not-a-date", {"nested": True}, 10**30, ["list"], True],
)
def test_restore_refuses_a_wrongly_typed_value_with_a_message(attachment, wrong_value):
    """Item 9: a well-formed snapshot with a wrongly typed value is refused as damaged, no traceback."""
    document = document_of(snapshot())
    table = document["tables"]["audit.auditevent"]
    column = table["fields"].index("occurred_at")
    table["rows"][0][column] = wrong_value
    wipe_database()
    default_storage.delete(attachment.storage_name)

    with pytest.raises(BackupError):
        restore(snapshot_of(document))
    assert AuditEvent.objects.count() == 0


def test_a_backup_with_a_lost_file_stops_with_its_name_and_writes_nothing(
    attachment, media_root, tmp_path, capsys
):
    """BAK-02: a record whose file is gone stops `haven backup` (exit 2) naming it; no file is left."""
    (media_root / attachment.storage_name).unlink()
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    recipient = str(x25519.Identity.generate().to_public())

    code = main(["backup", "--out", str(out_dir / "haven.age"), "--recipient", recipient])

    assert code == 2
    assert attachment.storage_name in capsys.readouterr().err
    assert list(out_dir.iterdir()) == []


def test_vault_verify_opens_totp_seeds_and_fails_on_a_moved_one(coordinator, caseworker):
    """AUTH-06: every sealed TOTP seed is opened; one copied onto another user's row fails."""
    from haven.accounts.models import SealedTOTPDevice

    devices = list(SealedTOTPDevice.objects.order_by("pk"))
    intact = verify_vault()
    devices[1].key = devices[0].key
    devices[1].save(update_fields=["key"])

    broken = verify_vault()

    assert intact.intact
    assert intact.values_opened >= len(devices)
    assert any(SealedTOTPDevice._meta.db_table in failure for failure in broken.failures)
