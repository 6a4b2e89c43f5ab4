"""
AES-256-GCM with a versioned header: the one module that calls the AEAD primitive.

A sealed value is ``b"v1" | alg (1 byte) | key version (2 bytes, big-endian) | nonce (12) | ct+tag``
(CRY-01). The header is part of the associated data, so changing the version or algorithm byte
fails authentication just as changing the ciphertext does. Nonces are 96 random bits from the OS
(CRY-03); every key in Haven encrypts few enough values (one case's fields) that the random-nonce
limit of about 2^32 messages per key is never approached.
"""

import struct
from os import urandom

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from haven.vault.errors import DecryptionFailedError

MAGIC = b"v1"
ALG_AES_256_GCM = 1
NONCE_BYTES = 12
KEY_BYTES = 32
_HEADER = struct.Struct(">2sBH")
HEADER_BYTES = _HEADER.size
OVERHEAD = HEADER_BYTES + NONCE_BYTES + 16

NOT_A_CIPHERTEXT = "The stored value is not a Haven ciphertext (bad header)."
AUTHENTICATION_FAILED = "A ciphertext failed authentication."


def new_key() -> bytes:
    """Return a fresh random 256-bit key."""
    return urandom(KEY_BYTES)


_HEADERS: dict[int, bytes] = {}
_PREFIX = MAGIC + bytes([ALG_AES_256_GCM])
_BODY_START = HEADER_BYTES + NONCE_BYTES


def header_for(key_version: int) -> bytes:
    """Return the header of values sealed under ``key_version`` (built once per version)."""
    header = _HEADERS.get(key_version)
    if header is None:
        header = _HEADERS[key_version] = _HEADER.pack(MAGIC, ALG_AES_256_GCM, key_version)
    return header


def seal(cipher: AESGCM, plaintext: bytes, aad: bytes, *, key_version: int = 1) -> bytes:
    """Encrypt ``plaintext`` bound to ``aad`` and return header, nonce and ciphertext together."""
    header = header_for(key_version)
    return seal_prepared(cipher, header, plaintext, header + aad)


def seal_prepared(cipher: AESGCM, header: bytes, plaintext: bytes, header_and_aad: bytes) -> bytes:
    """
    ``seal`` for callers that keep ``header + aad`` for many values (encrypted fields of one row).

    The caller passes the authenticated data already prefixed with ``header``; nothing else
    differs, so the output opens with ``open_sealed`` like any other sealed value.
    """
    nonce = urandom(NONCE_BYTES)
    return header + nonce + cipher.encrypt(nonce, plaintext, header_and_aad)


def open_prepared(cipher: AESGCM, header: bytes, blob: bytes, header_and_aad: bytes) -> bytes:
    """
    ``open_sealed`` for a value expected to carry ``header``, with ``header + aad`` precomputed.

    A value with any other header (another key version, or not a ciphertext at all) goes through
    ``open_sealed`` with the plain associated data, so the result and every failure are the same.
    """
    # A slice compared, not ``startswith``: CPython 3.11 packs that method's arguments in a tuple.
    if blob[:HEADER_BYTES] != header or len(blob) < OVERHEAD:
        return open_sealed(cipher, blob, header_and_aad[HEADER_BYTES:])
    try:
        return cipher.decrypt(blob[HEADER_BYTES:_BODY_START], blob[_BODY_START:], header_and_aad)
    except InvalidTag:
        raise DecryptionFailedError(AUTHENTICATION_FAILED) from None


def key_version_of(blob: bytes) -> int:
    """Return the key version recorded in a sealed value's header."""
    magic, alg, version = _HEADER.unpack_from(blob)
    if magic != MAGIC or alg != ALG_AES_256_GCM:
        raise DecryptionFailedError(NOT_A_CIPHERTEXT)
    return int(version)


def open_sealed(cipher: AESGCM, blob: bytes, aad: bytes) -> bytes:
    """Decrypt a value made by ``seal`` with the same ``aad``; raise DecryptionFailedError otherwise."""
    if len(blob) < OVERHEAD or blob[:3] != _PREFIX:
        raise DecryptionFailedError(NOT_A_CIPHERTEXT)
    header = blob[:HEADER_BYTES]
    try:
        return cipher.decrypt(blob[HEADER_BYTES:_BODY_START], blob[_BODY_START:], header + aad)
    except InvalidTag:
        raise DecryptionFailedError(AUTHENTICATION_FAILED) from None
