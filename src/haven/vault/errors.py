"""
The vault's exception tree.

Every error says what went wrong in words an operator can act on, and never carries key bytes,
ciphertext or plaintext: messages end up in logs and on terminals (CRY-08, AUD-05).
"""

from django.core.exceptions import ImproperlyConfigured

from haven.organisations.errors import ApplicationError


class VaultError(Exception):
    """Base class of every vault failure."""


class MasterKeyMissingError(VaultError, ImproperlyConfigured):
    """No master key is configured, or its file cannot be read (CRY-04: no fallback)."""


class MasterKeyInvalidError(VaultError, ImproperlyConfigured):
    """The configured master key is not 32 bytes of base64."""


class UnknownMasterKeyError(VaultError):
    """An organisation key is wrapped under a master key that is not loaded."""


class KeyNotFoundError(VaultError):
    """No data key exists for the record, or the organisation has no key yet."""


class KeyDestroyedError(VaultError):
    """The record was erased: its data key was destroyed (crypto-shredding, CRY-06)."""


class DecryptionFailedError(VaultError):
    """A ciphertext failed authentication: tampered, truncated, or moved from another row."""


class SearchRateLimitedError(ApplicationError, VaultError):
    """A user ran more blind-index searches than the hourly limit allows (BI-04); they read why."""
