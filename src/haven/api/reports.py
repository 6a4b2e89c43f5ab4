"""
The analyst's report through the API: the same suppressed tables as the page and its CSV files.

A cell is answered as its text ("12", "<5" or "·") and, when it is shown, its count; a hidden
count is never sent, so no client can give away what the page hides.
"""

from typing import Any

from ninja import Router, Schema

from haven.api.models import Scope
from haven.api.operations import answers, operation
from haven.api.requests import ApiRequest
from haven.reports.selectors import analyst_report
from haven.reports.tables import Cell, ReportTable

router = Router(tags=["reports"])


class CellOut(Schema):
    text: str
    count: int | None


class RowOut(Schema):
    label: str
    cells: list[CellOut]
    total: CellOut


class TableOut(Schema):
    slug: str
    title: str
    row_heading: str
    column_labels: list[str]
    rows: list[RowOut]
    totals: list[CellOut]
    grand_total: CellOut


class TableSummary(Schema):
    slug: str
    title: str


def _cell(cell: Cell) -> dict[str, Any]:
    return {"text": cell.text, "count": cell.count}


def _table(table: ReportTable) -> dict[str, Any]:
    return {
        "slug": table.slug,
        "title": table.title,
        "row_heading": table.row_heading,
        "column_labels": list(table.column_labels),
        "rows": [
            {"label": row.label, "cells": [_cell(c) for c in row.cells], "total": _cell(row.total)}
            for row in table.rows
        ],
        "totals": [_cell(c) for c in table.totals],
        "grand_total": _cell(table.grand_total),
    }


@router.get("/reports", response=answers(list[TableSummary]))
@operation(Scope.READ_REPORTS)
def report_list(request: ApiRequest) -> list[dict[str, str]]:
    """The report's tables, by slug and title in the request's language."""
    report = analyst_report(membership=request.membership)
    return [{"slug": table.slug, "title": table.title} for table in report.tables]


@router.get("/reports/{table}", response=answers(TableOut))
@operation(Scope.READ_REPORTS)
def report_table(request: ApiRequest, table: str) -> dict[str, Any]:
    """One table, suppressed exactly as on the page: counts from 1 to 4 read "<5"."""
    report = analyst_report(membership=request.membership)
    return _table(report.table(table))
