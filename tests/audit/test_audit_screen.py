"""The audit screen shows auditors and coordinators their own organisation's events (AUD-01)."""

from datetime import date

import pytest
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

    assert [e.object_id for e in by_type.context["page"]] == ["a1"]
    assert {e.object_id for e in by_actor.context["page"]} >= {"b2"}
    assert "a1" not in {e.object_id for e in by_actor.context["page"]}
    assert [e.object_id for e in by_object.context["page"]] == ["b2"]


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

    events = audit_event_list(member, AuditFilter(date_to=date.max, date_from=date.min))

    assert [event.object_id for event in events if event.object_id == "kept"] == ["kept"]


def test_a_caseworker_has_no_audit_screen(caseworker, sign_in_as):
    """The audit screen is for auditors and coordinators only (AZ-01)."""
    client = sign_in_as(caseworker)

    assert client.get(reverse("audit:events")).status_code == 404
