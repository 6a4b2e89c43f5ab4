"""
Keyset pagination of the case list: every visible case exactly once, in the list's order, whichever
way a member pages, and a cursor never reveals or starts after a case the member may not see
(AZ-03).
"""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.cases import pagination
from haven.cases.models import Case, Urgency
from haven.cases.pagination import keyset_page
from haven.cases.selectors import CASE_LIST_ORDER, case_list, case_list_page
from tests.cases.factories import assigned_case, membership_of, open_canary_case
from tests.page_forms import submitted_fields

pytestmark = pytest.mark.django_db

# urgency, days until due (None: no due date), minutes since opened; ties on purpose.
SHAPES = [
    (Urgency.ROUTINE, None, 5),
    (Urgency.EMERGENCY, 3, 5),
    (Urgency.PRIORITY, None, 1),
    (Urgency.EMERGENCY, None, 2),
    (Urgency.ROUTINE, 1, 5),
    (Urgency.EMERGENCY, 3, 5),
    (Urgency.PRIORITY, 2, 7),
    (Urgency.ROUTINE, 1, 9),
]
RANK = {Urgency.EMERGENCY: 0, Urgency.PRIORITY: 1, Urgency.ROUTINE: 2}


@pytest.fixture
def shaped_cases(organisation, caseworker) -> list[Case]:
    """Cases assigned to the caseworker with varied urgency, due dates and shared timestamps."""
    now = timezone.now().replace(microsecond=0)
    cases = []
    for index, (urgency, due_in, minutes) in enumerate(SHAPES):
        case = assigned_case(organisation, caseworker, suffix=f" {index}")
        Case.objects.filter(pk=case.pk).update(
            urgency=urgency,
            urgency_rank=RANK[urgency],
            next_due_on=None if due_in is None else now.date() + datetime.timedelta(days=due_in),
            created_at=now - datetime.timedelta(minutes=minutes),
        )
        cases.append(case)
    return cases


def expected_order(cases: list[Case]) -> list:
    """The list's order worked out in Python: urgency, due date (none last), newest, then id."""
    rows = Case.objects.filter(pk__in=[case.pk for case in cases])
    far = datetime.date.max
    return [
        case.pk
        for case in sorted(
            sorted(rows, key=lambda case: case.pk, reverse=True),
            key=lambda case: (
                case.urgency_rank,
                case.next_due_on or far,
                -case.created_at.timestamp(),
            ),
        )
    ]


def test_paging_forward_shows_every_case_once_in_order(organisation, caseworker, shaped_cases):
    membership = membership_of(caseworker, organisation)
    rows = case_list(membership=membership)
    seen, after = [], None
    while True:
        page = keyset_page(rows, CASE_LIST_ORDER, size=3, after=after)
        seen += [case.pk for case in page.rows]
        if not page.has_next:
            break
        assert page.has_previous == (after is not None)
        after = str(page.last_id)

    assert seen == expected_order(shaped_cases)


def test_paging_back_from_the_last_page_shows_every_case_once_in_order(
    organisation, caseworker, shaped_cases
):
    membership = membership_of(caseworker, organisation)
    rows = case_list(membership=membership)
    page = keyset_page(rows, CASE_LIST_ORDER, size=3, last=True)
    seen = [case.pk for case in page.rows]
    assert not page.has_next
    while page.has_previous:
        page = keyset_page(rows, CASE_LIST_ORDER, size=3, before=str(page.first_id))
        assert page.has_next
        seen = [case.pk for case in page.rows] + seen

    assert seen == expected_order(shaped_cases)


def test_a_cursor_to_a_case_the_member_may_not_see_starts_at_the_first_page(
    organisation, caseworker, shaped_cases
):
    """AZ-03: another case's id as a cursor neither fails differently nor skips anything."""
    hidden = open_canary_case(organisation, suffix=" hidden")
    membership = membership_of(caseworker, organisation)

    page = case_list_page(membership=membership, after=str(hidden.pk))

    assert [case.pk for case in page.rows] == expected_order(shaped_cases)
    assert not page.has_previous


def test_the_count_stops_at_the_cap(organisation, caseworker, shaped_cases, monkeypatch):
    membership = membership_of(caseworker, organisation)
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)

    page = case_list_page(membership=membership)

    assert page.count == 5 and page.count_is_capped
    monkeypatch.setattr(pagination, "COUNT_CAP", len(SHAPES))
    page = case_list_page(membership=membership)
    assert page.count == len(SHAPES) and not page.count_is_capped


def test_the_list_page_links_to_its_last_page(
    organisation, caseworker, shaped_cases, sign_in_as, monkeypatch
):
    """The page's own links reach the last page, which ends with the list's last case."""
    monkeypatch.setattr("haven.cases.selectors.CASES_PER_PAGE", 3)
    client = sign_in_as(caseworker)
    first = client.get(reverse("cases:list")).content.decode()
    last_link = re.search(r'href="([^"]+)" rel="last"', first)
    assert last_link is not None

    last = client.get(reverse("cases:list") + unescape(last_link.group(1))).content.decode()

    last_case = Case.objects.get(pk=expected_order(shaped_cases)[-1])
    assert last_case.code in last
    assert 'rel="last"' not in last and 'rel="prev"' in last


def test_a_malformed_cursor_shows_the_first_page(
    organisation, caseworker, shaped_cases, sign_in_as
):
    client = sign_in_as(caseworker)

    response = client.get(reverse("cases:list"), {"after": "not-a-case", "before": "'; --"})

    assert response.status_code == 200
    first_case = Case.objects.get(pk=expected_order(shaped_cases)[0])
    assert first_case.code in response.content.decode()


def _link(html: str, rel: str) -> str:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    assert found is not None, f'no rel="{rel}" link'
    return unescape(found.group(1))


def test_a_filter_changed_on_a_later_page_shows_the_first_page_of_the_new_list(
    organisation, caseworker, shaped_cases, sign_in_as, monkeypatch
):
    """
    The filter form sent from page two, with an urgency chosen, lists that urgency's cases from
    the first; it carries no cursor of the page it was sent from (the first page's last case is
    an emergency, so a kept cursor would skip the list's first two emergencies).
    """
    monkeypatch.setattr("haven.cases.selectors.CASES_PER_PAGE", 2)
    client = sign_in_as(caseworker)
    url = reverse("cases:list")
    second = client.get(url + _link(client.get(url).content.decode(), "next")).content.decode()
    fields = submitted_fields(second)
    fields["urgency"] = [Urgency.EMERGENCY.value]

    emergencies = client.get(url, fields).content.decode()

    first_two = [
        Case.objects.get(pk=pk).code
        for pk in expected_order(shaped_cases)
        if Case.objects.get(pk=pk).urgency == Urgency.EMERGENCY
    ][:2]
    assert all(code in emergencies for code in first_two)
    assert 'rel="prev"' not in emergencies and 'rel="next"' in emergencies
    assert [name for name in fields if name in pagination.CURSOR_PARAMETERS] == []


def test_the_pages_of_a_filtered_list_keep_its_filter(
    organisation, caseworker, shaped_cases, sign_in_as, monkeypatch
):
    monkeypatch.setattr("haven.cases.selectors.CASES_PER_PAGE", 2)
    client = sign_in_as(caseworker)
    url = reverse("cases:list")
    routine_order = [
        pk
        for pk in expected_order(shaped_cases)
        if Case.objects.get(pk=pk).urgency == Urgency.ROUTINE
    ]

    first = client.get(url, {"urgency": Urgency.ROUTINE.value}).content.decode()
    second = client.get(url + _link(first, "next")).content.decode()

    assert "urgency=routine" in _link(first, "next")
    assert Case.objects.get(pk=routine_order[2]).code in second
    assert 'rel="next"' not in second
    assert submitted_fields(second)["urgency"] == [Urgency.ROUTINE.value]
