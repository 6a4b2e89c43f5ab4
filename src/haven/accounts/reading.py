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

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import formats, translation
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


def numerals(language: str | None = None) -> Numerals:
    """How the reader of ``language`` (by default the active one) writes numbers."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    locales: dict[str, str] = settings.HAVEN_NUMBER_LOCALES
    return numerals_for(locales.get(language, language), western=_prefers_western.get()())


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


def date(value: datetime.date | datetime.datetime, format_name: str = "DATE_FORMAT") -> str:
    """A date in the active language's format (``DATE_FORMAT`` or any Django format name)."""
    return shown(formats.date_format(value, format_name))


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
