"""
age encryption for files that leave Haven: exports and backups (EXP-01, BAK-01).

age is used so a partner or an operator can open a file with the standard ``age`` tool: to an
X25519 recipient (``age1...``) or to a passphrase (scrypt). Plaintext never touches the disk:
the caller hands bytes in memory (or a stream of them to ``encrypt_to_file``), and only the
encrypted result is written, into a file that has no name until it is complete, so a failure,
even a killed process, leaves no partial file behind (``_atomic_file`` says what a kill can leave
when a file is replaced, and how the next write clears it). Streams (backups, restores) go
through pyrage's ``encrypt_io`` and ``decrypt_io`` to recipients, and through ``age_passphrase``
to a passphrase, since pyrage streams only the former.
"""

import contextlib
import fcntl
import io
import os
import queue
import secrets
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pyrage
from pyrage import passphrase as pyrage_passphrase
from pyrage import x25519

from haven.vault import age_passphrase

AGE_HEADER = b"age-encryption.org/v1"

NOT_AGE = "{name} is not an age-encrypted file."
CANNOT_DECRYPT = (
    "{name} could not be decrypted: the passphrase or identity is wrong, or the file is "
    "truncated or was tampered with."
)
BAD_RECIPIENT = "{value!r} is not an age X25519 recipient (it should start with age1)."
EMPTY_PASSPHRASE = "The passphrase file {path} is empty."  # noqa: S105 (a message, not a secret)
UNREADABLE = "{path} cannot be read."
NO_IDENTITY = "{path} holds no age identity (a line starting AGE-SECRET-KEY-)."
WORK_FACTOR_TOO_HIGH = (
    "{name} asks for an scrypt work factor of 2^{work_factor}, more than the 2^{limit} Haven "
    "accepts (it would need gigabytes of memory); it was not written by Haven or age."
)


class ArchiveError(Exception):
    """A file could not be encrypted, decrypted or read; the message says which and why."""


def read_passphrase_file(path: Path) -> str:
    """Return the passphrase in ``path`` without its trailing newline."""
    try:
        text = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError):
        raise ArchiveError(UNREADABLE.format(path=path)) from None
    if not text:
        raise ArchiveError(EMPTY_PASSPHRASE.format(path=path))
    return text


def read_identity_file(path: Path) -> list[x25519.Identity]:
    """Return the X25519 identities in an ``age-keygen`` file."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise ArchiveError(UNREADABLE.format(path=path)) from None
    identities = []
    for line in lines:
        if line.strip().startswith("AGE-SECRET-KEY-"):
            try:
                identities.append(x25519.Identity.from_str(line.strip()))
            except pyrage.IdentityError:
                raise ArchiveError(NO_IDENTITY.format(path=path)) from None
    if not identities:
        raise ArchiveError(NO_IDENTITY.format(path=path))
    return identities


def parse_recipient(value: str) -> x25519.Recipient:
    """Return the X25519 recipient written as ``age1...``."""
    try:
        return x25519.Recipient.from_str(value.strip())
    except (pyrage.RecipientError, ValueError):
        raise ArchiveError(BAD_RECIPIENT.format(value=value[:80])) from None


def encrypt(
    data: bytes, *, passphrase: str | None = None, recipients: list[x25519.Recipient] | None = None
) -> bytes:
    """Return ``data`` encrypted with age to a passphrase or to recipients (exactly one of them)."""
    if (passphrase is None) == (not recipients):
        raise ArchiveError("Encrypt to either a passphrase or recipients.")
    if passphrase is not None:
        return bytes(pyrage_passphrase.encrypt(data, passphrase))
    return bytes(pyrage.encrypt(data, list(recipients or [])))


def decrypt(
    data: bytes,
    *,
    name: str,
    passphrase: str | None = None,
    identities: list[x25519.Identity] | None = None,
) -> bytes:
    """Return the plaintext of an age file, or raise ArchiveError naming ``name``."""
    if not data.startswith(AGE_HEADER):
        raise ArchiveError(NOT_AGE.format(name=name))
    try:
        if passphrase is not None:
            return bytes(pyrage_passphrase.decrypt(data, passphrase))
        return bytes(pyrage.decrypt(data, list(identities or [])))
    except (pyrage.DecryptError, ValueError):
        raise ArchiveError(CANNOT_DECRYPT.format(name=name)) from None


# Decrypted pieces waiting between pyrage's thread and the reader: a few age chunks at most.
PENDING_PIECES = 8


def decrypt_file_chunks(
    path: Path,
    *,
    name: str,
    passphrase: str | None = None,
    identities: list[x25519.Identity] | None = None,
) -> Iterator[bytes]:
    """
    Yield the plaintext of the age file at ``path`` in pieces, as they are decrypted.

    To X25519 identities the file is read and decrypted as it is consumed (``pyrage.decrypt_io``
    in a thread feeding a short queue), so memory holds a few age chunks whatever the file's
    size. age authenticates each 64 KiB chunk on its own, so every piece yielded is authentic; a
    file cut short or changed raises ArchiveError at the piece where it stops being so, and the
    caller must discard what it made of the earlier pieces (a restore rolls back). To a
    passphrase the file is read and decrypted a 64 KiB chunk at a time by ``age_passphrase``
    (pyrage has no streaming passphrase mode), after its header proved the passphrase.
    """
    path = Path(path)
    try:
        with path.open("rb") as head:
            if head.read(len(AGE_HEADER)) != AGE_HEADER:
                raise ArchiveError(NOT_AGE.format(name=name))
    except OSError:
        raise ArchiveError(UNREADABLE.format(path=name)) from None
    if passphrase is not None:
        yield from _decrypt_passphrase_streamed(path, name, passphrase)
        return
    yield from _decrypt_streamed(path, name, list(identities or []))


def _decrypt_passphrase_streamed(path: Path, name: str, passphrase: str) -> Iterator[bytes]:
    try:
        with path.open("rb") as source:
            yield from age_passphrase.decrypt_stream(source, passphrase)
    except age_passphrase.WorkFactorTooHighError as error:
        raise ArchiveError(
            WORK_FACTOR_TOO_HIGH.format(
                name=name,
                work_factor=error.work_factor,
                limit=age_passphrase.MAX_WORK_FACTOR,
            )
        ) from None
    except age_passphrase.PassphraseFileError:
        raise ArchiveError(CANNOT_DECRYPT.format(name=name)) from None
    except OSError:
        raise ArchiveError(UNREADABLE.format(path=name)) from None


class _End:
    pass


class _CancelledError(Exception):
    pass


def _decrypt_streamed(path: Path, name: str, identities: list[x25519.Identity]) -> Iterator[bytes]:
    pieces: queue.Queue[bytes | _End | BaseException] = queue.Queue(maxsize=PENDING_PIECES)
    stop = threading.Event()

    def hand_over(item: bytes | _End | BaseException) -> None:
        while not stop.is_set():
            try:
                pieces.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _CancelledError

    class Writer(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: Any) -> int:
            hand_over(bytes(data))
            return len(data)

    def run() -> None:
        try:
            with path.open("rb") as source:
                pyrage.decrypt_io(source, Writer(), identities)
        except _CancelledError:
            return
        except BaseException as error:  # handed to the reading thread
            with contextlib.suppress(_CancelledError):
                hand_over(error)
            return
        with contextlib.suppress(_CancelledError):
            hand_over(_End())

    worker = threading.Thread(target=run, name="haven-age-decrypt", daemon=True)
    worker.start()
    try:
        while True:
            item = pieces.get()
            if isinstance(item, _End):
                return
            if isinstance(item, BaseException):
                if stop.is_set() or not isinstance(
                    item, pyrage.DecryptError | ValueError | OSError
                ):
                    raise item
                raise ArchiveError(CANNOT_DECRYPT.format(name=name)) from None
            yield item
    finally:
        stop.set()
        worker.join()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (mode 0600) through a temporary file renamed into place."""
    with _atomic_file(path) as handle:
        handle.write(data)


def encrypt_to_file(
    chunks: Iterable[bytes],
    path: Path,
    *,
    passphrase: str | None = None,
    recipients: list[x25519.Recipient] | None = None,
) -> int:
    """
    Encrypt a stream of plaintext pieces into ``path`` (atomically, mode 0600); return its size.

    The pieces are encrypted as they arrive, so memory holds one piece and one age chunk at a
    time: to recipients by pyrage's ``encrypt_io``, to a passphrase by ``age_passphrase`` (with
    the scrypt work factor pyrage would choose). Either way the file is a standard age file.
    """
    if (passphrase is None) == (not recipients):
        raise ArchiveError("Encrypt to either a passphrase or recipients.")
    path = Path(path)
    if passphrase is not None:
        with _atomic_file(path) as handle:
            age_passphrase.encrypt_stream(chunks, handle, passphrase)
        return path.stat().st_size
    reader = _ChunkReader(chunks)
    with _atomic_file(path) as handle:
        try:
            pyrage.encrypt_io(reader, handle, list(recipients or []))
        except pyrage.EncryptError:
            # pyrage wraps whatever the stream raised; raise the original (a database error, say).
            if reader.failure is not None:
                raise reader.failure from None
            raise
    return path.stat().st_size


class _ChunkReader(io.RawIOBase):
    """A readable file over an iterable of byte strings, for ``pyrage.encrypt_io``."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        super().__init__()
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")
        self.failure: Exception | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                piece = next(self._chunks, None)
            except Exception as error:
                self.failure = error
                raise
            if piece is None:
                return 0
            self._pending = memoryview(piece)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


#: Names of temporary files being written beside their destination; see ``_atomic_file``.
TEMPORARY_PREFIX = ".haven-"
TEMPORARY_SUFFIX = ".part"
#: How long an empty, unlocked temporary file is left alone: a writer without ``O_TMPFILE``
#: locks its file a moment after creating it, so one older than this has no writer left.
EMPTY_PART_GRACE_SECONDS = 300


@contextlib.contextmanager
def _atomic_file(path: Path) -> Iterator[BinaryIO]:
    """
    Open an unnamed file in ``path``'s folder and give it ``path`` (mode 0600) if all went well.

    On Linux the file is created with ``O_TMPFILE``: it has no name until it is complete, so a
    process killed mid-write (kill -9, power loss) leaves nothing behind, not even a ``.part``
    file. If ``path`` does not exist, the complete file is linked straight to it (atomic: a kill
    leaves nothing or the whole file). Replacing an existing file needs a rename, so the file is
    first linked under a temporary ``.haven-*.part`` name; a kill between that link and the
    rename leaves the complete (encrypted) file under that name, beside the old one intact.
    Where ``O_TMPFILE`` is missing (other systems, some file systems) a named ``.haven-*.part``
    file is written, removed on any failure Python sees; a kill leaves it, cut short (empty if
    the kill came before its first byte, as while a passphrase's key is derived).

    Each write first removes such leftovers from the folder (``_remove_abandoned``). A writer
    holds its temporary file locked (``flock``) from before it has a name until it is renamed,
    so a write running beside this one keeps its file.
    """
    path = Path(path)
    _remove_abandoned(path.parent)
    try:
        descriptor = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o600)  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        with _named_atomic_file(path) as handle:
            yield handle
        return
    with os.fdopen(descriptor, "wb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
        os.fchmod(handle.fileno(), 0o600)
        try:
            _give_name(handle.fileno(), path)
        except FileExistsError:
            pass
        else:
            return
        temporary = path.parent / f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}{TEMPORARY_SUFFIX}"
        _give_name(handle.fileno(), temporary)
        try:
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


def _give_name(descriptor: int, name: Path) -> None:
    """Link the unnamed (``O_TMPFILE``) file open as ``descriptor`` to ``name``, if it is free."""
    # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N is how an O_TMPFILE file gets a name.
    proc_fds = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(str(descriptor), name, src_dir_fd=proc_fds, follow_symlinks=True)
    finally:
        os.close(proc_fds)


@contextlib.contextmanager
def _named_atomic_file(path: Path) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path``; rename it into place (mode 0600) if all went well."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield handle
            handle.flush()
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _remove_abandoned(folder: Path) -> None:
    """
    Remove the temporary files that killed writers left in ``folder`` (see ``_atomic_file``).

    A writer keeps its temporary file locked until it is renamed into place, so a file this
    process can lock has no writer any more. An empty one may instead be a named temporary file
    just created, about to be locked: it is left until it is ``EMPTY_PART_GRACE_SECONDS`` old,
    when no writer can still be about to lock it (a writer killed before its first byte).
    """
    abandoned_if_empty_before = time.time() - EMPTY_PART_GRACE_SECONDS
    for candidate in folder.glob(f"{TEMPORARY_PREFIX}*{TEMPORARY_SUFFIX}"):
        try:
            descriptor = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue  # renamed into place meanwhile, or not a file of ours to open
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            status = os.fstat(descriptor)
            if stat.S_ISREG(status.st_mode) and (
                status.st_size or status.st_mtime < abandoned_if_empty_before
            ):
                # Renamed into place since we opened it, its temporary name is gone: no matter.
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(candidate)
        except BlockingIOError:
            pass  # a write under way
        finally:
            os.close(descriptor)
