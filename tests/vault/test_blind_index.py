"""Blind indexes: normalisation, per-organisation keys and truncation bounds (BI-01..BI-03)."""

import math

import pytest

from haven.cases.models import Defender
from haven.vault.blind_index import (
    EXPECTED_ROWS_PER_ORGANISATION,
    BlindIndex,
    BlindIndexer,
    declared_indexes,
    find_index,
    normalise_document_number,
    normalise_email,
    normalise_phone,
    normalise_text,
)
from haven.vault.keyring import keyring_scope


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ana María ", "ana maría"),
        ("ANA\tMARÍA", "ana maría"),
        ("Ana Mari\u0301a", "ana maría"),  # combining accent composes under NFKC
        ("Straße", "strasse"),  # case-folding, not lower-casing
        ("\uff21\uff2e\uff21", "ana"),  # full-width letters
    ],
)
def test_text_normalisation(raw, expected):
    """Names compare after NFKC, case-folding and collapsing white space."""
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "+57 (310) 555-0101",
        "0057 310 555 0101",
        "+573105550101",
        "+57.310.555.0101",
        "\uff0b57 310 5550101",
    ],
)
def test_phone_formats_agree(raw):
    """International phone numbers normalise to digits with one leading plus."""
    assert normalise_phone(raw) == "+573105550101"


def test_national_phone_keeps_its_digits():
    """A number without a country code is not guessed into one."""
    assert normalise_phone("(310) 555-0101") == "3105550101"


def test_email_and_document_normalisation():
    """E-mail compares case-blind; document numbers ignore separators."""
    assert normalise_email(" Zeph@Example.ORG ") == "zeph@example.org"
    assert normalise_document_number("ab-12 34.5/6") == "ab123456"


@pytest.mark.parametrize("index", declared_indexes(Defender), ids=lambda index: index.name)
def test_truncation_within_leakage_bounds(index):
    """Every defender index keeps 2 <= C < sqrt(R) at the documented R (BI-02)."""
    coincidences = EXPECTED_ROWS_PER_ORGANISATION / 2 ** min(index.bits, index.input_entropy_bits)

    assert index.expected_rows == EXPECTED_ROWS_PER_ORGANISATION
    assert 2 <= coincidences < math.sqrt(EXPECTED_ROWS_PER_ORGANISATION)
    assert index.within_leakage_bounds is True


def test_bounds_reject_an_index_too_precise():
    """An untruncated index would single out rows, and the bound check says so."""
    precise = BlindIndex("x", "legal_name", normalise_text, bits=32, input_entropy_bits=40)

    assert precise.within_leakage_bounds is False


def test_low_entropy_standalone_index_is_refused():
    """An index over a field with under 16 bits of entropy cannot be declared (BI-03)."""
    with pytest.raises(ValueError, match="BI-03"):
        BlindIndex("gender", "gender", normalise_text, bits=2, input_entropy_bits=2)


def test_same_value_different_organisations_different_tokens(organisation, other_organisation):
    """The same name gives unrelated tokens in two organisations (BI-01)."""
    index = find_index(Defender, "legal_name")
    with keyring_scope() as ring:
        ours = BlindIndexer(ring, organisation.pk).token_for(Defender, index, "Ana María")
        theirs = BlindIndexer(ring, other_organisation.pk).token_for(Defender, index, "Ana María")

    assert ours != theirs


def test_spacing_and_case_give_the_same_token(organisation):
    """'  Ana María ' and 'ana maría' share a token; tokens have the declared width."""
    index = find_index(Defender, "legal_name")
    with keyring_scope() as ring:
        indexer = BlindIndexer(ring, organisation.pk)
        first = indexer.token_for(Defender, index, "  Ana María ")
        second = indexer.token_for(Defender, index, "ana maría")

    assert first == second
    assert int(first, 16) < 2**index.bits
