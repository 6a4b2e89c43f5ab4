"""The report pages (the analyst's tables, the two regimes, the coordinator's overview) and the CSV downloads."""

import csv
from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render

from haven.accounts.access import requires
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _membership
from haven.organisations.policy import Permission
from haven.reports.overview import coordinator_overview
from haven.reports.regimes import regimes_report
from haven.reports.selectors import analyst_report
from haven.uploads.downloads import content_disposition

#: Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _page(
    request: HavenRequest, template: str, name: str, build: Callable[..., object]
) -> HttpResponse:
    """
    A report page: ``build`` (a selector) makes the one object the template shows, for the acting
    member; the selector checks the permission again and answers 404 to anyone else.
    """
    return render(request, template, {name: build(membership=_membership(request))})


@requires(Permission.VIEW_REPORTS)
def report(request: HavenRequest) -> HttpResponse:
    """Every table with its chart; readable without JavaScript and on a phone."""
    return _page(request, "reports/report.html", "report", analyst_report)


@requires(Permission.VIEW_REPORTS)
def regimes(request: HavenRequest) -> HttpResponse:
    """The two regimes' page: counts only, readable without JavaScript and on a phone."""
    return _page(request, "reports/regimes.html", "report", regimes_report)


@requires(Permission.VIEW_OVERVIEW)
def overview(request: HavenRequest) -> HttpResponse:
    """The coordinator's overview: what is overdue, what waits for a decision, the queue's age."""
    return _page(request, "reports/overview.html", "overview", coordinator_overview)


def _spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@requires(Permission.VIEW_REPORTS)
def table_csv(request: HavenRequest, table: str) -> HttpResponse:
    """One table as CSV, suppressed exactly as on the page."""
    found = analyst_report(membership=_membership(request)).table(table)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # A download like any other (UPL-06): an attachment, never sniffed, sandboxed, never cached.
    response["Content-Disposition"] = content_disposition(f"{found.slug}.csv")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    for row in found.csv_rows():
        writer.writerow([_spreadsheet_safe(cell) for cell in row])
    return response
