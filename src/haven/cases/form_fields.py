"""
Form fields that the screens of every app ask for the same way.

Cases, programmes, relocations, the asylum bridge, counsel and the portal all ask for dates, for
free text in a box and for a reason. Declaring those fields once keeps them alike on every page:
a date is typed with the browser's own date picker (``type="date"``, no JavaScript), a box of
text has a bound length (the vault fields behind it are bounded too), and a reason asks for at
least ``REASON_MIN_LENGTH`` characters, so "ok" is not a reason that ends up in the audit trail
of an erasure, a break-glass access or a correction. They live in ``cases``, the lowest app, so
every app above it can use them (``docs/developing.md``, section 0).
"""

from typing import Any

from django import forms

#: Fewest characters a reason may have: enough for a short sentence, too many for "ok".
REASON_MIN_LENGTH = 10


def date_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    """A date typed with the browser's date picker."""
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}),
        **kwargs,
    )


def text_area(
    label: Any, *, rows: int, max_length: int = 2000, required: bool = False, **kwargs: Any
) -> forms.CharField:
    """Free text in a box of ``rows`` lines; optional unless said otherwise."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


def reason_field(label: Any, *, rows: int = 2, max_length: int = 2000) -> forms.CharField:
    """A required reason of at least ``REASON_MIN_LENGTH`` characters."""
    return text_area(
        label, rows=rows, max_length=max_length, required=True, min_length=REASON_MIN_LENGTH
    )
