"""
Where the audit chain's keys come from, without the audit core knowing about the vault.

The audit core sits below the vault (docs/developing.md, section 0), yet its MAC key must live
outside the database: the vault derives it from the master key. So the vault registers a *key
source* here when Django starts (``VaultConfig.ready``): a function returning the configured audit
secrets, current first, each named by the public id of the master key it came from. The audit core
derives two keys from each secret with HKDF: one for the chain's HMAC, one (Ed25519) for signing
checkpoints. Nothing here is ever stored.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured

NO_KEY_SOURCE = (
    "No audit key source is registered: the vault app must be installed, since the audit chain is "
    "keyed with a secret derived from the master key."
)

_MAC_LABEL = b"haven audit chain hmac v1"
_SIGNING_LABEL = b"haven audit checkpoint ed25519 v1"


@dataclass(frozen=True)
class AuditSecret:
    """One audit secret: ``key_id`` is the public id of the master key it was derived from."""

    key_id: str
    secret: bytes = field(repr=False)


KeySource = Callable[[], Sequence[AuditSecret]]
_source: KeySource | None = None


def register_key_source(source: KeySource) -> None:
    """Install the function that returns the configured audit secrets, the current one first."""
    global _source
    _source = source


def audit_secrets() -> Sequence[AuditSecret]:
    """Return the configured audit secrets, current first; raise if no source is registered."""
    if _source is None:
        raise ImproperlyConfigured(NO_KEY_SOURCE)
    return _source()


def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret)


@functools.lru_cache(maxsize=8)
def mac_key(secret: AuditSecret) -> bytes:
    """Return the HMAC key of the chain for ``secret`` (derived once per process)."""
    return _derive(secret.secret, _MAC_LABEL)


@functools.lru_cache(maxsize=8)
def signing_key(secret: AuditSecret) -> Ed25519PrivateKey:
    """Return the Ed25519 key that signs checkpoints for ``secret``."""
    return Ed25519PrivateKey.from_private_bytes(_derive(secret.secret, _SIGNING_LABEL))


def current_secret() -> AuditSecret:
    """Return the secret new events are sealed with."""
    return audit_secrets()[0]


def secrets_by_id() -> dict[str, AuditSecret]:
    """Return every configured secret by key id, so old events stay checkable during a rotation."""
    return {secret.key_id: secret for secret in audit_secrets()}
