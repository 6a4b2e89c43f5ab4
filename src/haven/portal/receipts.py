"""
Receipt codes and passphrases: how a defender gets back in without an account.

A receipt code is ``RECEIPT_WORDS`` words drawn with ``secrets`` from the EFF long word list
(7,776 words, shipped by the ``diceware`` package): 8 words carry 8 x log2(7776) = 103.4 bits, so
guessing one is infeasible even before the passphrase, Argon2 and the throttle. Only its SHA-256
digest is stored: at that entropy a digest cannot be reversed, and it lets the code be looked up.
The passphrase the defender chooses is hashed with Argon2id (``argon2-cffi``) at the parameters
in ``HAVEN_PORTAL_ARGON2`` (at least the ASVS minimum of AUTH-01: t=2, m=19 MiB).
"""

import functools
import hashlib
import math
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from diceware.wordlist import WordList, get_wordlist_path
from django.conf import settings

RECEIPT_WORDS = 8
PASSPHRASE_MIN_LENGTH = 10
PASSPHRASE_MAX_LENGTH = 128
_SEPARATORS = re.compile(r"[^a-z]+")


@functools.cache
def word_list() -> tuple[str, ...]:
    """The EFF long word list, read once per process."""
    return tuple(WordList(get_wordlist_path("en_eff")))


def receipt_entropy_bits() -> float:
    """How many bits of entropy a receipt code carries (103.4 with 8 words)."""
    return RECEIPT_WORDS * math.log2(len(word_list()))


def new_receipt_code() -> str:
    """Return a fresh receipt code: words joined by hyphens, easy to write on paper."""
    words = word_list()
    return "-".join(secrets.choice(words) for _ in range(RECEIPT_WORDS))


def normalise_receipt(text: str) -> str:
    """Lower-case the code and accept spaces, hyphens or line breaks between the words."""
    return "-".join(word for word in _SEPARATORS.split(text.lower()) if word)


def receipt_digest(code: str) -> str:
    """The stored form of a receipt code."""
    return hashlib.sha256(b"haven-portal-receipt|" + normalise_receipt(code).encode()).hexdigest()


def _hasher() -> PasswordHasher:
    parameters = settings.HAVEN_PORTAL_ARGON2
    return PasswordHasher(
        time_cost=parameters["time_cost"],
        memory_cost=parameters["memory_cost"],
        parallelism=parameters["parallelism"],
    )


def hash_passphrase(passphrase: str) -> str:
    """Return the Argon2id hash of a passphrase (``$argon2id$...``)."""
    return _hasher().hash(passphrase)


@functools.cache
def _decoy_hash() -> str:
    return hash_passphrase(secrets.token_urlsafe(16))


def passphrase_matches(stored_hash: str | None, passphrase: str) -> bool:
    """
    Check a passphrase; with no stored hash, check against a decoy so an unknown receipt costs
    the same time as a known one and the answer cannot tell them apart (AUTH-09).
    """
    try:
        return _hasher().verify(stored_hash or _decoy_hash(), passphrase) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False
