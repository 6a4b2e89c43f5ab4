# ruff: noqa: RUF001 (Arabic-Indic and Persian digits are what these tests look for)
"""
Numbers and dates as the reader's language writes them (haven.domain.numerals,
haven.accounts.reading, the template filters of haven.web.templatetags.reading).
"""

import datetime
import decimal

import pytest
from django.conf import settings
from django.template import engines
from django.templatetags import i18n
from django.utils import translation

from haven.accounts.reading import reader
from haven.domain.numerals import DIGITS, UnknownNumberingSystemError, numerals_for
from haven.portal.models import PortalMessage, Referral
from tests.cases.test_digits import ARABIC_INDIC
from tests.portal.helpers import receipt_from, referral_data, sign_in

PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC = "٠١٢٣٤٥٦٧٨٩"

SAMPLE = (
    '{{ day|date:"Y-m-d" }}|{{ count|number }}|{{ months|number:1 }}|{{ share|percent }}|'
    "{{ 6.5|floatformat }}|{{ 2048|filesizeformat }}|{{ count }}|{{ code }}|"
    "{% load i18n %}{% blocktranslate count counter=count %}{{ counter }} case"
    "{% plural %}{{ counter }} cases{% endblocktranslate %}"
)
CONTEXT = {
    "day": datetime.date(2026, 11, 30),
    "count": 1234,
    "months": decimal.Decimal("6"),
    "share": 0.25,
    "code": "HV-2026-0042",
}


def _render(language: str, western: bool = False) -> list[str]:
    with translation.override(language), reader(western):
        return engines["django"].from_string(SAMPLE).render(CONTEXT).split("|")


def test_every_language_haven_speaks_has_the_digits_of_its_numbering_system():
    languages = [code for code, _name in settings.HAVEN_PORTAL_LANGUAGES]
    for language in languages:
        locale = settings.HAVEN_NUMBER_LOCALES.get(language, language)
        assert numerals_for(locale).system in DIGITS, language
    with pytest.raises(UnknownNumberingSystemError):
        numerals_for("ne")  # Nepali: Devanagari digits, which Haven does not speak


def test_arabic_reads_arabic_indic_digits_and_signs():
    shown = _render("ar")

    assert shown[0] == "٢٠٢٦-١١-٣٠"
    assert shown[1] == "١٬٢٣٤"
    assert shown[2] == "٦٫٠"
    assert shown[3].startswith("٢٥٪")
    assert shown[4] == "٦٫٥"
    assert shown[5].startswith("٢٫٠")
    assert shown[6] == "1234", "a bare value may fill a URL or a form value: it keeps 0-9"
    assert shown[7] == "HV-2026-0042"
    assert shown[8].startswith("١٢٣٤ ")


def test_an_arabic_reader_who_prefers_western_digits_reads_0_to_9():
    shown = _render("ar", western=True)

    assert not ARABIC_INDIC.search("".join(shown))
    assert shown[:3] == ["2026-11-30", "1,234", "6.0"]
    assert shown[4] == "6.5"


def test_persian_reads_extended_arabic_indic_digits():
    shown = _render("fa")

    assert shown[0] == "۲۰۲۶-۱۱-۳۰"
    assert shown[1] == "۱٬۲۳۴"
    assert shown[7] == "HV-2026-0042"


@pytest.mark.parametrize(
    ("language", "count", "months", "half"),
    [
        ("fr", "1\u202f234", "6,0", "6,5"),
        ("es", "1.234", "6,0", "6,5"),
        ("en", "1,234", "6.0", "6.5"),
    ],
)
def test_french_spanish_and_english_keep_0_to_9(language, count, months, half):
    shown = _render(language)

    assert not ARABIC_INDIC.search("".join(shown))
    assert shown[0] == "2026-11-30"
    assert (shown[1], shown[2], shown[4]) == (count, months, half)


def test_sentences_are_written_through_the_hook_django_i18n_uses():
    """If Django renames the function its i18n tags render with, this fails loudly."""
    assert getattr(i18n.render_value_in_context, "_haven_reader_digits", False)


def test_a_non_number_passes_through_the_number_filters():
    with translation.override("ar"):
        template = engines["django"].from_string(
            "{{ none|number }}|{{ word|percent }}|{{ empty|digits }}"
        )
        assert template.render({"none": None, "word": "n/a", "empty": ""}) == "None|n/a|"


@pytest.mark.django_db
def test_the_persian_portal_shows_persian_digits(client, organisation, coordinator, sign_in_as):
    """A defender reading the portal in Persian sees the team's message dated in Persian digits."""
    code = receipt_from(client.post("/portal/", referral_data(organisation)))
    client.cookies.clear()
    referral = Referral.objects.get()
    staff = sign_in_as(coordinator)
    staff.post(f"/intake/{referral.pk}/open-case/", {"legal_name": "Fictional Defender"})
    staff.post(f"/intake/cases/{Referral.objects.get().case_id}/messages/", {"body": "Received."})
    staff.logout()

    sign_in(client, code)
    page = client.get("/portal/status/?lang=fa").content.decode()

    sent = PortalMessage.objects.get().sent_at
    persian_day = sent.strftime("%Y-%m-%d").translate(str.maketrans("0123456789", PERSIAN))
    assert 'lang="fa"' in page
    assert persian_day in page
    assert not set(ARABIC) & set(page)
