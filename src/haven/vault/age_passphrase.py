"""
age's passphrase (scrypt) mode, streamed: backups to a passphrase with bounded memory.

pyrage, which Haven uses for age, offers its passphrase mode only on whole byte strings
(``pyrage.passphrase.encrypt`` and ``decrypt``, as of pyrage 1.4); its streaming functions
(``encrypt_io``, ``decrypt_io``) take X25519, SSH and plugin recipients only. A passphrase backup
was therefore gathered whole in memory and decrypted whole on restore. This module writes and
reads the same standard age v1 files (age-encryption.org/v1, an ``scrypt`` stanza) with the
``cryptography`` library, a 64 KiB chunk at a time, so ``age -d`` or pyrage opens what it writes
and it opens what they write (tests prove both ways).

The format, as the specification fixes it:

- a 16-byte file key from the OS; the header is ``age-encryption.org/v1``, one stanza
  ``-> scrypt <salt> <log2 N>`` whose body is the file key sealed with ChaCha20-Poly1305 (zero
  nonce) under ``scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt, N, r=8, p=1)``, and
  ``--- <MAC>``, an HMAC-SHA-256 of the header up to ``---`` under
  ``HKDF-SHA-256(file key, salt="", info="header")``;
- then a 16-byte nonce and the payload: ChaCha20-Poly1305 under
  ``HKDF-SHA-256(file key, salt=nonce, info="payload")``, in chunks of 64 KiB of plaintext, each
  with the nonce ``11-byte big-endian counter || last-chunk flag``. Only the last chunk may be
  short, and it may be empty only when the whole plaintext is.

The work factor is chosen as pyrage (the Rust ``age`` crate) chooses it today: the smallest
``log2 N`` that takes about a second on this machine, so a backup costs a guesser what it cost
before. Reading refuses work factors above ``MAX_WORK_FACTOR`` (as the reference ``age`` does),
so a hostile file cannot ask for unbounded memory.
"""

import base64
import binascii
import hmac
import os
import re
import time
from collections.abc import Iterable, Iterator
from hashlib import sha256
from typing import Any, BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

VERSION_LINE = b"age-encryption.org/v1"
SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"
CHUNK_BYTES = 64 * 1024
TAG_BYTES = 16
FILE_KEY_BYTES = 16
SALT_BYTES = 16
NONCE_BYTES = 16
# 2^22 x 8 x 128 bytes = 4 GiB of scrypt memory: the reference age's default ceiling.
MAX_WORK_FACTOR = 22
# What rage's calibration aims at: one scrypt derivation of about a second on this machine.
TARGET_SECONDS = 1.0
CALIBRATION_WORK_FACTOR = 10
# A header is a few lines; a file whose header goes on longer than this is not one of ours.
MAX_HEADER_LINE = 4096
MAX_STANZAS = 64

_DECIMAL = re.compile(rb"[1-9][0-9]{0,2}")


class PassphraseFileError(Exception):
    """The file is not an age passphrase file, or does not open with this passphrase."""


class WorkFactorTooHighError(PassphraseFileError):
    """The file asks for more scrypt work than ``MAX_WORK_FACTOR``."""

    def __init__(self, work_factor: int) -> None:
        super().__init__(work_factor)
        self.work_factor = work_factor


def calibrated_work_factor() -> int:
    """
    Return the ``log2 N`` that makes one scrypt derivation take about a second here.

    The rule of the Rust ``age`` crate that pyrage wraps (time ``log2 N = 10``, then double until a
    second is reached), so the cost to a guesser stays what it was. The time is the best of three
    runs, so a moment of load on a shared server does not lower the factor.
    """
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        _scrypt(b"", b"", CALIBRATION_WORK_FACTOR)
        timings.append(time.perf_counter() - start)
    duration = max(min(timings), 1e-9)
    work_factor = CALIBRATION_WORK_FACTOR
    while duration < TARGET_SECONDS and work_factor < MAX_WORK_FACTOR:
        work_factor += 1
        duration *= 2
    return work_factor


def _scrypt(passphrase: bytes, salt: bytes, work_factor: int) -> bytes:
    kdf = Scrypt(salt=SCRYPT_LABEL + salt, length=32, n=2**work_factor, r=8, p=1)
    return kdf.derive(passphrase)


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _unb64(text: bytes, size: int) -> bytes:
    """Decode canonical unpadded base64 of exactly ``size`` bytes, as age requires."""
    if b"=" in text:
        raise PassphraseFileError
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise PassphraseFileError from None
    if len(data) != size or _b64(data) != text:
        raise PassphraseFileError
    return data


def _chunk_nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def encrypt_stream(
    chunks: Iterable[bytes], out: BinaryIO, passphrase: str, *, work_factor: int | None = None
) -> None:
    """
    Write ``chunks`` to ``out`` as an age file encrypted to ``passphrase``, 64 KiB at a time.

    Memory holds one piece of the input and one chunk. ``work_factor`` (``log2 N``) defaults to
    the calibrated one; tests pass a small one to stay fast.
    """
    log_n = calibrated_work_factor() if work_factor is None else work_factor
    if not 1 <= log_n <= MAX_WORK_FACTOR:
        raise ValueError(f"scrypt work factor {log_n} out of range")
    file_key = os.urandom(FILE_KEY_BYTES)
    salt = os.urandom(SALT_BYTES)
    wrapping = _scrypt(passphrase.encode(), salt, log_n)
    body = ChaCha20Poly1305(wrapping).encrypt(bytes(12), file_key, None)
    header = b"%s\n-> scrypt %s %d\n%s\n---" % (VERSION_LINE, _b64(salt), log_n, _b64(body))
    mac = hmac.new(_hkdf(file_key, b"", b"header"), header, sha256).digest()
    nonce = os.urandom(NONCE_BYTES)
    out.write(header + b" " + _b64(mac) + b"\n" + nonce)
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    pending = bytearray()
    counter = 0
    for piece in chunks:
        pending += piece
        # A full chunk is written only once more plaintext follows it: the last chunk is flagged.
        while len(pending) > CHUNK_BYTES:
            out.write(
                aead.encrypt(_chunk_nonce(counter, False), bytes(pending[:CHUNK_BYTES]), None)
            )
            del pending[:CHUNK_BYTES]
            counter += 1
    out.write(aead.encrypt(_chunk_nonce(counter, True), bytes(pending), None))


def _header_line(source: BinaryIO) -> bytes:
    line = source.readline(MAX_HEADER_LINE + 1)
    if not line.endswith(b"\n") or len(line) > MAX_HEADER_LINE:
        raise PassphraseFileError
    return line[:-1]


def _read_header(source: BinaryIO) -> tuple[bytes, list[tuple[list[bytes], bytes]], bytes]:
    """Read the header: return the bytes the MAC covers, the stanzas and the MAC."""
    if _header_line(source) != VERSION_LINE:
        raise PassphraseFileError
    covered = [VERSION_LINE + b"\n"]
    stanzas: list[tuple[list[bytes], bytes]] = []
    line = _header_line(source)
    while line.startswith(b"-> "):
        if len(stanzas) == MAX_STANZAS:
            raise PassphraseFileError
        covered.append(line + b"\n")
        arguments = line[3:].split(b" ")
        if not all(arguments):
            raise PassphraseFileError
        body = []
        while True:  # the body ends with its first line shorter than 64 characters
            body_line = _header_line(source)
            covered.append(body_line + b"\n")
            body.append(body_line)
            if len(body_line) > 64:
                raise PassphraseFileError
            if len(body_line) < 64:
                break
        stanzas.append((arguments, b"".join(body)))
        line = _header_line(source)
    if not line.startswith(b"--- "):
        raise PassphraseFileError
    covered.append(b"---")
    return b"".join(covered), stanzas, _unb64(line[4:], 32)


def _file_key(stanzas: list[tuple[list[bytes], bytes]], passphrase: str, max_log_n: int) -> bytes:
    # The specification: an scrypt stanza must be the only one (nothing else may open the file).
    if len(stanzas) != 1 or stanzas[0][0][0] != b"scrypt" or len(stanzas[0][0]) != 3:
        raise PassphraseFileError
    (_tag, encoded_salt, encoded_log_n), encoded_body = stanzas[0]
    salt = _unb64(encoded_salt, SALT_BYTES)
    if not _DECIMAL.fullmatch(encoded_log_n):
        raise PassphraseFileError
    log_n = int(encoded_log_n)
    if log_n > max_log_n:
        raise WorkFactorTooHighError(log_n)
    body = _unb64(encoded_body, FILE_KEY_BYTES + TAG_BYTES)
    try:
        wrapping = _scrypt(passphrase.encode(), salt, log_n)
    except MemoryError:
        raise WorkFactorTooHighError(log_n) from None
    try:
        return ChaCha20Poly1305(wrapping).decrypt(bytes(12), body, None)
    except InvalidTag:
        raise PassphraseFileError from None


class Readable(Protocol):
    def read(self, size: int, /) -> Any: ...


def read_exactly(source: Readable, size: int) -> bytes:
    """Read ``size`` bytes unless the stream ends first (``read`` may return less mid-stream)."""
    parts = []
    wanted = size
    while wanted:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def decrypt_stream(
    source: BinaryIO, passphrase: str, *, max_work_factor: int = MAX_WORK_FACTOR
) -> Iterator[bytes]:
    """
    Yield the plaintext of the age passphrase file read from ``source``, a chunk at a time.

    The header (passphrase, MAC) is checked before the first chunk is yielded. Each chunk is
    authenticated on its own, so every piece yielded is authentic; a file cut short, changed,
    reordered or extended raises PassphraseFileError at the chunk where it stops being so, and the
    caller must discard what it made of the earlier pieces. Memory holds two chunks.
    """
    covered, stanzas, mac = _read_header(source)
    file_key = _file_key(stanzas, passphrase, max_work_factor)
    expected = hmac.new(_hkdf(file_key, b"", b"header"), covered, sha256).digest()
    if not hmac.compare_digest(expected, mac):
        raise PassphraseFileError
    nonce = read_exactly(source, NONCE_BYTES)
    if len(nonce) != NONCE_BYTES:
        raise PassphraseFileError
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    sealed_size = CHUNK_BYTES + TAG_BYTES
    current = read_exactly(source, sealed_size)
    counter = 0
    while True:
        following = read_exactly(source, sealed_size) if len(current) == sealed_size else b""
        last = not following
        # A short chunk must be the last; an empty last chunk only when it is the only one.
        if len(current) < TAG_BYTES or (last and counter and len(current) == TAG_BYTES):
            raise PassphraseFileError
        try:
            plaintext = aead.decrypt(_chunk_nonce(counter, last), current, None)
        except InvalidTag:
            raise PassphraseFileError from None
        if plaintext:
            yield plaintext
        if last:
            return
        counter += 1
        current = following
