"""
A report table: labelled rows and columns of counts, suppressed before anyone sees them.

Every table a report shows, draws or exports goes through ``haven.domain.disclosure.suppress``, so
no page, chart or CSV file can hold a count from 1 to 4 or a total that gives one away. Cells read
"<5" where the count is small and "·" where a larger count is hidden to protect a small one.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.domain.disclosure import TOTAL, SuppressedTable, suppress

SMALL = "<5"
COMPLEMENT = "·"


@dataclass(frozen=True)
class Cell:
    count: int | None
    text: str
    small: bool

    @property
    def hidden(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    total: Cell
    column_labels: tuple[str, ...] = ()

    @property
    def labelled_cells(self) -> list[tuple[str, Cell]]:
        """Each cell with its column's heading, for ``data-label`` on phones."""
        return list(zip(self.column_labels, self.cells, strict=True))


@dataclass(frozen=True)
class ReportTable:
    """A suppressed table ready for a page, a chart and a CSV file."""

    slug: str
    title: str
    row_heading: str
    column_labels: tuple[str, ...]
    rows: tuple[Row, ...]
    totals: tuple[Cell, ...]
    grand_total: Cell

    @property
    def one_way(self) -> bool:
        return len(self.column_labels) == 1

    @property
    def labelled_totals(self) -> list[tuple[str, Cell]]:
        return list(zip(self.column_labels, self.totals, strict=True))

    @property
    def largest(self) -> int:
        """The largest visible cell, for scaling bars."""
        counts = [cell.count for row in self.rows for cell in row.cells if cell.count is not None]
        return max(counts, default=0)

    def csv_rows(self) -> list[list[str]]:
        header = [self.row_heading, *self.column_labels]
        if not self.one_way:
            header.append(str(TOTAL_LABEL))
        body = [
            [row.label, *(cell.text for cell in row.cells)]
            + ([] if self.one_way else [row.total.text])
            for row in self.rows
        ]
        footer = [str(TOTAL_LABEL), *(cell.text for cell in self.totals)]
        if not self.one_way:
            footer.append(self.grand_total.text)
        return [header, *body, footer]


TOTAL_LABEL = _("Total")


def _cell(table: SuppressedTable, row: object, column: object) -> Cell:
    count = table.shown(row, column)
    if count is not None:
        return Cell(count, str(count), False)
    small = (row, column) in table.small
    return Cell(None, SMALL if small else COMPLEMENT, small)


def report_table(
    *,
    slug: str,
    title: str | Promise,
    row_heading: str | Promise,
    counts: Mapping[tuple[str, str], int],
    rows: Sequence[tuple[str, str | Promise]],
    columns: Sequence[tuple[str, str | Promise]],
) -> ReportTable:
    """Suppress ``counts`` (keyed by row and column keys) and label it for people."""
    row_keys = [key for key, _label in rows]
    column_keys = [key for key, _label in columns]
    table = suppress(counts, row_keys, column_keys)
    column_labels = tuple(str(label) for _key, label in columns)
    return ReportTable(
        slug=slug,
        title=str(title),
        row_heading=str(row_heading),
        column_labels=column_labels,
        rows=tuple(
            Row(
                str(label),
                tuple(_cell(table, key, column) for column in column_keys),
                _cell(table, key, TOTAL),
                column_labels,
            )
            for key, label in rows
        ),
        totals=tuple(_cell(table, TOTAL, column) for column in column_keys),
        grand_total=_cell(table, TOTAL, TOTAL),
    )
