"""
Aggregate tables that cannot single out a person: small-cell suppression with complements.

A count from 1 to 4 in a report about defenders can identify someone ("the two trade unionists from
one province who were relocated in March"), so such a cell is never shown: it reads "<5". Hiding the
small cell alone is not enough when the table also shows totals, because the total minus the
visible cells gives the hidden one back. Every row and column therefore carries its total as one
more cell, and wherever a line (a row or a column, its total included) hides exactly one cell, a
second cell of that line is hidden as well (complementary suppression). The process repeats until
no line hides exactly one cell, so no hidden value can be recovered by subtraction within a line.

Zeros are shown: "nobody" does not identify anyone, and hiding zeros would make most reports of a
small organisation unreadable. Totals that are shown are the true totals, so a table still adds up
wherever every cell of a line is visible.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

SMALLEST_SHOWN: Final = 5
"""Counts from 1 up to this value less one are hidden (the usual threshold in statistical disclosure control)."""

TOTAL: Final = "__total__"
"""The key of the total row and the total column."""

Key = Hashable
Cell = tuple[Key, Key]


@dataclass(frozen=True)
class SuppressedTable:
    """
    A two-way table of counts with its margins, ready to show.

    ``values`` holds every cell, margins included, keyed ``(row, column)`` with ``TOTAL`` for the
    margins; ``small`` names the cells whose count is from 1 to 4 (shown as "<5") and ``hidden``
    every cell not shown, the complements included (shown as suppressed, since "<5" would be
    untrue of them). ``shown(row, column)`` is the only way a report reads a cell, so a hidden
    count cannot leak by accident.
    """

    rows: tuple[Key, ...]
    columns: tuple[Key, ...]
    values: Mapping[Cell, int]
    small: frozenset[Cell]
    hidden: frozenset[Cell]

    def shown(self, row: Key, column: Key) -> int | None:
        """Return the count to show, or None where the cell is hidden."""
        cell = (row, column)
        return None if cell in self.hidden else self.values[cell]

    def visible_counts(self) -> list[int]:
        """Every count a reader of this table can see, margins included."""
        return [value for cell, value in self.values.items() if cell not in self.hidden]


def _is_small(count: int, smallest_shown: int) -> bool:
    return 0 < count < smallest_shown


def _lines(rows: Sequence[Key], columns: Sequence[Key]) -> list[list[Cell]]:
    all_rows = [*rows, TOTAL]
    all_columns = [*columns, TOTAL]
    by_row = [[(row, column) for column in all_columns] for row in all_rows]
    by_column = [[(row, column) for row in all_rows] for column in all_columns]
    return by_row + by_column


def _complement(line: list[Cell], values: Mapping[Cell, int], hidden: set[Cell]) -> Cell | None:
    """Choose the second cell to hide in a line: the smallest count above zero, cells before totals."""
    candidates = [cell for cell in line if cell not in hidden]
    if not candidates:
        return None
    non_zero = [cell for cell in candidates if values[cell] > 0]
    pool = non_zero or candidates
    return min(pool, key=lambda cell: (values[cell], TOTAL in cell))


def suppress(
    counts: Mapping[Any, int],
    rows: Iterable[Key],
    columns: Iterable[Key],
    *,
    smallest_shown: int = SMALLEST_SHOWN,
) -> SuppressedTable:
    """
    Return the table of ``counts`` with margins, hiding every count from 1 to ``smallest_shown - 1``
    and enough complementary cells that no hidden count follows from a line's total.

    Missing cells count as zero. Negative counts are refused: they are a bug upstream, not data.
    """
    row_keys = tuple(rows)
    column_keys = tuple(columns)
    values: dict[Cell, int] = {}
    for row in row_keys:
        for column in column_keys:
            count = int(counts.get((row, column), 0))
            if count < 0:
                raise ValueError(f"a count cannot be negative: {row!r}, {column!r}")
            values[(row, column)] = count
    for row in row_keys:
        values[(row, TOTAL)] = sum(values[(row, column)] for column in column_keys)
    for column in column_keys:
        values[(TOTAL, column)] = sum(values[(row, column)] for row in row_keys)
    values[(TOTAL, TOTAL)] = sum(values[(row, TOTAL)] for row in row_keys)

    small = frozenset(cell for cell, count in values.items() if _is_small(count, smallest_shown))
    hidden = set(small)
    lines = _lines(row_keys, column_keys)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            complement = _complement(line, values, hidden)
            if complement is not None:
                hidden.add(complement)
                changed = True
    return SuppressedTable(row_keys, column_keys, values, small, frozenset(hidden))
