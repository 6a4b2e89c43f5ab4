"""
Numbers and dates as the person reading the page reads them: in the digits of the active
language's CLDR numbering system (``haven.domain.numerals``), or in Western digits when the
signed-in account asked for them (``User.digits``).

``ReadingMiddleware`` says, for each request, whether its reader prefers Western digits; the
template filters (``haven.web.templatetags.reading``, built into every template) and the few
Python helpers that write a date or a number into a sentence call ``number``, ``percent``,
``date`` or ``shown`` here. Nothing else is changed: an integer printed as ``{{ value }}`` keeps
ASCII digits, because such values also fill URLs, form values and ``data-`` attributes that
machines read (docs/developing.md, "Numbers").
"""

import datetime
import decimal
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import formats, translation
from django.utils.dateformat import DateFormat, TimeFormat, re_escaped, re_formatchars
from django.utils.translation import gettext_lazy as _

from haven.domain.numerals import Numerals, numerals_for


class Digits(models.TextChoices):
    """How an account reads numbers and dates (``User.digits``)."""

    LANGUAGE = "language", _("As my language writes them")
    WESTERN = "western", _("Western digits (0-9)")


# A callable, so that a page that shows no number never loads the account to ask.
_prefers_western: ContextVar[Callable[[], bool]] = ContextVar(
    "haven_prefers_western_digits", default=lambda: False
)


@contextmanager
def reader(prefers_western: Callable[[], bool] | bool) -> Iterator[None]:
    """Within the block, numbers are written for a reader who does (or not) prefer 0-9."""
    ask = prefers_western if callable(prefers_western) else (lambda: prefers_western)
    token = _prefers_western.set(ask)
    try:
        yield
    finally:
        _prefers_western.reset(token)


# What is the same for every reader of one language, worked out once per process (a page formats
# dozens of dates): how a language and a digit preference write numbers, each date format's
# pieces, and the translated words of a date (month and day names, a.m., noon). Nothing here
# depends on the reader beyond the language and the digit preference; every cache is emptied
# when a test changes a setting (the formats, the languages, the catalogues' paths).
_numerals: dict[tuple[str, bool], Numerals] = {}
_patterns: dict[tuple[str | None, str], "_Pattern"] = {}
_words: dict[tuple[str | None, str, tuple[int, ...]], str] = {}


def _forget(**_kwargs: object) -> None:
    _numerals.clear()
    _patterns.clear()
    _words.clear()


setting_changed.connect(_forget, dispatch_uid="haven.accounts.reading.forget")


def numerals(language: str | None = None) -> Numerals:
    """How the reader of ``language`` (by default the active one) writes numbers."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    western = _prefers_western.get()()
    try:
        return _numerals[language, western]
    except KeyError:
        locales: dict[str, str] = settings.HAVEN_NUMBER_LOCALES
        written = numerals_for(locales.get(language, language), western=western)
        _numerals[language, western] = written
        return written


def shown(text: str) -> str:
    """``text`` (a formatted date, duration or number) with the reader's digits."""
    return numerals().digits(str(text))


def shown_number(text: str) -> str:
    """
    A number Django formatted for the active language (``filesizeformat``), with the reader's
    decimal sign and digits: Django's Arabic decimal sign is a comma, CLDR's the Arabic U+066B.
    """
    django_sign = re.escape(str(formats.get_format("DECIMAL_SEPARATOR")))
    written = numerals()
    decimal_sign = written.separators()[0]
    return written.digits(re.sub(rf"(?<=\d){django_sign}(?=\d)", decimal_sign, str(text)))


def number(
    value: int | float | decimal.Decimal, places: int | None = None, *, grouped: bool = True
) -> str:
    """A count or a measure for the reader; exactly ``places`` decimals when given."""
    return numerals().number(value, places, grouped=grouped)


def percent(value: int | float | decimal.Decimal, places: int = 0) -> str:
    """A share (0.25 for a quarter) as the reader's percentage."""
    return numerals().percent(value, places)


def _month(value: datetime.date) -> tuple[int, ...]:
    return (value.month,)


def _weekday(value: datetime.date) -> tuple[int, ...]:
    return (value.weekday(),)


def _hour(value: datetime.date) -> tuple[int, ...]:
    return (value.hour,)  # type: ignore[attr-defined]  # a time specifier: a datetime's


def _hour_minute(value: datetime.date) -> tuple[int, ...]:
    return (value.hour, value.minute)  # type: ignore[attr-defined]


# Django's specifiers whose output is a translated word: what of the value each one depends on.
_WORDS: dict[str, Callable[[datetime.date], tuple[int, ...]]] = {
    "b": _month,
    "E": _month,
    "F": _month,
    "M": _month,
    "N": _month,
    "D": _weekday,
    "l": _weekday,
    "a": _hour,
    "A": _hour,
    "P": _hour_minute,
}


# Django's specifiers that write a number of the value as it is given (no time zone), as
# ``DateFormat`` and ``TimeFormat`` write them; the time ones are only asked of a datetime
# (``date`` hands a bare date with a time format to Django, which refuses it).
_NUMBERS: dict[str, Callable[[Any], str]] = {
    "d": lambda value: f"{value.day:02d}",
    "j": lambda value: str(value.day),
    "m": lambda value: f"{value.month:02d}",
    "n": lambda value: str(value.month),
    "Y": lambda value: f"{value.year:04d}",
    "y": lambda value: f"{(value.year % 100):02d}",
    "G": lambda value: str(value.hour),
    "H": lambda value: f"{value.hour:02d}",
    "i": lambda value: f"{value.minute:02d}",
    "s": lambda value: f"{value.second:02d}",
}


class _Pattern:
    """A format string split once as Django's ``Formatter.format`` splits it on every call."""

    def __init__(self, format_string: str) -> None:
        #: (specifier, text): a specifier to call on the value, or text written as it is.
        self.pieces: list[tuple[str | None, str]] = []
        for index, piece in enumerate(re_formatchars.split(format_string)):
            if index % 2:
                self.pieces.append((piece, ""))
            elif piece:
                self.pieces.append((None, re_escaped.sub(r"\1", piece)))
        self.has_time = any(
            specifier is not None and hasattr(TimeFormat, specifier)
            for specifier, _text in self.pieces
        )

    def format(self, value: datetime.date, language: str | None) -> str:
        # Django's formatter is made only for a specifier written neither as a number here nor
        # by a word already kept: making one sorts out the value's time zone, which the
        # numbers and words of the usual formats never read (``_NUMBERS``).
        formatter = None
        written: list[str] = []
        for specifier, text in self.pieces:
            if specifier is None:
                written.append(text)
                continue
            number = _NUMBERS.get(specifier)
            if number is not None:
                written.append(number(value))
                continue
            depends_on = _WORDS.get(specifier)
            if depends_on is None:
                formatter = formatter or DateFormat(value)
                written.append(str(getattr(formatter, specifier)()))
                continue
            key = (language, specifier, depends_on(value))
            word = _words.get(key)
            if word is None:
                formatter = formatter or DateFormat(value)
                word = _words[key] = str(getattr(formatter, specifier)())
            written.append(word)
        return "".join(written)


def date(value: datetime.date | datetime.datetime, format_name: str = "DATE_FORMAT") -> str:
    """
    A date in the active language's format (``DATE_FORMAT`` or any Django format name).

    The same characters as ``shown(formats.date_format(value, format_name))``
    (``tests/accounts/test_reading_dates.py`` compares them), with the format's pieces and its
    translated words worked out once per language.
    """
    language = translation.get_language()
    try:
        pattern = _patterns[language, format_name]
    except KeyError:
        pattern = _patterns[language, format_name] = _Pattern(str(formats.get_format(format_name)))
    if pattern.has_time and type(value) is datetime.date:
        return shown(formats.date_format(value, format_name))  # Django refuses it, as before
    return numerals(language).digits(pattern.format(value, language))


class ReadingMiddleware:
    """Tell the formatters whether this request's reader prefers Western digits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def prefers_western() -> bool:
            user = getattr(request, "user", None)
            return bool(
                user is not None and user.is_authenticated and user.digits == Digits.WESTERN
            )

        with reader(prefers_western):
            return self.get_response(request)
