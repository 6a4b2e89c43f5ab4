# ruff: noqa: RUF001 (the point of these tests is Arabic-Indic and Persian digits in strings)
"""
Arabic-Indic and Persian digits (issue 15, item 5): accepted wherever a number is typed (search,
dates, phones, counts); the numbers and dates a person reads are written in the digits of their
language (Arabic-Indic in Arabic, unless the account prefers 0-9), and identifiers keep ASCII
digits (docs/developing.md, "Numbers").
"""

import datetime
import decimal
import gettext
import re
from collections import Counter
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from haven.accounts import reading
from haven.accounts.reading import Digits
from haven.cases.forms import IntakeForm
from haven.web.digits import ascii_number
from tests.cases.factories import assigned_case
from tests.cases.test_workspace import intake_data

ARABIC_INDIC = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


class _Counts(forms.Form):
    places = forms.IntegerField()
    months = forms.DecimalField()
    ratio = forms.FloatField()
    starts = forms.DateField()
    at = forms.DateTimeField()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            {
                "places": "١٢",
                "months": "٦٫٥",
                "ratio": "٠٫٢٥",
                "starts": "٢٠٢٦-١١-٣٠",
                "at": "٢٠٢٦-١١-٣٠ ٠٩:٠٥",
            },
            (12, decimal.Decimal("6.5"), 0.25, datetime.date(2026, 11, 30)),
        ),
        (
            {
                "places": "۱٬۲۰۰",
                "months": "۶",
                "ratio": "۱",
                "starts": "۲۰۲۶-۰۱-۰۲",
                "at": "۲۰۲۶-۰۱-۰۲ ۱۰:۰۰",
            },
            (1200, decimal.Decimal("6"), 1.0, datetime.date(2026, 1, 2)),
        ),
    ],
    ids=["arabic-indic", "persian"],
)
def test_number_and_date_fields_of_any_form_accept_any_digits(typed, expected):
    form = _Counts(typed)

    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert (data["places"], data["months"], data["ratio"], data["starts"]) == expected
    assert data["at"].hour in (9, 10)


def test_ascii_number_leaves_other_text_alone():
    assert ascii_number("HV-٤٢ abc") == "HV-42 abc"
    assert ascii_number("plain 42") == "plain 42"


@pytest.mark.django_db
def test_intake_stores_a_phone_typed_in_arabic_digits_with_ascii_digits():
    form = IntakeForm(intake_data(phone="+٩٦٢ ٧٩٠ ١٢٣ ٤٥٦٧", birth_date="١٩٨٧-٠٣-١٤"))

    assert form.is_valid(), form.errors
    identity = form.identity()
    assert identity["phone"] == "+962 790 123 4567"
    assert identity["birth_date"] == datetime.date(1987, 3, 14)


def _page(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url).content.decode()


def _attribute_values(page: str) -> list[str]:
    return re.findall(r'\b(?:href|value|action|data-[a-z-]+)="([^"]*)"', page)


@pytest.fixture
def three_cases(organisation, caseworker):
    return [assigned_case(organisation, caseworker, suffix=f" {index}") for index in range(3)]


@pytest.mark.django_db
def test_an_arabic_page_shows_dates_and_counts_in_arabic_digits_and_case_codes_in_ascii(
    three_cases, caseworker, sign_in_as
):
    """The case list in Arabic: the count and the dates in Arabic-Indic digits, codes as typed."""
    client = sign_in_as(caseworker)

    page = _page(client, reverse("cases:list"), "ar")

    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "\u0663 " in page  # "٣ نتائج": three results
    opened = three_cases[0].created_at
    with translation.override("ar"):
        assert date_format(opened, "DATE_FORMAT") not in page  # Django's, in ASCII digits
        arabic_date = reading.date(opened)
    assert ARABIC_INDIC.search(arabic_date) and arabic_date in page
    for case in three_cases:
        assert re.search(rf">{re.escape(case.code)}<", page)
        assert case.code.isascii()
    assert not [value for value in _attribute_values(page) if ARABIC_INDIC.search(value)]


@pytest.mark.django_db
def test_an_account_that_prefers_western_digits_reads_arabic_pages_in_0_to_9(
    three_cases, caseworker, sign_in_as
):
    client = sign_in_as(caseworker)
    assert ARABIC_INDIC.search(_page(client, reverse("cases:list"), "ar"))

    saved = client.post(reverse("accounts:digits"), {"digits": "western"})

    assert saved.status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.digits == Digits.WESTERN
    page = _page(client, reverse("cases:list"), "ar")
    assert 'lang="ar"' in page and re.search(r"\b3\b", page)
    assert not ARABIC_INDIC.search(page)
    account = _page(client, reverse("accounts:security"), "ar")
    assert re.search(r'value="western"[^>]*checked', account)


@pytest.mark.django_db
def test_an_unknown_digits_choice_changes_nothing(caseworker, sign_in_as):
    client = sign_in_as(caseworker)

    answer = client.post(reverse("accounts:digits"), {"digits": "roman"}, follow=True)

    assert answer.status_code == 200
    assert "Choose one of the two ways of writing numbers." in answer.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.digits == Digits.LANGUAGE


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es", "en"])
def test_french_spanish_and_english_pages_keep_0_to_9(
    language, three_cases, caseworker, sign_in_as
):
    client = sign_in_as(caseworker)

    page = _page(client, reverse("cases:list"), language)

    assert f'lang="{language}"' in page and re.search(r"\b3\b", page)
    assert not ARABIC_INDIC.search(page)
    with translation.override(language):
        assert date_format(three_cases[0].created_at, "DATE_FORMAT") in page


def test_translations_keep_the_numbers_of_their_source_in_ascii_digits():
    """
    A catalogue never writes a reader's digits: citations ("art 33(2)"), limits and codes are
    copied exactly, and the page writes numbers people read in their digits when it shows them
    (an account may prefer 0-9 in Arabic). A translation adds no number its source lacks.
    """
    wrong = []
    for language in ("ar", "fa", "es", "fr", "ru"):
        compiled = Path(__file__).parents[2] / f"src/haven/locale/{language}/LC_MESSAGES/django.mo"
        with compiled.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for key, text in catalogue.items():
            source = key[0] if isinstance(key, tuple) else key
            if not source:
                continue  # the catalogue's header
            if ARABIC_INDIC.search(str(text)) or not _numbers(str(text)) <= _numbers(source):
                wrong.append((language, source, text))
    assert wrong == []


def _numbers(text: str) -> Counter[str]:
    return Counter(re.findall(r"\d+", re.sub(r"%\(\w+\)\w", "", text)))
