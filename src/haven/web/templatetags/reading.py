"""
Template filters for what a person reads, in the reader's digits (``haven.accounts.reading``):
built into every template (``TEMPLATES["OPTIONS"]["builtins"]``), so they replace Django's
``date``, ``time``, ``timesince``, ``timeuntil``, ``floatformat`` and ``filesizeformat`` without a
``{% load %}`` and keep their arguments and behaviour: only the digits (and, for ``floatformat``,
the decimal and grouping signs) are the reader's. ``number`` and ``percent`` are added for counts,
measures and shares.

An identifier (case code, phone or document number, code, URL, form value) never goes through
these filters, and keeps ASCII digits; so does a bare ``{{ value }}``.
"""

import datetime
import decimal
from collections.abc import Callable
from typing import Any

from django import template
from django.template import defaultfilters
from django.templatetags import i18n
from django.utils.safestring import SafeString, mark_safe

from haven.accounts import reading

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Django's ``date``, in the reader's digits."""
    return reading.shown(defaultfilters.date(value, arg))


@register.filter(expects_localtime=True, is_safe=False)
def time(value: Any, arg: str | None = None) -> str:
    """Django's ``time``, in the reader's digits."""
    return reading.shown(defaultfilters.time(value, arg))


@register.filter("timesince", is_safe=False)
def timesince_filter(value: Any, arg: Any = None) -> str:
    """Django's ``timesince`` ("3 days, 2 hours"), in the reader's digits."""
    return reading.shown(defaultfilters.timesince_filter(value, arg))


@register.filter("timeuntil", is_safe=False)
def timeuntil_filter(value: Any, arg: Any = None) -> str:
    """Django's ``timeuntil``, in the reader's digits."""
    return reading.shown(defaultfilters.timeuntil_filter(value, arg))


@register.filter(is_safe=True)
def filesizeformat(bytes_: Any) -> str:
    """Django's ``filesizeformat`` ("1.2 MB"), in the reader's digits."""
    return reading.shown_number(defaultfilters.filesizeformat(bytes_))


@register.filter(is_safe=True)
def floatformat(text: Any, arg: str | int = -1) -> SafeString | str:
    """
    Django's ``floatformat`` (same rounding, same ``g`` for grouping), written by the reader's
    locale: its digits and its decimal and grouping signs.
    """
    modifiers = str(arg)
    unlocalised = defaultfilters.floatformat(
        text, modifiers.replace("g", "").replace("u", "") + "u"
    )
    if not unlocalised or "u" in modifiers:
        return unlocalised
    try:
        value = decimal.Decimal(unlocalised)
    except decimal.InvalidOperation:
        return unlocalised
    places = len(unlocalised.partition(".")[2])
    return mark_safe(reading.number(value, places, grouped="g" in modifiers))  # noqa: S308 (digits and signs only)


@register.filter(is_safe=True)
def digits(value: Any) -> Any:
    """
    Text already written for a person ("<5", "2026-11", "3 of 7"), in the reader's digits. Never
    for an identifier: a case code or a phone number keeps its ASCII digits.
    """
    return value if value is None else reading.shown(str(value))


def _as_number(value: Any) -> int | float | decimal.Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | decimal.Decimal):
        return value
    try:
        return decimal.Decimal(str(value))
    except (decimal.InvalidOperation, ValueError, TypeError):
        return None


@register.filter(is_safe=True)
def number(value: Any, places: int | str | None = None) -> str:
    """
    A count or a measure (months, days, a score) the reader reads, grouped, in their digits;
    ``|number:1`` for exactly one decimal. Anything that is not a number is shown as it is.
    """
    amount = _as_number(value)
    if amount is None:
        return value  # type: ignore[no-any-return]
    return reading.number(amount, None if places is None or places == "" else int(places))


@register.filter(is_safe=True)
def percent(value: Any, places: int | str = 0) -> str:
    """A share (0.25 for a quarter) as a percentage, in the reader's digits and sign."""
    amount = _as_number(value)
    if amount is None:
        return value  # type: ignore[no-any-return]
    return reading.percent(amount, int(places))


# Sentences ---------------------------------------------------------------------------------------

_MARK = "_haven_reader_digits"


def _in_readers_digits(render: Callable[[Any, Any], str]) -> Callable[[Any, Any], str]:
    def wrapped(value: Any, context: Any) -> str:
        text = render(value, context)
        if (
            context.use_l10n is False
            or isinstance(value, bool)
            or not isinstance(value, _READ_VALUES)
        ):
            return text
        return mark_safe(reading.shown_number(text))  # noqa: S308 (escaped by Django; digits changed)

    setattr(wrapped, _MARK, True)
    return wrapped


_READ_VALUES = (int, float, decimal.Decimal, datetime.date, datetime.time)


def install() -> None:
    """
    Write the numbers and dates of ``{% blocktranslate %}`` sentences ("{{ counter }} results",
    "until {{ end }}") in the reader's digits (idempotent). A sentence is always read by a person,
    so every number in it is, unlike a bare ``{{ value }}``, which may fill a URL or a form value.
    Django's i18n tags render their variables through ``render_value_in_context``, imported into
    ``django.templatetags.i18n``; ``tests/web/test_reading.py`` fails if that name moves.
    """
    current = i18n.render_value_in_context  # type: ignore[attr-defined]
    if not getattr(current, _MARK, False):
        i18n.render_value_in_context = _in_readers_digits(current)  # type: ignore[attr-defined]
