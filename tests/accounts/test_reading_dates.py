# ruff: noqa: DTZ001 (naive datetimes are one of the cases compared: the default time zone)
"""
``reading.date`` and ``term`` work out once per language what Django works out on every call;
every character they write must stay the one Django's own ``formats.date_format`` and the
translated label write, in every language and with either kind of digits (issue 17).
"""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import formats, translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from haven.accounts import reading
from haven.cases.vocabulary import TERMS, term
from haven.domain.numerals import numerals_for

LANGUAGES = ["en", "es", "fr", "ar", "fa", "ru"]
FORMATS = [
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    # Every translated word and every time-zone specifier, with escaped letters between.
    r"D l, j N n b M E F Y \a\t P a A f g G h H i s e O T Z I U \\w w",
]
ZONES = [
    zoneinfo.ZoneInfo(name)
    for name in ("UTC", "Europe/Madrid", "Asia/Tehran", "America/Sao_Paulo", "Pacific/Chatham")
]
# Midnight, noon, and both edges of Madrid's summer time (a missing hour, a repeated one).
EDGES = [
    datetime.datetime(2026, 1, 1, 0, 0),
    datetime.datetime(2026, 6, 30, 12, 0),
    datetime.datetime(2026, 3, 29, 2, 30),
    datetime.datetime(2026, 10, 25, 2, 30),
    datetime.datetime(2026, 10, 25, 2, 30, fold=1),
    datetime.datetime(2026, 12, 31, 23, 59, 59),
]


def django_wrote(value: datetime.date, format_name: str, language: str, western: bool) -> str:
    """Django's own formatting with the digits converted as ``reading.shown`` always did."""
    locales: dict[str, str] = settings.HAVEN_NUMBER_LOCALES
    written = numerals_for(locales.get(language, language), western=western)
    return written.digits(formats.date_format(value, format_name))


def assert_same(value: datetime.date, format_name: str, language: str, western: bool) -> None:
    with translation.override(language), reading.reader(western):
        expected = django_wrote(value, format_name, language, western)
        assert reading.date(value, format_name) == expected
        # Twice: the second call reads what the first one kept.
        assert reading.date(value, format_name) == expected


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("western", [False, True])
@pytest.mark.parametrize("format_name", FORMATS)
def test_edges_are_written_as_django_writes_them(
    language: str, western: bool, format_name: str
) -> None:
    for edge in EDGES:
        assert_same(edge, format_name, language, western)  # naive: the default time zone
        for zone in ZONES:
            assert_same(edge.replace(tzinfo=zone), format_name, language, western)
        if format_name in ("DATE_FORMAT", "SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT"):
            assert_same(edge.date(), format_name, language, western)


@given(
    value=st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        max_value=datetime.datetime(2100, 12, 31),
        timezones=st.none() | st.sampled_from(ZONES),
        allow_imaginary=True,
    ),
    format_name=st.sampled_from(FORMATS),
    language=st.sampled_from(LANGUAGES),
    western=st.booleans(),
)
@hypothesis_settings(max_examples=400, deadline=None)
def test_any_datetime_is_written_as_django_writes_it(
    value: datetime.datetime, format_name: str, language: str, western: bool
) -> None:
    assert_same(value, format_name, language, western)


@given(
    value=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)),
    language=st.sampled_from(LANGUAGES),
    western=st.booleans(),
)
@hypothesis_settings(max_examples=200, deadline=None)
def test_any_date_is_written_as_django_writes_it(
    value: datetime.date, language: str, western: bool
) -> None:
    for format_name in ("DATE_FORMAT", "SHORT_DATE_FORMAT", "YEAR_MONTH_FORMAT", "D l N E"):
        assert_same(value, format_name, language, western)


def test_a_date_with_a_time_format_is_refused_as_django_refuses_it() -> None:
    with pytest.raises(TypeError):
        reading.date(datetime.date(2026, 5, 1), "DATETIME_FORMAT")


def test_a_changed_setting_empties_what_was_kept() -> None:
    # A test that changes the formats or the catalogues' paths must not read the old ones.
    with translation.override("en"):
        reading.date(datetime.date(2026, 5, 1), "DATE_FORMAT")
        assert reading._patterns  # what the module keeps is the point
        with override_settings(USE_THOUSAND_SEPARATOR=True):
            assert not reading._patterns


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_terms_follow_the_active_language(language: str) -> None:
    # The other languages first, so that a label kept for one language could leak into another.
    for other in ["en", "es", "fr", "ar"]:
        with translation.override(other):
            term("death_threat")
    with translation.override(language):
        for identifier, label in TERMS.items():
            assert term(identifier) == str(label)
    with translation.override("es"):
        assert term("death_threat") != "Death threat"
        assert term("not_a_term_at_all") == "Not a term at all"
