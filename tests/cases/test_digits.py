# ruff: noqa: RUF001 (the point of these tests is Arabic-Indic and Persian digits in strings)
"""
Arabic-Indic and Persian digits (issue 15, item 5): accepted wherever a number is typed (search,
dates, phones, counts), and every page shows numbers with ASCII digits in every language, Arabic
included (the decision in docs/developing.md, "Numbers").
"""

import datetime
import decimal
import gettext
import re
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse

from haven.cases.forms import IntakeForm
from haven.cases.models import Case
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


@pytest.mark.django_db
def test_arabic_pages_show_ascii_digits(organisation, caseworker, sign_in_as, settings):
    """The case list in Arabic: right to left, numbers (count, dates) in ASCII digits only."""
    for index in range(3):
        assigned_case(organisation, caseworker, suffix=f" {index}")
    client = sign_in_as(caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    page = client.get(reverse("cases:list")).content.decode()

    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert not ARABIC_INDIC.search(page)
    assert re.search(r"\b3\b", page)
    assert Case.objects.count() == 3


def test_the_arabic_catalogue_writes_numbers_in_ascii_digits():
    """Translations follow the same rule, so no page mixes two kinds of digits."""
    compiled = Path(__file__).parents[2] / "src/haven/locale/ar/LC_MESSAGES/django.mo"
    with compiled.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    mixed = [key for key, text in catalogue.items() if ARABIC_INDIC.search(str(text))]
    assert mixed == []
