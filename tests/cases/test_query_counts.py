"""
Pinned query counts: list pages and selectors do not grow with the number of cases (no N+1).

Each test measures a page with a few cases, adds more, and asserts the count stays the same.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.cases.selectors import my_cases
from tests.acting import acting
from tests.cases.factories import assigned_case, membership_of

pytestmark = pytest.mark.django_db


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def test_the_case_list_page_does_not_grow_with_cases(organisation, caseworker, sign_in_as):
    """The case list takes as many queries for eight cases as for two."""
    client = sign_in_as(caseworker)
    for index in range(2):
        assigned_case(organisation, caseworker, suffix=f" {index}")
    few = count_queries(lambda: client.get(reverse("cases:list")))
    for index in range(2, 8):
        assigned_case(organisation, caseworker, suffix=f" {index}")

    many = count_queries(lambda: client.get(reverse("cases:list")))

    assert many == few


def test_the_dashboard_does_not_grow_with_cases(organisation, caseworker, sign_in_as):
    """My cases on the dashboard takes as many queries for eight cases as for two."""
    client = sign_in_as(caseworker)
    for index in range(2):
        assigned_case(organisation, caseworker, suffix=f" {index}")
    few = count_queries(lambda: client.get(reverse("web:dashboard")))
    for index in range(2, 8):
        assigned_case(organisation, caseworker, suffix=f" {index}")

    many = count_queries(lambda: client.get(reverse("web:dashboard")))

    assert many == few


def test_my_cases_is_one_query(organisation, caseworker, django_assert_num_queries):
    """The My cases selector reads the cases with their keys in one query."""
    for index in range(4):
        assigned_case(organisation, caseworker, suffix=f" {index}")
    membership = membership_of(caseworker, organisation)

    with django_assert_num_queries(1):
        cases = my_cases(membership=membership)

    assert len(cases) == 4


def test_the_case_page_does_not_grow_with_records(organisation, caseworker, sign_in_as):
    """The case page takes as many queries with six notes and threats as with one of each."""
    from haven.cases.services import note_add, threat_record

    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    note_add(membership=acting(caseworker), case=case, body="first")
    threat_record(membership=acting(caseworker), case=case, details={"kind": "raid"})
    few = count_queries(lambda: client.get(url))
    for index in range(5):
        note_add(membership=acting(caseworker), case=case, body=f"note {index}")
        threat_record(membership=acting(caseworker), case=case, details={"kind": "surveillance"})

    many = count_queries(lambda: client.get(url))

    assert many == few
