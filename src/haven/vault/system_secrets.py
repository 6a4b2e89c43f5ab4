"""
Sealing secrets that belong to no organisation, such as TOTP seeds (AUTH-06).

They are encrypted under the system key, an organisation-less ``OrganisationKey`` wrapped by the
master key (so ``haven keys rotate-master`` covers it), with associated data naming the purpose
and the record, so a sealed seed copied onto another user's row fails to open. The sealed form is
ASCII (``hv1:`` and base64), short enough for a 20-byte TOTP seed to fit django-otp's 80-character
``key`` column.
"""

import base64
import binascii

from haven.vault import aead
from haven.vault.errors import DecryptionFailedError
from haven.vault.keyring import KeyRing, current_keyring
from haven.vault.models import KeyPurpose

PREFIX = "hv1:"
NOT_SEALED = "The stored secret is not a sealed Haven secret."


def _aad(purpose: str, record_id: str) -> bytes:
    return f"system|{purpose}|{record_id}".encode()


def seal_system_secret(*, purpose: str, record_id: str, secret: bytes) -> str:
    """Return ``secret`` encrypted for ``(purpose, record_id)`` as ASCII text."""
    ring = current_keyring() or KeyRing()
    version, cipher = ring.organisation_cipher(None, KeyPurpose.SYSTEM)
    blob = aead.seal(cipher, secret, _aad(purpose, record_id), key_version=version)
    return PREFIX + base64.b64encode(blob).decode()


def open_system_secret(*, purpose: str, record_id: str, sealed: str) -> bytes:
    """Return the secret sealed by ``seal_system_secret`` for the same purpose and record."""
    if not sealed.startswith(PREFIX):
        raise DecryptionFailedError(NOT_SEALED)
    try:
        blob = base64.b64decode(sealed[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionFailedError(NOT_SEALED) from None
    if len(blob) < aead.OVERHEAD:
        raise DecryptionFailedError(NOT_SEALED)
    ring = current_keyring() or KeyRing()
    _version, cipher = ring.organisation_cipher(None, KeyPurpose.SYSTEM, aead.key_version_of(blob))
    return aead.open_sealed(cipher, blob, _aad(purpose, record_id))
