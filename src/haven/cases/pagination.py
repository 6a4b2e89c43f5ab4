"""
Keyset pagination: lists that cost the same on their first and their last page at any size.

An offset page (``LIMIT 50 OFFSET 50000``) makes the database read and throw away every row before
the page, and an exact page count makes it count every visible row. Here a page is instead the
rows after (or before) one row of the list, the *cursor*, read in the order of an index that
matches the sort, so the database stops after ``size + 1`` rows whichever page is asked for. The
last page is the first page of the reversed order.

The cursor in a link is the boundary row's id, never its sort values, so a URL carries nothing
but an opaque identifier the member may already see; the row is looked up again among the rows
of the same query, so a cursor to a row outside the member's list just starts at the first page.

The total is counted only up to ``COUNT_CAP`` rows ("more than 1,000"): beyond that nobody pages
through by number, and an exact count is the one read that still grows with the table.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, OrderBy, Q, QuerySet
from django.http import QueryDict

COUNT_CAP = 1_000
CURSOR_PARAMETERS = ("after", "before", "last")


class KeysetCursorForm(forms.Form):
    """
    The page a list shows: after or before one of its rows, or the last page. A cursor that is
    not a row of the list starts at the first page, and a malformed one is ignored the same way.

    Only the page links carry a cursor (``query_without_cursor`` plus one parameter). A list's
    filter form has no cursor fields: a filter changed on a later page must list the new
    selection from its first row, not from the row the old page started after.
    """

    after = forms.UUIDField(required=False, widget=forms.HiddenInput)
    before = forms.UUIDField(required=False, widget=forms.HiddenInput)
    last = forms.BooleanField(required=False, widget=forms.HiddenInput)


def cursor_arguments(cleaned: dict[str, Any]) -> dict[str, Any]:
    """``keyset_page``'s cursor arguments from a ``KeysetCursorForm``'s cleaned data."""
    return {
        "after": cleaned.get("after"),
        "before": cleaned.get("before"),
        "last": bool(cleaned.get("last")),
    }


def requested_cursor(query: QueryDict) -> dict[str, Any]:
    """
    ``keyset_page``'s cursor arguments from a list's query string: the first page when it names
    none or a malformed one (which leaves the list's filters as they are).
    """
    cursor = KeysetCursorForm(query)
    return cursor_arguments(cursor.cleaned_data if cursor.is_valid() else {})


def query_without_cursor(query: QueryDict) -> str:
    """The list's other parameters (its filters), for the links to other pages."""
    kept = query.copy()
    for parameter in CURSOR_PARAMETERS:
        kept.pop(parameter, None)
    return kept.urlencode()


@dataclass(frozen=True)
class SortKey:
    """One column of a list's sort order; the last key must be unique (the primary key)."""

    field: str
    descending: bool = False

    def order(self, *, forward: bool) -> OrderBy:
        if self.descending == forward:
            return F(self.field).desc()
        return F(self.field).asc()

    def beyond(self, value: Any, *, forward: bool) -> Q:
        """Rows strictly after ``value`` in this column (before it when not ``forward``)."""
        lookup = "lt" if self.descending == forward else "gt"
        return Q(**{f"{self.field}__{lookup}": value})

    def from_start(self, value: Any, *, forward: bool) -> Q:
        """The same bound, inclusive: an index range start the database can seek to."""
        lookup = "lte" if self.descending == forward else "gte"
        return Q(**{f"{self.field}__{lookup}": value})


@dataclass(frozen=True)
class KeysetPage:
    """One page of a list, with what its navigation needs."""

    rows: list[Any]
    has_previous: bool
    has_next: bool
    #: How many rows the whole list has, counted up to ``COUNT_CAP`` (see ``count_is_capped``).
    count: int
    count_is_capped: bool
    #: The cap the count stopped at, for "more than 1,000".
    cap: int = COUNT_CAP

    @property
    def first_id(self) -> Any:
        return self.rows[0].pk if self.rows else None

    @property
    def last_id(self) -> Any:
        return self.rows[-1].pk if self.rows else None


def after_row(keys: tuple[SortKey, ...], values: tuple[Any, ...], *, forward: bool) -> Q:
    """
    The rows after the row whose sort values are ``values``: an expanded tuple comparison.

    ``(a, b, c) > (x, y, z)`` is written out as ``a > x OR (a = x AND (b > y OR ...))`` because
    the columns sort in different directions; the first column's inclusive bound is added so that
    the database can seek the index instead of filtering from its start.
    """
    condition = Q()
    for position in range(len(keys) - 1, -1, -1):
        key, value = keys[position], values[position]
        step = key.beyond(value, forward=forward)
        condition = (
            step if position == len(keys) - 1 else step | (Q(**{key.field: value}) & condition)
        )
    return keys[0].from_start(values[0], forward=forward) & condition


def keyset_page(
    rows: QuerySet[Any],
    keys: tuple[SortKey, ...],
    *,
    size: int,
    after: Any = None,
    before: Any = None,
    last: bool = False,
) -> KeysetPage:
    """
    Return the page of ``rows`` after the row ``after``, before the row ``before``, the last page
    (``last``), or else the first page, in the order ``keys``.
    """
    cursor_id, forward = (before, False) if before else (after, True)
    if last and not cursor_id:
        forward = False
    page_rows = rows
    cursor_values = _cursor_values(rows, keys, cursor_id) if cursor_id else None
    if cursor_values is not None:
        page_rows = page_rows.filter(after_row(keys, cursor_values, forward=forward))
    ordered = page_rows.order_by(*(key.order(forward=forward) for key in keys))
    found = list(ordered[: size + 1])
    more = len(found) > size
    found = found[:size]
    if not forward:
        found.reverse()
    started_elsewhere = cursor_values is not None
    count = rows.order_by().values("pk")[: COUNT_CAP + 1].count()
    return KeysetPage(
        rows=found,
        has_previous=more if not forward else started_elsewhere,
        has_next=more if forward else started_elsewhere,
        count=min(count, COUNT_CAP),
        count_is_capped=count > COUNT_CAP,
        cap=COUNT_CAP,
    )


def _cursor_values(
    rows: QuerySet[Any], keys: tuple[SortKey, ...], cursor_id: Any
) -> tuple[Any, ...] | None:
    """The sort values of the cursor row, if it is one of ``rows`` (else: start afresh)."""
    try:  # a UUID for Haven's own rows, a number for the audit log's events
        identifier = rows.model._meta.pk.to_python(cursor_id)
    except (ValidationError, ValueError, TypeError):
        return None
    if identifier is None:
        return None
    values = rows.filter(pk=identifier).values_list(*(key.field for key in keys)).first()
    return tuple(values) if values is not None else None
