"""Backups: encrypted, without the master key, restored exactly into an empty database (BAK-01, CRY-07)."""

import base64
import gzip
import json
import os

import pytest
from django.conf import settings as django_settings
from pyrage import x25519

from haven.accounts.acting import SYSTEM
from haven.audit.verification import verify_chain
from haven.cases.models import Case
from haven.cases.services import note_add
from haven.vault import archives
from haven.vault.backup import BackupError, restore, snapshot, snapshot_chunks
from haven.vault.masterkey import parse_master_key
from haven.vault.rotation import rotate_master
from tests.cases.factories import (
    CANARIES,
    CANARY_NOTE,
    open_canary_case,
)
from tests.vault.records import decrypted_state, wipe_database


@pytest.fixture
def cases(organisation, other_organisation):
    first = open_canary_case(organisation)
    note_add(membership=SYSTEM, case=first, body=CANARY_NOTE)
    second = open_canary_case(other_organisation, suffix=" II")
    return [first, second]


def test_snapshot_holds_no_plaintext_and_no_master_key(cases):
    """The snapshot has no canary, and neither the master key's bytes nor its base64 (BAK-01, CRY-04)."""
    content = gzip.decompress(snapshot())
    master = base64.b64decode(django_settings.HAVEN_MASTER_KEY)

    for canary in CANARIES:
        assert canary.encode() not in content
    assert django_settings.HAVEN_MASTER_KEY.encode() not in content
    assert master not in content


def test_encrypted_backup_is_an_age_file_without_canaries(cases):
    """The written artifact starts with the age header and hides everything (BAK-01)."""
    identity = x25519.Identity.generate()
    artifact = archives.encrypt(snapshot(), recipients=[identity.to_public()])

    assert artifact.startswith(b"age-encryption.org/v1")
    for canary in CANARIES:
        assert canary.encode() not in artifact


def test_restore_round_trip_keeps_every_field_and_the_chain(cases):
    """Backup, empty the database, restore: every decrypted field matches and the audit chain verifies."""
    before = decrypted_state()
    data = snapshot()
    wipe_database()
    assert decrypted_state() == {"cases": {}, "defenders": {}, "notes": {}}

    report = restore(data)

    assert report.rows > 0
    assert decrypted_state() == before
    assert verify_chain().intact is True


def test_restore_refuses_a_database_with_data(cases):
    """Restoring over existing data is refused and writes nothing."""
    data = snapshot()
    count = Case.objects.count()

    with pytest.raises(BackupError, match="not empty"):
        restore(data)
    assert Case.objects.count() == count


def test_restore_refuses_another_master_key(cases, settings):
    """With a master key that cannot open the backup's keys, nothing is written."""
    data = snapshot()
    wipe_database()
    settings.HAVEN_MASTER_KEY = base64.b64encode(os.urandom(32)).decode()

    with pytest.raises(BackupError, match="master key"):
        restore(data)
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "damage", [lambda data: data[: len(data) // 2], lambda data: b"junk" + data]
)
def test_restore_refuses_a_damaged_snapshot(cases, damage):
    """A truncated or corrupted snapshot is refused with a clear error."""
    data = damage(snapshot())
    wipe_database()

    with pytest.raises(BackupError, match="not a Haven backup"):
        restore(data)
    assert Case.objects.count() == 0


def test_old_backup_dies_with_the_master_key_it_was_made_under(cases, organisation, settings):
    """
    Once the master key is rotated and the old one destroyed, a backup made before is unreadable.

    This is the backup horizon: an erased case survives in old backups only until the master key
    they were made under is destroyed (docs/vault.md, CRY-07).
    """
    old_backup = snapshot()
    new_key = base64.b64encode(os.urandom(32)).decode()
    rotate_master(new_master=parse_master_key(new_key, source="test"))
    settings.HAVEN_MASTER_KEY = new_key  # the old master key is gone
    assert decrypted_state()["cases"]
    wipe_database()

    with pytest.raises(BackupError, match="master key"):
        restore(old_backup)


def test_a_snapshot_streamed_in_small_batches_restores_every_row(cases):
    """Rows streamed two at a time still form one valid snapshot that restores exactly (BAK-01)."""
    before = decrypted_state()
    pieces = list(snapshot_chunks(batch_rows=2))
    wipe_database()

    report = restore(b"".join(pieces))

    assert len(pieces) > 1
    assert report.rows > 0
    assert decrypted_state() == before
    assert verify_chain().intact is True


def test_a_backup_streamed_to_a_recipient_opens_with_its_identity(cases, tmp_path):
    """Encrypting the stream to a recipient writes an age file (mode 0600) holding the snapshot."""
    identity = x25519.Identity.generate()
    out = tmp_path / "backup.age"

    size = archives.encrypt_to_file(snapshot_chunks(), out, recipients=[identity.to_public()])

    data = out.read_bytes()
    assert size == len(data)
    assert os.stat(out).st_mode & 0o777 == 0o600
    decrypted = archives.decrypt(data, name="backup.age", identities=[identity])
    document = json.loads(gzip.decompress(decrypted))
    assert document["tables"]["cases.case"]["rows"]
    assert not any(canary.encode() in data for canary in CANARIES)


def test_a_stream_that_fails_midway_leaves_no_file(tmp_path):
    """If the snapshot stream breaks, neither the backup nor a partial file is left behind."""
    identity = x25519.Identity.generate()
    out = tmp_path / "backup.age"

    def broken_stream():
        yield b"the first piece"
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        archives.encrypt_to_file(broken_stream(), out, recipients=[identity.to_public()])

    assert list(tmp_path.iterdir()) == []
