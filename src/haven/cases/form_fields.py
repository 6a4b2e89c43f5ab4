"""
Form fields that the screens of every app ask for the same way.

Cases, programmes, relocations, the asylum bridge, counsel and the portal all ask for dates, for
free text in a box and for a reason. Declaring those fields once keeps them alike on every page:
a date is typed with the browser's own date picker (``type="date"``, no JavaScript), a box of
text has a bound length (the vault fields behind it are bounded too), and a reason needs at least
``MINIMUM_REASON`` characters, the length the case services require, so the form refuses "ok"
before a service would. They live in ``cases``, the lowest app, so every app above it can use
them (``docs/developing.md``, section 0).
"""

from typing import Any

from django import forms

from haven.cases.services.guards import MINIMUM_REASON


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
    """A required reason of at least ``MINIMUM_REASON`` characters."""
    return text_area(
        label, rows=rows, max_length=max_length, required=True, min_length=MINIMUM_REASON
    )
