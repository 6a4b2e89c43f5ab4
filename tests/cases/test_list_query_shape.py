"""
The shape of the list queries, which is what keeps their cost flat at any number of cases
(docs/cases.md, "Speed"; timed by ``bench/cases.py``): one page of rows read in the order of the
list's index (no OFFSET, no key table joined), need-to-know as one ``EXISTS`` on the member's
assignments, a count that stops at the cap, and no read of the cases table that is not bounded
by a LIMIT or by the ids of the page's own rows.

A query count cannot see a join, an OFFSET or a count without a cap creep in: each makes the
same number of queries and only grows with the table.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.cases.pagination import COUNT_CAP
from haven.cases.selectors import CASES_PER_PAGE, my_cases
from tests.cases.factories import assigned_case, membership_of

pytestmark = pytest.mark.django_db

CASES = '"cases_case"'
#: The case list's order, as ``case_list_order`` indexes it, forward and for the last page.
LIST_ORDER = (
    'ORDER BY "cases_case"."urgency_rank" ASC, "cases_case"."due_sort" ASC, '
    '"cases_case"."created_at" DESC, "cases_case"."id" DESC'
)
LIST_ORDER_REVERSED = (
    'ORDER BY "cases_case"."urgency_rank" DESC, "cases_case"."due_sort" DESC, '
    '"cases_case"."created_at" ASC, "cases_case"."id" ASC'
)
MY_CASES_ORDER = (
    'ORDER BY "cases_case"."risk_views_diverge" DESC, "cases_case"."urgency_rank" ASC, '
    '"cases_case"."due_sort" ASC, "cases_case"."created_at" DESC, "cases_case"."id" DESC'
)


def queries_of(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    return [query["sql"] for query in captured.captured_queries]


def the_query(queries: list[str], marker: str) -> str:
    found = [sql for sql in queries if marker in sql]
    assert len(found) == 1, (marker, found)
    return found[0]


def unbounded_case_reads(queries: list[str]) -> list[str]:
    """Reads of the cases table with neither a LIMIT nor a list of the page's own case ids."""
    return [
        sql
        for sql in queries
        if f"FROM {CASES}" in sql
        and not re.search(r"\bLIMIT \d+", sql)
        and f'WHERE {CASES}."id" IN (' not in sql
    ]


def list_page(client, address: str, order: str) -> tuple[str, list[str]]:
    """The queries of one list page, and among them the one that reads its rows in ``order``."""
    queries = queries_of(lambda: client.get(address))
    return the_query(queries, order), queries


def assert_one_keyset_page(sql: str, order: str, size: int) -> None:
    """One page read in the order of the list's index: ``size`` rows at most, never an OFFSET."""
    assert order in sql
    assert f"LIMIT {size}" in sql
    assert "OFFSET" not in sql


def assert_one_page_through_the_index(sql: str, order: str, size: int) -> None:
    assert_one_keyset_page(sql, order, size)
    # A list decrypts nothing, so it joins no key table (nor anything else).
    assert "JOIN" not in sql


def assert_the_count_stops_at_the_cap(queries: list[str]) -> None:
    """The list's total is one count, bounded by ``COUNT_CAP`` ("more than 1,000")."""
    assert f"LIMIT {COUNT_CAP + 1}" in the_query(queries, "COUNT(")


@pytest.fixture
def listed(organisation, caseworker) -> None:
    for index in range(3):
        assigned_case(organisation, caseworker, suffix=f" {index}")


@pytest.mark.parametrize(("query", "order"), [("", LIST_ORDER), ("?last=1", LIST_ORDER_REVERSED)])
def test_a_case_list_page_reads_one_page_in_the_order_of_its_index(
    listed, caseworker, sign_in_as, query, order
):
    """The first and the last page both read 51 rows in the index's order, the other way round."""
    rows, queries = list_page(sign_in_as(caseworker), reverse("cases:list") + query, order)

    assert_one_page_through_the_index(rows, order, CASES_PER_PAGE + 1)
    # Need-to-know is one semi-join on the member's assignments, not a join or an id list.
    assert rows.count("EXISTS(") == 1
    assert '"cases_assignment"' in rows
    assert_the_count_stops_at_the_cap(queries)
    assert unbounded_case_reads(queries) == []


def test_a_coordinators_case_list_has_no_need_to_know_filter(listed, coordinator, sign_in_as):
    """Coordinators see their whole organisation: the page reads the index with no EXISTS."""
    rows, queries = list_page(sign_in_as(coordinator), reverse("cases:list"), LIST_ORDER)

    assert_one_page_through_the_index(rows, LIST_ORDER, CASES_PER_PAGE + 1)
    assert "EXISTS" not in rows
    assert unbounded_case_reads(queries) == []


def test_my_cases_reads_one_page_in_the_order_of_its_index(listed, organisation, caseworker):
    """My cases: the member's assignments as one EXISTS, 50 rows in ``case_my_cases_order``."""
    membership = membership_of(caseworker, organisation)

    (sql,) = queries_of(lambda: my_cases(membership=membership))

    assert_one_page_through_the_index(sql, MY_CASES_ORDER, CASES_PER_PAGE)
    assert sql.count("EXISTS(") == 1


def test_the_dashboard_reads_no_unbounded_list_of_cases(listed, caseworker, sign_in_as):
    client = sign_in_as(caseworker)

    queries = queries_of(lambda: client.get(reverse("web:dashboard")))

    assert the_query(queries, MY_CASES_ORDER)
    assert unbounded_case_reads(queries) == []
