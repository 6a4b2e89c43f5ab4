"""
Numbers typed in any script: every form accepts Arabic-Indic (٠١٢), Persian (۰۱۲) and other
Unicode digits, with the Arabic decimal (U+066B) and thousands (U+066C) separators, in its
number, date and time fields, whatever app the form belongs to.

Installed once, when the web app is ready, by wrapping ``to_python`` of Django's number and date
fields: the value is read with ASCII digits before Django parses it. Free text (names, notes,
narratives) is left as typed; search terms, phone numbers and document numbers are compared with
ASCII digits by the vault's normalisers (``haven.vault.blind_index``), and intake stores phone
numbers with ASCII digits. Pages write the numbers people read in the digits of the reader's
language (``haven.accounts.reading``; docs/developing.md, "Numbers").
"""

from collections.abc import Callable
from typing import Any

from django import forms

from haven.domain.digits import ascii_digits

_SEPARATORS = str.maketrans({"\u066b": ".", "\u066c": ""})  # Arabic decimal and thousands
_MARK = "_haven_ascii_digits"

#: The form fields whose typed value is a number, a date or a time.
NUMBER_AND_DATE_FIELDS: tuple[type[forms.Field], ...] = (
    forms.IntegerField,
    forms.DecimalField,
    forms.FloatField,
    forms.DateField,
    forms.DateTimeField,
    forms.TimeField,
)


def ascii_number(value: str) -> str:
    """``value`` with ASCII digits and, for Arabic separators, ``.`` as the decimal point."""
    return ascii_digits(value).translate(_SEPARATORS)


def _accepting_any_digits(to_python: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def wrapped(self: forms.Field, value: Any) -> Any:
        if isinstance(value, str):
            value = ascii_number(value)
        return to_python(self, value)

    setattr(wrapped, _MARK, True)
    wrapped.__doc__ = to_python.__doc__
    return wrapped


def install() -> None:
    """Make every number, date and time field read digits of any script (idempotent)."""
    for field_class in NUMBER_AND_DATE_FIELDS:
        current = field_class.__dict__.get("to_python", field_class.to_python)
        if not getattr(current, _MARK, False):
            field_class.to_python = _accepting_any_digits(current)  # type: ignore[method-assign,assignment]
