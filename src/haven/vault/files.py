"""
Encrypting attachments: one key per file, wrapped by its case's data key.

Bytes are sealed in chunks of ``CHUNK_BYTES`` with AES-256-GCM, in the STREAM construction age
also uses: each chunk's nonce is a random per-file prefix, the chunk counter and a "last chunk"
flag, so reordering, dropping or truncating chunks fails authentication, as does moving the file
to another attachment (the associated data names it). Memory use stays at one chunk whatever the
file size. Erasing the case destroys its data key, which makes every attachment key, and so every
file of the case, unreadable.

Layout: ``b"hvf1" | nonce prefix (7)`` then, per chunk, ``length (4, big-endian) | ct+tag``.

A file's fingerprint for the audit trail (``received_fingerprint``) is an HMAC of its SHA-256
under a key derived from the attachment key, never the bare SHA-256: whoever holds the file can
still prove it was the one received while the case lives, but once the case's key is shredded the
fingerprint can no longer be matched to any copy of the file circulating elsewhere.
"""

import hashlib
import hmac
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from haven.vault import aead
from haven.vault.errors import DecryptionFailedError
from haven.vault.keyring import KeyRef, KeyRing

MAGIC = b"hvf1"
PREFIX_BYTES = 7
CHUNK_BYTES = 64 * 1024
_LENGTH = struct.Struct(">I")

NOT_A_FILE = "The stored file is not a Haven encrypted file, or it is truncated."
FILE_TAMPERED = "An encrypted file failed authentication: it was changed, cut short or moved."


def attachment_key_aad(ref: KeyRef, attachment_id: object) -> bytes:
    return f"attachmentkey|{ref.organisation_id}|{ref.owner_id}|{attachment_id}".encode()


def file_aad(ref: KeyRef, attachment_id: object) -> bytes:
    return f"file|{ref.organisation_id}|{ref.owner_id}|{attachment_id}".encode()


def attachment_key_create(
    keyring: KeyRing, case_ref: KeyRef, attachment_id: object
) -> tuple[AESGCM, bytes]:
    """Return a new attachment cipher and its key wrapped by the case's data key (store the latter)."""
    raw = aead.new_key()
    version, case_cipher = keyring.data_key(case_ref)
    wrapped = aead.seal(
        case_cipher, raw, attachment_key_aad(case_ref, attachment_id), key_version=version
    )
    return AESGCM(raw), wrapped


def attachment_key_open(
    keyring: KeyRing, case_ref: KeyRef, attachment_id: object, wrapped: bytes
) -> AESGCM:
    """Unwrap a stored attachment key; raises KeyDestroyedError once the case is erased."""
    case_cipher = keyring.data_cipher(case_ref)
    return AESGCM(
        aead.open_sealed(case_cipher, bytes(wrapped), attachment_key_aad(case_ref, attachment_id))
    )


def received_fingerprint(
    keyring: KeyRing, case_ref: KeyRef, attachment_id: object, wrapped: bytes, sha256_hex: str
) -> str:
    """
    Return the keyed fingerprint of a received file: HMAC-SHA256 of its SHA-256 under a key
    derived (HKDF) from the attachment key, which the case's key wraps. Shredding the case makes
    it unverifiable and unlinkable; raises KeyDestroyedError once that has happened.
    """
    case_cipher = keyring.data_cipher(case_ref)
    raw = aead.open_sealed(case_cipher, bytes(wrapped), attachment_key_aad(case_ref, attachment_id))
    mac_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"haven/received-fingerprint"
    ).derive(raw)
    return hmac.new(mac_key, bytes.fromhex(sha256_hex), hashlib.sha256).hexdigest()


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def seal_stream(cipher: AESGCM, source: BinaryIO, sink: BinaryIO, aad: bytes) -> int:
    """Encrypt everything ``source`` yields into ``sink``; return the number of plaintext bytes."""
    prefix = os.urandom(PREFIX_BYTES)
    sink.write(MAGIC + prefix)
    total = 0
    counter = 0
    chunk = source.read(CHUNK_BYTES)
    while True:
        following = source.read(CHUNK_BYTES) if len(chunk) == CHUNK_BYTES else b""
        last = not following
        sealed = cipher.encrypt(_nonce(prefix, counter, last), chunk, aad)
        sink.write(_LENGTH.pack(len(sealed)) + sealed)
        total += len(chunk)
        if last:
            return total
        chunk = following
        counter += 1


def open_stream(cipher: AESGCM, source: BinaryIO, sink: BinaryIO, aad: bytes) -> int:
    """Decrypt a file made by ``seal_stream`` into ``sink``; raise DecryptionFailedError if altered."""
    head = source.read(len(MAGIC) + PREFIX_BYTES)
    if len(head) != len(MAGIC) + PREFIX_BYTES or not head.startswith(MAGIC):
        raise DecryptionFailedError(NOT_A_FILE)
    prefix = head[len(MAGIC) :]
    total = 0
    counter = 0
    pending = _read_chunk(source)
    if pending is None:
        raise DecryptionFailedError(NOT_A_FILE)
    while pending is not None:
        following = _read_chunk(source)
        try:
            plain = cipher.decrypt(_nonce(prefix, counter, following is None), pending, aad)
        except InvalidTag:
            raise DecryptionFailedError(FILE_TAMPERED) from None
        sink.write(plain)
        total += len(plain)
        pending = following
        counter += 1
    return total


def _read_chunk(source: BinaryIO) -> bytes | None:
    length_bytes = source.read(_LENGTH.size)
    if not length_bytes:
        return None
    if len(length_bytes) != _LENGTH.size:
        raise DecryptionFailedError(NOT_A_FILE)
    (length,) = _LENGTH.unpack(length_bytes)
    chunk = source.read(length)
    if len(chunk) != length or length > CHUNK_BYTES + 16:
        raise DecryptionFailedError(NOT_A_FILE)
    return chunk
