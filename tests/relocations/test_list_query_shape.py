"""
The shape of the stay list's queries (issue 17), as ``tests/cases/test_list_query_shape.py`` pins
the case list's: one page of rows read in the order of ``stay_list_order`` (no OFFSET), no key
table joined and no encrypted column read, for the list decrypts nothing, and a count that stops
at the cap. A query count cannot see a join or an uncapped count creep in.
"""

import pytest
from django.urls import reverse

from haven.relocations import selectors
from haven.relocations.selectors import STAYS_PER_PAGE, due_items
from tests.cases.test_list_query_shape import (
    assert_one_keyset_page,
    assert_the_count_stops_at_the_cap,
    list_page,
    queries_of,
    the_query,
)
from tests.page_forms import submitted_fields
from tests.relocations.factories import arrived_stay, host_partner_of, membership_of

pytestmark = pytest.mark.django_db

STAY = '"relocations_stay"'
LIST_ORDER = f'ORDER BY {STAY}."planned_start" ASC, {STAY}."created_at" ASC, {STAY}."id" ASC'
LIST_ORDER_REVERSED = (
    f'ORDER BY {STAY}."planned_start" DESC, {STAY}."created_at" DESC, {STAY}."id" DESC'
)
#: Encrypted columns of a stay: a list row shows none of them.
ENCRYPTED = ('"host_city"', '"needs"', '"outcome"', '"travelling_dependants"', '"cancel_note"')


def assert_no_key_table_and_nothing_encrypted(sql: str) -> None:
    assert '"vault_' not in sql
    assert "data_key" not in sql
    assert [column for column in ENCRYPTED if column in sql] == []


@pytest.fixture
def stays(organisation, coordinator, caseworker):
    return [
        arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=20 + index)
        for index in range(3)
    ]


@pytest.mark.parametrize(("query", "order"), [("", LIST_ORDER), ("?last=1", LIST_ORDER_REVERSED)])
def test_a_stay_list_page_reads_one_page_in_the_order_of_its_index(
    stays, coordinator, sign_in_as, query, order
):
    rows, queries = list_page(sign_in_as(coordinator), reverse("relocations:list") + query, order)

    assert_one_keyset_page(rows, order, STAYS_PER_PAGE + 1)
    assert_no_key_table_and_nothing_encrypted(rows)
    assert_the_count_stops_at_the_cap(queries)


def test_a_host_partners_list_joins_no_case(stays, organisation, coordinator, sign_in_as):
    """Host partners see the reference (the id) and the programme, never the case's row."""
    host = host_partner_of(stays[0].programme, organisation)

    rows, _queries = list_page(sign_in_as(host), reverse("relocations:list"), LIST_ORDER)

    assert '"cases_case"' not in rows
    assert_no_key_table_and_nothing_encrypted(rows)


def test_due_on_stays_reads_the_list_order_with_nothing_encrypted(stays, organisation, caseworker):
    member = membership_of(caseworker, organisation)

    queries = queries_of(lambda: due_items(membership=member))

    rows = the_query(queries, LIST_ORDER)
    assert f"LIMIT {STAYS_PER_PAGE}" in rows
    assert_no_key_table_and_nothing_encrypted(rows)


def test_the_stay_list_pages_by_keyset_links(stays, coordinator, sign_in_as, monkeypatch):
    """Past a page, the list links to the next and the last page (plain links, no script)."""
    monkeypatch.setattr(selectors, "STAYS_PER_PAGE", 2)
    client = sign_in_as(coordinator)
    # The fixture's stays started 20, 21 and 22 days ago: the list reads the oldest first.
    first_two, last_one = [stays[2], stays[1]], stays[0]

    first = client.get(reverse("relocations:list")).content.decode()
    second = client.get(reverse("relocations:list") + f"?after={first_two[-1].pk}").content.decode()

    assert all(stay.case.code in first for stay in first_two)
    assert last_one.case.code not in first
    assert f'after={first_two[-1].pk}" rel="next"' in first
    assert 'rel="last"' in first
    assert "3 results" in first
    assert last_one.case.code in second and first_two[0].case.code not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_filter_sent_from_a_later_page_shows_the_first_page(
    stays, coordinator, sign_in_as, monkeypatch
):
    """Ticking "include ended and cancelled stays" on page two lists from the first stay again;
    the filter form carries no cursor of the page it was sent from."""
    monkeypatch.setattr(selectors, "STAYS_PER_PAGE", 2)
    client = sign_in_as(coordinator)
    url = reverse("relocations:list")
    first_two = [stays[2], stays[1]]
    second = client.get(url, {"after": first_two[-1].pk}).content.decode()
    fields = submitted_fields(second)
    fields["closed"] = ["on"]

    everything = client.get(url, fields).content.decode()

    assert all(stay.case.code in everything for stay in first_two)
    assert 'rel="prev"' not in everything and 'rel="next"' in everything
    assert "closed=on" in everything.split('rel="next"')[0].rsplit("href=", 1)[1]
