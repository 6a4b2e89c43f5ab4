"""The audit screen shows auditors and coordinators their own organisation's events (AUD-01)."""

from django.urls import reverse

from haven.audit.events import EventType
from haven.audit.services import record_event


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


def test_a_caseworker_has_no_audit_screen(caseworker, sign_in_as):
    """The audit screen is for auditors and coordinators only (AZ-01)."""
    client = sign_in_as(caseworker)

    assert client.get(reverse("audit:events")).status_code == 404
