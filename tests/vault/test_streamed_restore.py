"""
``haven restore`` streams: the backup is decrypted, decompressed, parsed and loaded as it is read.

Issue 11 leftovers: restore used to read the whole age file, decrypt it, decompress it and parse
it into one document with every file as bytes, so memory grew with the backup (several times
its size). Now it holds a batch of rows and a piece of a file. Backups written before the change
(``haven.backup/2`` and ``/1``) still restore: the format did not change, only the reading.
"""

import gzip
import json
import os
import tracemalloc

import pytest
from django.core.files.storage import default_storage
from pyrage import x25519

from haven.cases.models import Attachment, Case
from haven.cases.services import attachment_add, attachment_read
from haven.cli import main
from haven.vault import archives
from haven.vault.backup import BackupError, restore, restore_stream, snapshot, snapshot_chunks
from tests.acting import acting
from tests.cases.factories import open_canary_case
from tests.vault.records import decrypted_state, wipe_database
from tests.vault.test_evidence_files import STATEMENT

LARGE_FILE_BYTES = 12 * 1024 * 1024


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "data" / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def identity(tmp_path):
    key = x25519.Identity.generate()
    path = tmp_path / "backup.key"
    path.write_text(f"{key}\n")
    return key, path


@pytest.fixture
def attachment(organisation, coordinator, media_root):
    case = open_canary_case(organisation)
    return attachment_add(
        membership=acting(coordinator), case=case, name="statement.txt", data=STATEMENT
    )


def write_backup(path, key) -> None:
    archives.encrypt_to_file(snapshot_chunks(), path, recipients=[key.to_public()])


def test_restore_of_a_large_file_keeps_memory_flat(attachment, media_root, identity, tmp_path):
    """A 12 MiB stored file restores through ``haven restore`` with under 4 MiB of Python memory
    at peak (before: the age file, its plaintext, the parsed document and the file: 84.6 MiB)."""
    key, key_path = identity
    stored = media_root / attachment.storage_name
    large = os.urandom(LARGE_FILE_BYTES)
    stored.write_bytes(large)
    backup = tmp_path / "backup.age"
    write_backup(backup, key)
    wipe_database()
    stored.unlink()

    tracemalloc.start()
    try:
        code = main(["restore", str(backup), "--identity-file", str(key_path)])
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert code == 0
    assert stored.read_bytes() == large
    assert peak < 4 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


def test_a_restore_fed_one_byte_at_a_time_equals_one_from_memory(attachment, coordinator):
    """The pull parser copes with any cut: numbers, strings and base64 split across pieces."""
    data = snapshot()
    before = decrypted_state()
    wipe_database()
    default_storage.delete(attachment.storage_name)

    report = restore_stream(data[index : index + 1] for index in range(len(data)))

    assert report.files == 1
    assert decrypted_state() == before
    restored = Attachment.objects.get(pk=attachment.pk)
    assert attachment_read(membership=acting(coordinator), attachment=restored) == STATEMENT


def test_a_backup_in_the_first_format_still_restores(organisation):
    """Backward compatibility: a ``haven.backup/1`` document (no files, spaces after separators)."""
    open_canary_case(organisation)
    document = json.loads(gzip.decompress(snapshot()))
    document["format"] = "haven.backup/1"
    del document["files"]
    before = decrypted_state()
    wipe_database()

    restore(gzip.compress(json.dumps(document).encode()))

    assert decrypted_state() == before


def test_a_backup_cut_short_writes_nothing_not_even_the_files_already_streamed(
    attachment, media_root, identity, tmp_path, capsys
):
    """A truncated age file fails at its end, after the rows and the file went in: the rows roll
    back and the file already written is deleted."""
    key, key_path = identity
    backup = tmp_path / "backup.age"
    write_backup(backup, key)
    cut = tmp_path / "cut.age"
    cut.write_bytes(backup.read_bytes()[:-20])
    wipe_database()
    (media_root / attachment.storage_name).unlink()

    assert main(["restore", str(cut), "--identity-file", str(key_path)]) == 2

    assert "could not be decrypted" in capsys.readouterr().err
    assert not Case.objects.exists()
    assert list((media_root / "attachments").iterdir()) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace('"files":[[', '"files":[[1,', 1),
        lambda text: text[:-2],
        lambda text: text + "[]",
        lambda text: text.replace('"rows":[[', '"rows":[7,[', 1),
        lambda text: text.replace('",', '\\u0041",', 1).replace('"files":[["', '"files":[["x', 1),
    ],
)
def test_damaged_documents_are_refused_with_nothing_written(attachment, media_root, damage):
    text = gzip.decompress(snapshot()).decode()
    wipe_database()
    (media_root / attachment.storage_name).unlink()

    with pytest.raises(BackupError, match=r"not a Haven backup|do not match"):
        restore(gzip.compress(damage(text).encode()))

    assert not Case.objects.exists()
    assert list((media_root / "attachments").iterdir()) == []
