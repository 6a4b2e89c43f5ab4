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

Partial search (the first letters of one word of a name, the last digits of a phone number) uses
indexes whose value *expands* into several pieces, each with its own token. A piece such as a
name's first three letters has little entropy, so those indexes are declared ``coarse``: their
tokens are at least ``COARSE_MARGIN_BITS`` narrower than the input's entropy, so each token stands
for at least sixteen different inputs and is no code book; and they may be padded with keyed
dummy tokens to a fixed count per row, so the number of tokens does not tell how many words a name has.
docs/vault.md ("Partial search") says what they leak.
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

from haven.domain.digits import ascii_digits
from haven.vault.keyring import KeyRing
from haven.vault.models import BlindIndexEntry, KeyPurpose

EXPECTED_ROWS_PER_ORGANISATION = 10_000
MINIMUM_INPUT_ENTROPY_BITS = 16
#: How much narrower than its input a coarse index's tokens must be: 2**4 = 16 inputs per token.
COARSE_MARGIN_BITS = 4
#: How many letters of each word of a name the partial-name indexes keep.
NAME_PREFIX_LETTERS = 3
#: How many trailing digits of a phone number the partial-phone index keeps.
PHONE_TAIL_DIGITS = 7

LOW_ENTROPY = (
    "Blind index {name} declares {bits} bits of input entropy; below {minimum} bits a standalone "
    "index is a code book (BI-03)."
)

COARSE_TOO_PRECISE = (
    "Blind index {name} is coarse but keeps {bits} bits of a {entropy}-bit input; a coarse index "
    "must keep at most {limit} bits so that each token stands for many inputs."
)

_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile("['\u2019\u02bc\u2018`\u00b4]")
_WORDS = re.compile(r"\w+")
# Letters writers use interchangeably (Arabic and Persian forms, Turkish i), folded to one form.
_ARABIC_FOLDS = str.maketrans(
    {
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0622": "\u0627",  # alef with madda -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Persian yeh -> yeh
        "\u06a9": "\u0643",  # Persian keheh -> kaf
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0640": None,  # tatweel (a stretching stroke, not a letter)
        "\u0131": "i",  # Turkish dotless i, which capitals turn into I: "Isik" finds it
    }
)
_PHONE_SEPARATORS = re.compile(r"[\s\-().\u00a0/]")
_DOCUMENT_SEPARATORS = re.compile(r"[\s\-./]")


def normalise_text(value: str) -> str:
    """NFKC, case-folded, with runs of white space collapsed and the ends trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value).casefold()).strip()


def fold_accents(value: str) -> str:
    """
    Case-folded, without accents or other combining marks (Arabic short vowels included), with
    interchangeable Arabic letters folded to one form and digits of any script made ASCII.

    ``Ána MARÍA``, ``ana maria`` and ``Ana Mari\u0301a`` all give ``ana maria``.
    """
    decomposed = unicodedata.normalize("NFKD", ascii_digits(value).casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFKC", bare).translate(_ARABIC_FOLDS).casefold()


def name_words(value: str) -> list[str]:
    """
    The words of a name, accent- and case-blind: apostrophes dropped (``O'Brien`` is ``obrien``),
    every other mark between letters (hyphens, dots, commas) a word break.
    """
    return _WORDS.findall(_APOSTROPHES.sub("", fold_accents(value)).replace("_", " "))


def normalise_name(value: str) -> str:
    """A whole name for exact comparison: its ``name_words`` joined by single spaces."""
    return " ".join(name_words(value))


def name_prefixes(normalised: str) -> list[str]:
    """The first ``NAME_PREFIX_LETTERS`` letters of each word of a normalised name long enough."""
    return sorted(
        {
            word[:NAME_PREFIX_LETTERS]
            for word in normalised.split()
            if len(word) >= NAME_PREFIX_LETTERS
        }
    )


def normalise_phone(value: str) -> str:
    """
    Digits only, keeping one leading ``+``; an international ``00`` prefix becomes ``+``.

    ``+57 (310) 555-0101``, ``0057 310 555 0101`` and ``+573105550101`` all give ``+573105550101``.
    National numbers without a country code stay as their digits: they cannot be matched to
    international ones without knowing the country, which the index does not guess.
    """
    compact = _PHONE_SEPARATORS.sub("", ascii_digits(unicodedata.normalize("NFKC", value)))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    digits = re.sub(r"[^0-9]", "", compact)
    return ("+" + digits) if compact.startswith("+") else digits


def phone_significant_digits(value: str) -> str:
    """
    The digits of a phone number without its international or trunk prefix: no ``+``, ``00`` or
    leading ``0``. ``+44 7700 900123`` gives ``447700900123`` and ``07700 900123`` gives
    ``7700900123``, which is how the two are recognised as the same number.
    """
    return normalise_phone(value).lstrip("+").lstrip("0")


def phone_tail(normalised: str) -> list[str]:
    """The last ``PHONE_TAIL_DIGITS`` digits of a normalised number, or none for a short one."""
    digits = normalised.lstrip("+")
    return [digits[-PHONE_TAIL_DIGITS:]] if len(digits) >= PHONE_TAIL_DIGITS else []


def phones_match(stored: str, searched: str) -> bool:
    """
    Whether two phone numbers are the same number written in different local formats.

    Equal once normalised, or one's significant digits end the other's and are at least
    ``PHONE_TAIL_DIGITS`` long: the national ``07700 900123`` is the international
    ``+44 7700 900123``, but ``+1 7700 900123`` is another number. Without a country the index
    does not guess one, so a national number matches that number in any country code; the
    caseworker sees the candidates and judges.
    """
    if normalise_phone(stored) == normalise_phone(searched):
        return bool(normalise_phone(stored))
    ours, theirs = phone_significant_digits(stored), phone_significant_digits(searched)
    shorter, longer = sorted((ours, theirs), key=len)
    return len(shorter) >= PHONE_TAIL_DIGITS and longer.endswith(shorter)


def normalise_email(value: str) -> str:
    """NFKC, case-folded, trimmed (the whole address, local part included, compares case-blind)."""
    return ascii_digits(unicodedata.normalize("NFKC", value)).casefold().strip()


def normalise_document_number(value: str) -> str:
    """NFKC, case-folded, digits made ASCII, without spaces, dashes, dots or slashes."""
    return _DOCUMENT_SEPARATORS.sub(
        "", ascii_digits(unicodedata.normalize("NFKC", value)).casefold()
    )


@dataclass(frozen=True)
class BlindIndex:
    """One blind index over one encrypted field of a model."""

    name: str
    field: str
    normalise: Callable[[str], str]
    bits: int
    input_entropy_bits: int
    expected_rows: int = EXPECTED_ROWS_PER_ORGANISATION
    #: Turns a normalised value into the pieces that get a token each (a name's word beginnings);
    #: without it the whole normalised value gets one token.
    expand: Callable[[str], Iterable[str]] | None = None
    #: A coarse index keeps far fewer bits than its input has, so it may index low-entropy pieces.
    coarse: bool = False
    #: Random tokens are added until a row has this many, so their number tells nothing.
    pad_to: int = 0

    def __post_init__(self) -> None:
        if self.coarse:
            limit = self.input_entropy_bits - COARSE_MARGIN_BITS
            if self.bits > limit:
                raise ValueError(
                    COARSE_TOO_PRECISE.format(
                        name=self.name, bits=self.bits, entropy=self.input_entropy_bits, limit=limit
                    )
                )
        elif self.input_entropy_bits < MINIMUM_INPUT_ENTROPY_BITS:
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

    def piece_token(self, model: type, index: BlindIndex, piece: str) -> str:
        """Return the token of one piece an expanding index produced (already normalised)."""
        return token(self._key(qualified_index_name(model, index)), piece, index.bits)

    def padding_token(self, model: type, index: BlindIndex, owner_id: Any, counter: int) -> str:
        """
        A padding token for ``pad_to``: keyed on the row's id and a counter, never on a value, so
        it looks like the real ones and stays the same when the row is indexed again (two
        backups do not tell padding from real tokens by which ones changed).
        """
        key = self._key(qualified_index_name(model, index))
        # The NUL byte keeps padding inputs apart from every normalised value.
        return token(key, f"\x00pad|{owner_id}|{counter}", index.bits)

    def tokens_for(self, model: type, index: BlindIndex, value: str) -> set[str]:
        """Every token ``value`` gets in ``index``: one, or one per piece of an expanding index."""
        if index.expand is None:
            single = self.token_for(model, index, value)
            return {single} if single else set()
        normalised = index.normalise(value)
        return {
            self.piece_token(model, index, piece) for piece in index.expand(normalised) if piece
        }


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
        tokens: set[str] = set()
        for value in values:
            if isinstance(value, str):
                tokens |= indexer.tokens_for(model, index, value)
        counter = 0
        while len(tokens) < index.pad_to:
            tokens.add(indexer.padding_token(model, index, instance.pk, counter))
            counter += 1
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


def blind_index_owners(
    organisation_id: Any, model: type, index: BlindIndex, tokens: Iterable[str]
) -> set[Any]:
    """The owners in one organisation holding any of ``tokens`` in ``index`` (one query)."""
    wanted = sorted(set(tokens))
    if not wanted:
        return set()
    return set(
        BlindIndexEntry.objects.filter(
            organisation_id=organisation_id,
            index_name=qualified_index_name(model, index),
            token__in=wanted,
        ).values_list("owner_id", flat=True)
    )


def blind_index_delete(owner_ids: Iterable[Any]) -> int:
    """Delete every token of the given owners (part of crypto-shredding, CRY-06)."""
    deleted, _detail = BlindIndexEntry.objects.filter(owner_id__in=list(owner_ids)).delete()
    return deleted
