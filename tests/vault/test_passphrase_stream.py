"""
Passphrase backups stream: written and read as standard age files a 64 KiB chunk at a time.

Issue 11 leftovers: pyrage offers age's passphrase mode only on whole byte strings, so a
passphrase backup was gathered whole in memory and decrypted whole on restore.
``haven.vault.age_passphrase`` implements the mode (scrypt stanza, header MAC, STREAM payload)
with ``cryptography``. These tests prove the files are age files both ways (pyrage and the ``age``
command read what Haven writes, Haven reads what they write), that damage of every kind is
refused, and that memory no longer grows with the backup.
"""

import io
import os
import re
import shutil
import subprocess
import tracemalloc

import pytest
from pyrage import passphrase as pyrage_passphrase
from pyrage import x25519

from haven.cases.models import Case
from haven.cli import main
from haven.vault import age_passphrase, archives
from haven.vault.backup import snapshot_chunks
from tests.vault.records import decrypted_state, wipe_database
from tests.vault.test_streamed_restore import LARGE_FILE_BYTES, attachment, media_root  # noqa: F401

PASSPHRASE = "fictional correct horse battery staple"
CHUNK = age_passphrase.CHUNK_BYTES
# Sizes around the chunk boundaries: empty, short, one byte under, at and over a chunk, several.
SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 1234]
# Fast enough for tests; pyrage and age accept any factor up to their own (higher) limits.
SMALL_WORK_FACTOR = 10


@pytest.fixture
def quick_scrypt(monkeypatch):
    """Backups written through the commands use a small scrypt work factor (tests stay fast)."""
    monkeypatch.setattr(age_passphrase, "calibrated_work_factor", lambda: SMALL_WORK_FACTOR)


def encrypted(data: bytes, *, work_factor: int | None = SMALL_WORK_FACTOR, piece: int = 7001):
    out = io.BytesIO()
    pieces = [data[at : at + piece] for at in range(0, len(data), piece)]
    age_passphrase.encrypt_stream(pieces, out, PASSPHRASE, work_factor=work_factor)
    return out.getvalue()


def decrypted(artifact: bytes, passphrase: str = PASSPHRASE) -> bytes:
    return b"".join(age_passphrase.decrypt_stream(io.BytesIO(artifact), passphrase))


@pytest.mark.parametrize("size", SIZES)
def test_pyrage_reads_what_haven_writes(size):
    data = os.urandom(size)

    assert pyrage_passphrase.decrypt(encrypted(data), PASSPHRASE) == data


# pyrage chooses its work factor by timing scrypt (about a second each): three sizes suffice.
@pytest.mark.parametrize("size", [0, CHUNK, 3 * CHUNK + 1234])
def test_haven_reads_what_pyrage_writes(size):
    data = os.urandom(size)

    assert decrypted(pyrage_passphrase.encrypt(data, PASSPHRASE)) == data


def test_the_work_factor_follows_pyrages_rule_and_pyrage_accepts_it(monkeypatch):
    """pyrage's rule: time 2^10, double until a second. 2^10 taking 1/256 s gives 2^18; the file
    written with the calibrated factor opens in pyrage."""
    clock = iter(range(1000))
    monkeypatch.setattr(age_passphrase.time, "perf_counter", lambda: next(clock) / 256)
    assert age_passphrase.calibrated_work_factor() == 18
    monkeypatch.undo()

    artifact = encrypted(b"fictional", work_factor=None)

    assert re.search(rb"-> scrypt \S+ (1[4-9]|2[0-2])\n", artifact)
    assert pyrage_passphrase.decrypt(artifact, PASSPHRASE) == b"fictional"


def _age_with_a_terminal(command: str, answers: str, cwd) -> None:
    """Run ``age``, which reads passphrases from a terminal only, under ``script`` (a pty)."""
    done = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        input=answers,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-500:]


@pytest.mark.skipif(
    not (shutil.which("age") and shutil.which("script")), reason="needs age and script"
)
def test_the_age_command_reads_what_haven_writes_and_haven_reads_what_it_writes(tmp_path):
    data = os.urandom(2 * CHUNK + 99)
    (tmp_path / "haven.age").write_bytes(encrypted(data))
    (tmp_path / "plain").write_bytes(data)

    _age_with_a_terminal("age -d -o out haven.age", f"{PASSPHRASE}\n", tmp_path)
    _age_with_a_terminal("age -p -o theirs.age plain", f"{PASSPHRASE}\n{PASSPHRASE}\n", tmp_path)

    assert (tmp_path / "out").read_bytes() == data
    assert decrypted((tmp_path / "theirs.age").read_bytes()) == data


def _cut_at_a_chunk_boundary(artifact: bytes, chunks_kept: int) -> bytes:
    payload_start = artifact.index(b"\n---") + len(b"\n--- ") + 43 + 1 + 16
    return artifact[: payload_start + chunks_kept * (CHUNK + 16)]


def _flip(artifact: bytes, at: int) -> bytes:
    return artifact[:at] + bytes([artifact[at] ^ 1]) + artifact[at + 1 :]


DAMAGE = {
    "wrong passphrase": lambda a: (a, "another fictional passphrase"),
    "cut in the header": lambda a: (a[:40], PASSPHRASE),
    "cut before the payload": lambda a: (a[: a.index(b"\n---") + 50], PASSPHRASE),
    "cut in a chunk": lambda a: (a[: len(a) // 2], PASSPHRASE),
    "last chunk dropped": lambda a: (_cut_at_a_chunk_boundary(a, 3), PASSPHRASE),
    "last bytes dropped": lambda a: (a[:-1], PASSPHRASE),
    "a chunk changed": lambda a: (_flip(a, len(a) - 5 * CHUNK // 2), PASSPHRASE),
    "the MAC changed": lambda a: (_flip(a, a.index(b"\n---") + 6), PASSPHRASE),
    "the work factor changed": lambda a: (a.replace(b" 10\n", b" 11\n", 1), PASSPHRASE),
    "data appended": lambda a: (a + b"\x00" * 17, PASSPHRASE),
    "chunks swapped": lambda a: (
        _cut_at_a_chunk_boundary(a, 1)
        + a[len(_cut_at_a_chunk_boundary(a, 2)) : len(_cut_at_a_chunk_boundary(a, 3))]
        + a[len(_cut_at_a_chunk_boundary(a, 1)) : len(_cut_at_a_chunk_boundary(a, 2))]
        + a[len(_cut_at_a_chunk_boundary(a, 3)) :],
        PASSPHRASE,
    ),
    "a second stanza": lambda a: (
        a.replace(b"\n---", b"\n-> X25519 c29tZQ\nAAAA\n---", 1),
        PASSPHRASE,
    ),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damage_of_every_kind_is_refused(damage):
    artifact, passphrase = damage(encrypted(os.urandom(3 * CHUNK + 1234)))

    with pytest.raises(age_passphrase.PassphraseFileError):
        decrypted(artifact, passphrase)


def test_a_file_asking_for_too_much_scrypt_work_is_refused_before_any_is_done():
    artifact = encrypted(b"fictional").replace(b" 10\n", b" 30\n", 1)

    with pytest.raises(age_passphrase.WorkFactorTooHighError):
        decrypted(artifact)


def test_a_recipient_file_does_not_open_with_a_passphrase(tmp_path):
    artifact = archives.encrypt(b"fictional", recipients=[x25519.Identity.generate().to_public()])
    path = tmp_path / "recipient.age"
    path.write_bytes(artifact)

    with pytest.raises(archives.ArchiveError, match="could not be decrypted"):
        list(archives.decrypt_file_chunks(path, name="recipient.age", passphrase=PASSPHRASE))


def _write_passphrase(tmp_path):
    path = tmp_path / "passphrase"
    path.write_text(f"{PASSPHRASE}\n")
    return path


def test_a_passphrase_backup_and_restore_of_a_large_file_keep_memory_flat(
    attachment,  # noqa: F811
    media_root,  # noqa: F811
    tmp_path,
    quick_scrypt,
):
    """A 12 MiB stored file backs up and restores through the commands with a passphrase, each
    under 4 MiB of Python memory at peak (before: the compressed snapshot gathered whole, then the
    age file and its plaintext held whole on restore)."""
    passphrase = _write_passphrase(tmp_path)
    stored = media_root / attachment.storage_name
    large = os.urandom(LARGE_FILE_BYTES)
    stored.write_bytes(large)
    backup = tmp_path / "backup.age"
    before = decrypted_state()

    tracemalloc.start()
    try:
        written = main(["backup", "--out", str(backup), "--passphrase-file", str(passphrase)])
        _now, backup_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == 0
    assert backup.stat().st_size > LARGE_FILE_BYTES
    wipe_database()
    stored.unlink()
    tracemalloc.start()
    try:
        code = main(["restore", str(backup), "--passphrase-file", str(passphrase)])
        _now, restore_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert code == 0
    assert stored.read_bytes() == large
    assert decrypted_state() == before
    assert backup_peak < 4 * 1024 * 1024, f"backup peak {backup_peak / 2**20:.1f} MiB"
    assert restore_peak < 4 * 1024 * 1024, f"restore peak {restore_peak / 2**20:.1f} MiB"


RESTORE_DAMAGE = {
    "wrong passphrase": lambda artifact, path: path.write_text("another fictional passphrase\n"),
    "truncated": lambda artifact, path: artifact.write_bytes(artifact.read_bytes()[:-20]),
    "tampered chunk": lambda artifact, path: artifact.write_bytes(
        _flip(artifact.read_bytes(), artifact.stat().st_size - 3 * CHUNK)
    ),
}


@pytest.mark.parametrize("damage", RESTORE_DAMAGE.values(), ids=RESTORE_DAMAGE.keys())
def test_a_damaged_passphrase_backup_restores_nothing_and_exits_2(
    attachment,  # noqa: F811
    media_root,  # noqa: F811
    tmp_path,
    quick_scrypt,
    capsys,
    damage,
):
    """Wrong passphrase, a file cut short, a changed chunk near the end (after the rows and the
    file went in): a clear message, exit 2, no row kept and no file left in the storage."""
    passphrase = _write_passphrase(tmp_path)
    stored = media_root / attachment.storage_name
    stored.write_bytes(os.urandom(4 * CHUNK))
    backup = tmp_path / "backup.age"
    archives.encrypt_to_file(snapshot_chunks(), backup, passphrase=PASSPHRASE)
    wipe_database()
    stored.unlink()
    damage(backup, passphrase)

    assert main(["restore", str(backup), "--passphrase-file", str(passphrase)]) == 2

    assert "could not be decrypted" in capsys.readouterr().err
    assert not Case.objects.exists()
    assert list((media_root / "attachments").iterdir()) == []


def test_a_passphrase_backup_stream_that_fails_midway_leaves_no_file(tmp_path, quick_scrypt):
    out = tmp_path / "backup.age"

    def broken_stream():
        yield os.urandom(3 * CHUNK)
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        archives.encrypt_to_file(broken_stream(), out, passphrase=PASSPHRASE)

    assert list(tmp_path.iterdir()) == []
