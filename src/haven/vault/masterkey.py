"""
Loading the master key, the root of the key hierarchy.

The master key comes from ``HAVEN_MASTER_KEY`` (base64 of 32 bytes) or from the file named by
``HAVEN_MASTER_KEY_FILE`` (the same text, mode 0600 or stricter). It only ever lives in memory: it
never enters the database, a backup, an export or a log (CRY-04, BAK-01). Without it Haven refuses
to touch encrypted data; nothing falls back to ``SECRET_KEY``.

Each master key is known by a short id, an HMAC of a fixed label under the key itself, so wrapped
organisation keys can say which master key wraps them without revealing anything about it.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from haven.audit.keys import AuditSecret
from haven.vault.aead import KEY_BYTES, new_key
from haven.vault.errors import MasterKeyInvalidError, MasterKeyMissingError

NO_MASTER_KEY = (
    "No master key is configured: set HAVEN_MASTER_KEY (base64 of 32 random bytes) or "
    "HAVEN_MASTER_KEY_FILE. Haven never falls back to SECRET_KEY."
)
KEY_FILE_UNREADABLE = (
    "The master key file {path} does not exist or cannot be read. "
    "Create one with `haven keys init-master` (or `haven demo`), or restore it from escrow."
)
NOT_A_KEY = "The master key {source} is not base64 of exactly 32 bytes."
KEY_FILE_TOO_OPEN = (
    "The master key file {path} can be read or written by other accounts (mode {mode:04o}); "
    "Haven refuses it. Run `chmod 600 {path}` after checking who may have copied it."
)
KEY_FILE_EXISTS = "{path} already exists; a master key file is never overwritten."


@dataclass(frozen=True)
class MasterKey:
    """
    A loaded master key: its id, a ready AES-GCM instance and the audit chain's secret.

    The raw bytes are not kept; the audit secret is derived from them with HKDF under its own
    label, so it reveals nothing about the key that wraps organisation keys.
    """

    key_id: str
    cipher: AESGCM = field(repr=False)
    audit_secret: AuditSecret = field(repr=False)


_AUDIT_LABEL = b"haven audit chain secret v1"


def _loaded(raw: bytes) -> MasterKey:
    key_id = master_key_id(raw)
    audit = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_AUDIT_LABEL).derive(raw)
    return MasterKey(
        key_id=key_id, cipher=AESGCM(raw), audit_secret=AuditSecret(key_id=key_id, secret=audit)
    )


def parse_master_key(text: str, *, source: str) -> MasterKey:
    """Return the master key encoded as base64 in ``text``; ``source`` names it in errors."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MasterKeyInvalidError(NOT_A_KEY.format(source=source)) from None
    if len(raw) != KEY_BYTES:
        raise MasterKeyInvalidError(NOT_A_KEY.format(source=source))
    return _loaded(raw)


def master_key_id(raw: bytes) -> str:
    """Return the public id of a master key: 16 hex digits of an HMAC under the key itself."""
    return hmac.new(raw, b"haven master key id", hashlib.sha256).hexdigest()[:16]


def read_master_key_file(path: Path) -> MasterKey:
    """Load a master key from a file written by ``write_master_key_file``."""
    return parse_master_key(_read_key_file(Path(path)), source=f"in {path}")


def _read_key_file(path: Path) -> str:
    """
    Return the text of a key file that only its owner can read or write (0600, 0400 or stricter).

    A key file open to the group or to everyone may already have been copied, so it is refused
    rather than used; the mode is read from the open descriptor, so it is the file actually read.
    """
    try:
        with path.open("rb") as handle:
            mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
            data = handle.read()
    except OSError:
        raise MasterKeyMissingError(KEY_FILE_UNREADABLE.format(path=path)) from None
    if mode & 0o077:
        raise MasterKeyInvalidError(KEY_FILE_TOO_OPEN.format(path=path, mode=mode))
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        raise MasterKeyMissingError(KEY_FILE_UNREADABLE.format(path=path)) from None


def configured_master_keys() -> list[MasterKey]:
    """
    Return the configured master keys, the current one first, or raise MasterKeyMissingError.

    The setting (or file) may hold several keys separated by white space: the first wraps new
    organisation keys, every one opens existing ones. A second key is how the running server
    keeps reading while ``haven keys rotate-master`` moves keys from the old master to the new.
    """
    from django.conf import settings

    value = getattr(settings, "HAVEN_MASTER_KEY", None)
    path = getattr(settings, "HAVEN_MASTER_KEY_FILE", None)
    if value:
        return list(_parsed_keys(value, "in HAVEN_MASTER_KEY"))
    if path:
        return list(_parsed_keys(_read_key_file(Path(path)), f"in {path}"))
    raise MasterKeyMissingError(NO_MASTER_KEY)


@functools.lru_cache(maxsize=4)
def _parsed_keys(text: str, source: str) -> tuple[MasterKey, ...]:
    """Parse once per process: the master key lives in memory for the process's life anyway."""
    keys = tuple(parse_master_key(part, source=source) for part in text.split())
    if not keys:
        raise MasterKeyInvalidError(NOT_A_KEY.format(source=source))
    return keys


def configured_audit_secrets() -> list[AuditSecret]:
    """Return the audit chain's secrets, current first: the key source the vault registers."""
    return [key.audit_secret for key in configured_master_keys()]


def write_master_key_file(path: Path) -> MasterKey:
    """
    Create ``path`` holding a new random master key, readable by this account only (mode 0600).

    Refuses to overwrite an existing file: replacing a master key by accident would make every
    record unreadable.
    """
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    raw = new_key()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise MasterKeyInvalidError(KEY_FILE_EXISTS.format(path=path)) from None
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(base64.b64encode(raw).decode() + "\n")
    return _loaded(raw)


def ensure_demo_master_key(path: Path) -> bool:
    """Create the demo's master key file at ``path`` (mode 0600) unless it exists; True if created."""
    if Path(path).exists():
        return False
    write_master_key_file(path)
    return True
