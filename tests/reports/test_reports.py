"""
The analyst's report (issue 16): aggregates only, and never a count from 1 to 4 on the page, in a
chart or in a CSV file, with totals that still add up wherever a line is fully shown.
"""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from haven.cases.models import Case, CaseStatus
from haven.organisations.models import Role
from haven.reports.tables import COMPLEMENT, SMALL, report_table
from tests.cases.factories import open_canary_case
from tests.conftest import make_member

SMALL_NUMBERS = {"1", "2", "3", "4"}


@st.composite
def labelled_counts(draw):
    rows = [(f"r{i}", f"Row {i}") for i in range(draw(st.integers(1, 6)))]
    columns = [(f"c{i}", f"Column {i}") for i in range(draw(st.integers(1, 4)))]
    counts = {(r, c): draw(st.integers(0, 30)) for r, _ in rows for c, _ in columns}
    return rows, columns, counts


@given(labelled_counts())
def test_no_table_or_csv_ever_shows_a_count_from_one_to_four(data):
    rows, columns, counts = data
    table = report_table(
        slug="t", title="T", row_heading="Row", counts=counts, rows=rows, columns=columns
    )
    texts = [cell for line in table.csv_rows()[1:] for cell in line[1:]]
    assert not SMALL_NUMBERS & set(texts)
    for row in table.rows:
        shown = [cell.count for cell in row.cells]
        if row.total.count is not None and None not in shown:
            assert sum(shown) == row.total.count  # type: ignore[arg-type]
    for cell_text in texts:
        assert cell_text in {SMALL, COMPLEMENT} or cell_text.isdigit()


@pytest.fixture
def analyst(organisation):
    return make_member(organisation, Role.ANALYST, "ana.analyst")


@pytest.fixture
def some_cases(organisation, coordinator):
    """Three cases in intake, six in screening: one small cell and its complement."""
    cases = [open_canary_case(organisation, coordinator, suffix=str(i)) for i in range(9)]
    Case.objects.filter(pk__in=[c.pk for c in cases[3:]]).update(status=CaseStatus.SCREENING)
    return cases


def test_the_analyst_reads_counts_with_small_ones_hidden(some_cases, analyst, sign_in_as):
    response = sign_in_as(analyst).get(reverse("reports:report"))

    assert response.status_code == 200
    by_status = response.context["report"].table("cases-by-status")
    intake = next(row for row in by_status.rows if row.label == str(CaseStatus.INTAKE.label))
    screening = next(row for row in by_status.rows if row.label == str(CaseStatus.SCREENING.label))
    assert intake.cells[0].text == SMALL
    assert screening.cells[0].text == COMPLEMENT
    assert by_status.totals[0].text == "9"
    page = response.content.decode()
    assert "HV-" not in page  # no case codes, let alone names


def test_the_csv_holds_the_same_suppressed_table(some_cases, analyst, sign_in_as):
    response = sign_in_as(analyst).get(
        reverse("reports:table_csv", kwargs={"table": "cases-by-status"})
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = {cell for row in rows[1:] for cell in row[1:]}
    assert not SMALL_NUMBERS & cells
    assert SMALL in cells and COMPLEMENT in cells


def test_an_unknown_table_is_404(analyst, sign_in_as):
    response = sign_in_as(analyst).get(reverse("reports:table_csv", kwargs={"table": "nope"}))
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.HOST_PARTNER, Role.AUDITOR])
def test_roles_without_reports_get_404(organisation, role, sign_in_as):
    member = make_member(organisation, role, f"someone-{role}")
    assert sign_in_as(member).get(reverse("reports:report")).status_code == 404


def test_another_organisations_cases_are_not_counted(some_cases, other_organisation, sign_in_as):
    analyst = make_member(other_organisation, Role.ANALYST, "north.analyst")
    report = sign_in_as(analyst).get(reverse("reports:report")).context["report"]
    assert report.table("cases-by-status").grand_total.text == "0"
