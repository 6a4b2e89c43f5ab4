"""
Normalisers for partial search (issue 15): properties over generated names and numbers, and the
coarse-index rule that stands in for BI-03 on low-entropy pieces (docs/vault.md, "Partial search").
"""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.domain.digits import ascii_digits
from haven.vault.blind_index import (
    NAME_PREFIX_LETTERS,
    BlindIndex,
    fold_accents,
    name_prefixes,
    name_words,
    normalise_name,
    normalise_phone,
    phone_tail,
    phones_match,
)

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ACCENTS = ["\u0301", "\u0300", "\u0303", "\u0308", "\u0327", "\u064e", "\u0650"]  # Latin, Arabic

letters = st.text(alphabet=st.characters(categories=["Lu", "Ll", "Lo"]), min_size=1, max_size=12)
names = st.lists(letters, min_size=1, max_size=5).map(" ".join)


@given(names)
def test_name_normalisation_is_idempotent(name):
    assert normalise_name(normalise_name(name)) == normalise_name(name)


@given(names, st.sampled_from(ACCENTS))
def test_accents_do_not_matter(name, accent):
    """A combining accent added after any letter leaves the normalised name as it was."""
    accented = "".join(char + accent if char.isalpha() else char for char in name)
    assert normalise_name(accented) == normalise_name(name)


@given(names)
def test_case_and_spacing_do_not_matter(name):
    assert normalise_name(f"  {name.upper()}\t ") == normalise_name(name.lower())


@given(names)
def test_prefixes_are_three_letter_beginnings_of_the_words(name):
    normalised = normalise_name(name)
    prefixes = name_prefixes(normalised)
    assert all(len(prefix) == NAME_PREFIX_LETTERS for prefix in prefixes)
    assert set(prefixes) <= {word[:NAME_PREFIX_LETTERS] for word in normalised.split()}
    assert all(
        word[:NAME_PREFIX_LETTERS] in prefixes
        for word in normalised.split()
        if len(word) >= NAME_PREFIX_LETTERS
    )


@given(st.text(alphabet="0123456789", min_size=1, max_size=15))
def test_digits_of_any_script_are_the_same_number(digits):
    arabic = digits.translate(str.maketrans("0123456789", ARABIC_INDIC))
    persian = digits.translate(str.maketrans("0123456789", PERSIAN))
    assert ascii_digits(arabic) == ascii_digits(persian) == digits
    assert normalise_phone(arabic) == normalise_phone(persian) == normalise_phone(digits)


@given(
    st.text(alphabet="123456789", min_size=1, max_size=3),
    st.text(alphabet="0123456789", min_size=7, max_size=10),
    st.sampled_from([" ", "-", ".", ""]),
)
def test_national_and_international_forms_match(country, number, separator):
    """``+CC NUMBER``, ``00CC NUMBER`` and ``0NUMBER`` are the same number, however separated."""
    national = number.lstrip("0")
    if len(national) < 7:
        return
    spaced = separator.join([national[:3], national[3:]])
    international = f"+{country} {spaced}"
    assert phones_match(international, f"0{spaced}")
    assert phones_match(f"00{country}{separator}{spaced}", international)
    assert phone_tail(normalise_phone(international)) == phone_tail(normalise_phone(f"0{spaced}"))


@given(
    st.text(alphabet="0123456789 -+", max_size=20), st.text(alphabet="0123456789 -+", max_size=20)
)
def test_phone_match_is_symmetric(first, second):
    assert phones_match(first, second) == phones_match(second, first)


def test_too_short_numbers_never_match_by_suffix():
    assert not phones_match("+44 7700 900123", "900123")
    assert not phones_match("", "")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("Ana-María  de la Cruz", ["ana", "maria", "de", "la", "cruz"]),
        ("Se\u00e1n O\u2019Brien", ["sean", "obrien"]),
        ("فاطمة الزَّهراء", ["فاطمه", "الزهراء"]),  # short vowels gone, teh marbuta folded
        ("أحمد", ["احمد"]),  # hamza on alef folded
        ("Straße", ["strasse"]),
        ("\uff21\uff2e\uff21", ["ana"]),
    ],
)
def test_name_words(raw, words):
    assert name_words(raw) == words


def test_fold_accents_removes_every_combining_mark():
    folded = fold_accents("Ñúñez Çelik Nguyễn")
    assert not any(unicodedata.combining(char) for char in unicodedata.normalize("NFD", folded))
    assert folded == "nunez celik nguyen"


def test_a_coarse_index_must_keep_fewer_bits_than_its_input():
    """A coarse index keeping nearly every bit of a low-entropy input would be a code book."""
    with pytest.raises(ValueError, match="coarse"):
        BlindIndex("x", "legal_name", normalise_name, bits=10, input_entropy_bits=12, coarse=True)
    with pytest.raises(ValueError, match="BI-03"):
        BlindIndex("x", "legal_name", normalise_name, bits=8, input_entropy_bits=12)
    coarse = BlindIndex(
        "x", "legal_name", normalise_name, bits=8, input_entropy_bits=12, coarse=True
    )
    assert coarse.within_leakage_bounds
