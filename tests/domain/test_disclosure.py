"""
Small-cell suppression (issue 16): no report shows a count from 1 to 4, and no hidden count can be
worked out from a line's total. The properties run over random tables, including the awkward ones:
all small, one row, one column, zeros everywhere.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.domain.disclosure import TOTAL, suppress

counts = st.integers(min_value=0, max_value=40)


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[tuple[int, int], int], list[int], list[int]]:
    rows = list(range(draw(st.integers(min_value=1, max_value=6))))
    columns = list(range(draw(st.integers(min_value=1, max_value=5))))
    cells = {(row, column): draw(counts) for row in rows for column in columns}
    return cells, rows, columns


def _lines(table):
    all_rows = [*table.rows, TOTAL]
    all_columns = [*table.columns, TOTAL]
    yield from ([(row, column) for column in all_columns] for row in all_rows)
    yield from ([(row, column) for row in all_rows] for column in all_columns)


@given(tables())
def test_no_visible_count_is_from_one_to_four(table_input):
    table = suppress(*table_input)
    assert not [count for count in table.visible_counts() if 1 <= count <= 4]


@given(tables())
def test_no_line_hides_exactly_one_cell(table_input):
    """One hidden cell in a line with a shown total is the total minus the rest: never allowed."""
    table = suppress(*table_input)
    for line in _lines(table):
        assert sum(cell in table.hidden for cell in line) != 1


@given(tables())
def test_shown_totals_are_true_and_visible_lines_add_up(table_input):
    cells, rows, columns = table_input
    table = suppress(cells, rows, columns)
    for row in rows:
        total = table.shown(row, TOTAL)
        if total is not None:
            assert total == sum(cells[(row, column)] for column in columns)
        shown = [table.shown(row, column) for column in columns]
        if total is not None and None not in shown:
            assert sum(shown) == total  # type: ignore[arg-type]
    grand = table.shown(TOTAL, TOTAL)
    if grand is not None:
        assert grand == sum(cells.values())


def one_column(by_key):
    """A one-way table (cases by status, by country...): one column, "count", and its total."""
    return suppress({(key, "count"): n for key, n in by_key.items()}, by_key.keys(), ["count"])


@given(st.dictionaries(st.sampled_from("abcdefgh"), counts, min_size=1))
def test_one_way_tables_hide_small_counts_and_their_complement(by_key):
    table = one_column(by_key)
    visible = table.visible_counts()
    assert not [count for count in visible if 1 <= count <= 4]
    hidden_rows = [key for key in by_key if table.shown(key, "count") is None]
    assert len(hidden_rows) != 1 or table.shown(TOTAL, "count") is None


def test_small_cells_are_marked_apart_from_their_complements():
    table = one_column({"open": 3, "closed": 12, "in stay": 20})
    assert table.shown("open", "count") is None
    assert ("open", "count") in table.small
    assert table.shown("closed", "count") is None
    assert ("closed", "count") not in table.small
    assert table.shown("in stay", "count") == 20
    assert table.shown(TOTAL, "count") == 35


def test_a_table_of_one_small_cell_hides_its_total_too():
    table = one_column({"recognised": 2})
    assert table.visible_counts() == []


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        one_column({"open": -1})
