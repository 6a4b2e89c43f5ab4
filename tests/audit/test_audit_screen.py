"""The audit screen shows auditors and coordinators their own organisation's events (AUD-01)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.audit.events import EventType
from haven.audit.selectors import AuditFilter, audit_event_list
from haven.audit.services import record_event
from haven.organisations.models import Membership


def test_an_auditor_sees_only_their_organisations_events(
    auditor, organisation, other_organisation, sign_in_as
):
    """Events of another organisation never appear (AZ-02)."""
    record_event(EventType.CASE_OPENED, organisation=organisation, object_id="own-case")
    record_event(EventType.CASE_OPENED, organisation=other_organisation, object_id="their-case")
    client = sign_in_as(auditor)

    body = client.get(reverse("audit:events")).content.decode()

    assert "own-case" in body and "their-case" not in body


def test_filters_narrow_by_event_type_actor_and_object(
    auditor, coordinator, organisation, sign_in_as
):
    """Filtering by type, person and object id shows just the matching events."""
    record_event(
        EventType.CASE_OPENED, actor=coordinator, organisation=organisation, object_id="a1"
    )
    record_event(EventType.CASE_VIEWED, actor=auditor, organisation=organisation, object_id="b2")
    client = sign_in_as(auditor)

    by_type = client.get(reverse("audit:events"), {"event_type": "case.opened"})
    by_actor = client.get(reverse("audit:events"), {"actor": str(auditor.public_id)})
    by_object = client.get(reverse("audit:events"), {"object_id": "b2"})

    assert [e.object_id for e in by_type.context["page"].rows] == ["a1"]
    assert {e.object_id for e in by_actor.context["page"].rows} >= {"b2"}
    assert "a1" not in {e.object_id for e in by_actor.context["page"].rows}
    assert [e.object_id for e in by_object.context["page"].rows] == ["b2"]


def test_a_bad_filter_is_a_clear_400(auditor, sign_in_as):
    """An unknown event type or a malformed date is refused with 400, not a crash."""
    client = sign_in_as(auditor)

    response = client.get(reverse("audit:events"), {"event_type": "no.such", "date_from": "x"})

    assert response.status_code == 400


@pytest.mark.parametrize(
    "dates", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"date_to": "3000-01-01"}]
)
def test_a_date_at_the_calendars_edge_is_a_400_with_a_message(auditor, sign_in_as, dates):
    """Issue 11 item 10: `?date_to=9999-12-31` crashed with 500 (date overflow)."""
    client = sign_in_as(auditor)

    response = client.get(reverse("audit:events"), dates)

    assert response.status_code == 400
    assert "2999-12-31" in response.content.decode()


def test_the_selector_accepts_the_last_date_of_the_calendar(auditor, organisation):
    """Other callers of the selector (CLI, API) get no overflow either."""
    record_event(EventType.CASE_OPENED, organisation=organisation, object_id="kept")
    member = Membership.objects.get(user=auditor)

    events = audit_event_list(
        membership=member, filters=AuditFilter(date_to=date.max, date_from=date.min)
    )

    assert [event.object_id for event in events if event.object_id == "kept"] == ["kept"]


def test_a_caseworker_has_no_audit_screen(caseworker, sign_in_as):
    """The audit screen is for auditors and coordinators only (AZ-01)."""
    client = sign_in_as(caseworker)

    assert client.get(reverse("audit:events")).status_code == 404


def test_pages_follow_the_log_newest_first_with_a_capped_count(
    auditor, organisation, other_organisation, sign_in_as, monkeypatch
):
    """Keyset pages: next, previous and last walk the log; the count stops at the cap."""
    monkeypatch.setattr("haven.web.audit_log.PAGE_SIZE", 3)
    monkeypatch.setattr("haven.cases.pagination.COUNT_CAP", 5)
    for number in range(7):
        record_event(EventType.CASE_OPENED, organisation=organisation, object_id=f"e{number}")
    foreign = record_event(EventType.CASE_OPENED, organisation=other_organisation, object_id="x")
    client = sign_in_as(auditor)
    url = reverse("audit:events")
    filters = {"event_type": "case.opened"}

    def ids(response):
        return [event.object_id for event in response.context["page"].rows]

    first = client.get(url, filters)
    page = first.context["page"]
    second = client.get(url, {**filters, "after": page.last_id})
    back = client.get(url, {**filters, "before": second.context["page"].first_id})
    last = client.get(url, {**filters, "last": "1"})
    foreign_cursor = client.get(url, {**filters, "after": foreign.pk})
    malformed = client.get(url, {**filters, "after": "not-a-number"})

    assert ids(first) == ["e6", "e5", "e4"]
    assert page.count_is_capped and "More than 5 results" in first.content.decode()
    assert ids(second) == ["e3", "e2", "e1"]
    assert ids(back) == ["e6", "e5", "e4"]
    assert ids(last) == ["e2", "e1", "e0"]
    assert ids(foreign_cursor) == ids(malformed) == ["e6", "e5", "e4"]


def test_a_deep_page_costs_the_queries_of_the_first(auditor, organisation, sign_in_as):
    """No page reads an exact count or an offset: the last page runs as many queries as the first."""
    for number in range(60):
        record_event(EventType.CASE_VIEWED, organisation=organisation, object_id=f"v{number}")
    client = sign_in_as(auditor)
    url = reverse("audit:events")
    client.get(url)

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as last:
        response = client.get(url, {"last": "1"})

    assert response.status_code == 200
    assert len(last.captured_queries) <= len(first.captured_queries) + 1
    assert not any("OFFSET" in query["sql"].upper() for query in last.captured_queries)
    assert not any(
        "COUNT(*)" in query["sql"].upper() and "LIMIT" not in query["sql"].upper()
        for query in first.captured_queries
    )
