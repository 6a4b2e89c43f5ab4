"""
Blind indexes: exact search over encrypted fields without decrypting them (BI-01 to BI-04).

A blind index token is ``HMAC-SHA256(k, normalise(value))`` truncated to a few bits, where ``k`` is
derived with HKDF from the organisation's blind-index root key and the index's name, so the same
value gives unrelated tokens in two organisations or two fields. Truncation is deliberate: with
``bits`` chosen so that the expected number of rows sharing a token, ``C = R / 2**min(bits, K)``,
stays between 2 and the square root of R (CipherSweet's rule, BI-02), a token never singles out one
row, and search decrypts the few candidates to drop the false positives.

``R`` is the row count an index is sized for; Haven sizes every index for
``EXPECTED_ROWS_PER_ORGANISATION`` records in one organisation. ``K`` is the entropy of the
input; an index over an input with fewer than 16 bits of entropy (sex, nationality, a risk level)
is refused outright (BI-03), since its tokens would be a readable code book.
"""

import hashlib
import hmac
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from haven.vault.keyring import KeyRing
from haven.vault.models import BlindIndexEntry, KeyPurpose

EXPECTED_ROWS_PER_ORGANISATION = 10_000
MINIMUM_INPUT_ENTROPY_BITS = 16

LOW_ENTROPY = (
    "Blind index {name} declares {bits} bits of input entropy; below {minimum} bits a standalone "
    "index is a code book (BI-03)."
)

_SPACES = re.compile(r"\s+")
_PHONE_SEPARATORS = re.compile(r"[\s\-().\u00a0/]")
_DOCUMENT_SEPARATORS = re.compile(r"[\s\-./]")


def normalise_text(value: str) -> str:
    """NFKC, case-folded, with runs of white space collapsed and the ends trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value).casefold()).strip()


def normalise_phone(value: str) -> str:
    """
    Digits only, keeping one leading ``+``; an international ``00`` prefix becomes ``+``.

    ``+57 (310) 555-0101``, ``0057 310 555 0101`` and ``+573105550101`` all give ``+573105550101``.
    National numbers without a country code stay as their digits: they cannot be matched to
    international ones without knowing the country, which the index does not guess.
    """
    compact = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    digits = re.sub(r"\D", "", compact)
    return ("+" + digits) if compact.startswith("+") else digits


def normalise_email(value: str) -> str:
    """NFKC, case-folded, trimmed (the whole address, local part included, compares case-blind)."""
    return unicodedata.normalize("NFKC", value).casefold().strip()


def normalise_document_number(value: str) -> str:
    """NFKC, case-folded, without spaces, dashes, dots or slashes."""
    return _DOCUMENT_SEPARATORS.sub("", unicodedata.normalize("NFKC", value).casefold())


@dataclass(frozen=True)
class BlindIndex:
    """One blind index over one encrypted field of a model."""

    name: str
    field: str
    normalise: Callable[[str], str]
    bits: int
    input_entropy_bits: int
    expected_rows: int = EXPECTED_ROWS_PER_ORGANISATION

    def __post_init__(self) -> None:
        if self.input_entropy_bits < MINIMUM_INPUT_ENTROPY_BITS:
            raise ValueError(
                LOW_ENTROPY.format(
                    name=self.name, bits=self.input_entropy_bits, minimum=MINIMUM_INPUT_ENTROPY_BITS
                )
            )

    @property
    def expected_coincidences(self) -> float:
        """``C = R / 2**min(L, K)``: how many rows are expected to share one token (BI-02)."""
        return float(self.expected_rows / 2 ** min(self.bits, self.input_entropy_bits))

    @property
    def within_leakage_bounds(self) -> bool:
        """True when ``2 <= C < sqrt(R)``, CipherSweet's safe range."""
        return 2 <= self.expected_coincidences < math.sqrt(self.expected_rows)


def index_key(root: bytes, qualified_name: str) -> bytes:
    """Derive one index's HMAC key from the organisation's blind-index root (HKDF-SHA256)."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"haven/bidx|{qualified_name}".encode(),
    ).derive(root)


def token(key: bytes, normalised: str, bits: int) -> str:
    """Return the hex token: the HMAC's first ``bits`` bits, the rest zeroed."""
    digest = hmac.new(key, normalised.encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big") >> (64 - bits)
    return f"{value:0{(bits + 3) // 4}x}"


class BlindIndexer:
    """Computes tokens for one organisation, deriving each index key once."""

    def __init__(self, keyring: KeyRing, organisation_id: Any) -> None:
        self._keyring = keyring
        self._organisation_id = organisation_id
        self._keys: dict[str, bytes] = {}
        self._root: bytes | None = None

    def _key(self, qualified_name: str) -> bytes:
        key = self._keys.get(qualified_name)
        if key is None:
            if self._root is None:
                row = self._keyring.organisation_row(self._organisation_id, KeyPurpose.BLIND_INDEX)
                self._root = self._keyring.raw_organisation_key(row)
            key = self._keys[qualified_name] = index_key(self._root, qualified_name)
        return key

    def token_for(self, model: type, index: BlindIndex, value: str) -> str | None:
        """Return the token of ``value`` in ``index``, or None for a value that normalises empty."""
        normalised = index.normalise(value)
        if not normalised:
            return None
        return token(self._key(qualified_index_name(model, index)), normalised, index.bits)


def qualified_index_name(model: type, index: BlindIndex) -> str:
    return f"{model._meta.label_lower}.{index.name}"  # type: ignore[attr-defined]


def declared_indexes(model: type) -> list[BlindIndex]:
    """Return the blind indexes a model declares in its ``vault_blind_indexes`` attribute."""
    return list(getattr(model, "vault_blind_indexes", ()))


def find_index(model: type, name: str) -> BlindIndex:
    """Return a model's blind index by name, or raise KeyError."""
    for index in declared_indexes(model):
        if index.name == name:
            return index
    raise KeyError(name)


def blind_index_update(instance: Any, keyring: KeyRing) -> None:
    """
    Recompute the tokens of every index ``instance`` declares, replacing its old ones.

    Called by services after they save a record with indexed fields. List-valued fields (e.g.
    other names) get one token per item.
    """
    model = type(instance)
    indexer = BlindIndexer(keyring, instance.organisation_id)
    BlindIndexEntry.objects.filter(owner_id=instance.pk).delete()
    entries: list[BlindIndexEntry] = []
    for index in declared_indexes(model):
        raw = getattr(instance, index.field)
        values: Iterable[Any] = raw if isinstance(raw, list) else [raw]
        tokens = {
            indexer.token_for(model, index, value) for value in values if isinstance(value, str)
        }
        entries.extend(
            BlindIndexEntry(
                organisation_id=instance.organisation_id,
                index_name=qualified_index_name(model, index),
                owner_id=instance.pk,
                token=item,
            )
            for item in tokens
            if item
        )
    BlindIndexEntry.objects.bulk_create(entries)


def blind_index_delete(owner_ids: Iterable[Any]) -> int:
    """Delete every token of the given owners (part of crypto-shredding, CRY-06)."""
    deleted, _detail = BlindIndexEntry.objects.filter(owner_id__in=list(owner_ids)).delete()
    return deleted


def blind_index_candidates(
    keyring: KeyRing, organisation_id: Any, model: type, index: BlindIndex, value: str
) -> tuple[str | None, list[Any]]:
    """Return the token searched for and the owner ids sharing it in one organisation."""
    searched = BlindIndexer(keyring, organisation_id).token_for(model, index, value)
    if searched is None:
        return None, []
    owners = BlindIndexEntry.objects.filter(
        organisation_id=organisation_id,
        index_name=qualified_index_name(model, index),
        token=searched,
    ).values_list("owner_id", flat=True)
    return searched, list(owners)
