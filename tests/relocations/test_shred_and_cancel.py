"""
Shredding the travel plan 30 days after arrival (route and dates are the most dangerous data
before travel and serve no one after it) and cancelling a stay with a reason, before or after the
arrival, through the stay's state machine.
"""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.models import Case, CaseStatus
from haven.programmes.models import Programme
from haven.relocations import services
from haven.relocations.models import Preparation, Stay, StayOutcome, StayStatus
from haven.relocations.reminders import shred_due_travel_plans
from haven.relocations.selectors import stay_list
from tests.relocations.factories import (
    arrived_stay,
    days_ago,
    host_partner_of,
    membership_of,
    open_stay,
    programme_with_maximum,
)

pytestmark = pytest.mark.django_db

PLAN = "Bus to the capital, flight via a safe transit, call on landing."


def _events(stay, event_type):
    return list(AuditEvent.objects.filter(event_type=event_type, object_id=str(stay.pk)))


def _raw_columns(preparation):
    """The stored (encrypted) values of the shredded columns, read past the vault fields."""
    return (
        Preparation.objects.filter(pk=preparation.pk)
        .values_list("travel_plan", "flight_details", "expected_arrival")
        .get()
    )


def _planned_stay(organisation, coordinator, **extra):
    """A stay starting in ten days whose travel plan is recorded, and the coordinator."""
    stay = open_stay(organisation, coordinator, started_days_ago=-10)
    member = membership_of(coordinator, organisation)
    services.preparation_save(
        membership=member,
        stay=stay,
        travel_plan=PLAN,
        digital_check_done=False,
        insurance={},
        stipend={},
        expectations_acknowledged_on=None,
        **extra,
    )
    return stay, member


# --- shredding ---------------------------------------------------------------------------------


def test_staff_shred_the_travel_plan_after_arrival(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)
    preparation = Preparation.objects.get(stay=stay)
    assert _raw_columns(preparation)[0] is not None

    services.travel_plan_shred(membership=membership_of(coordinator, organisation), stay=stay)

    preparation.refresh_from_db()
    assert _raw_columns(preparation) == (None, None, None)
    assert preparation.travel_plan_shredded_at is not None
    # That a plan existed stays on record, so the stay keeps its stage.
    assert preparation.travel_plan_recorded
    assert Stay.objects.get(pk=stay.pk).status == StayStatus.IN_STAY
    [event] = _events(stay, "relocation.travel_plan_shredded")
    assert event.data["scheduled"] is False and PLAN not in str(event.data)


def test_the_job_shreds_on_the_programme_day_and_not_before(organisation, coordinator):
    programme = programme_with_maximum(organisation)
    Programme.objects.filter(pk=programme.pk).update(travel_plan_shred_days=5)
    stay = arrived_stay(organisation, coordinator, started_days_ago=3)
    assert Stay.objects.get(pk=stay.pk).travel_plan_shred_on == days_ago(3) + datetime.timedelta(
        days=5
    )

    early = shred_due_travel_plans()
    on_the_day = shred_due_travel_plans(today=days_ago(-2))
    again = shred_due_travel_plans(today=days_ago(-2))

    assert (early, on_the_day, again) == (0, 1, 0)
    assert Preparation.objects.get(stay=stay).travel_plan is None
    assert Stay.objects.get(pk=stay.pk).travel_plan_shred_on is None
    [event] = _events(stay, "relocation.travel_plan_shredded")
    assert event.data["scheduled"] is True and event.actor_id is None


def test_the_default_is_thirty_days_after_arrival(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator, started_days_ago=10)

    assert stay.travel_plan_shred_on == days_ago(10) + datetime.timedelta(days=30)


def test_a_plan_cannot_be_shredded_before_the_arrival(organisation, coordinator):
    stay, member = _planned_stay(organisation, coordinator)

    with pytest.raises(services.StayError):
        services.travel_plan_shred(membership=member, stay=stay)
    assert Preparation.objects.get(stay=stay).travel_plan == PLAN


def test_shredding_twice_is_refused(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)
    member = membership_of(coordinator, organisation)
    services.travel_plan_shred(membership=member, stay=stay)

    with pytest.raises(services.StayError):
        services.travel_plan_shred(membership=member, stay=stay)
    assert len(_events(stay, "relocation.travel_plan_shredded")) == 1


def test_a_shredded_plan_never_comes_back_through_the_preparation_form(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)
    member = membership_of(coordinator, organisation)
    services.travel_plan_shred(membership=member, stay=stay)

    services.preparation_save(
        membership=member,
        stay=stay,
        travel_plan="A new route typed by mistake",
        digital_check_done=True,
        insurance={"insurer": "Fictional Mutual"},
        stipend={},
        expectations_acknowledged_on=None,
        flight_details="XX 123",
    )

    preparation = Preparation.objects.get(stay=stay)
    assert preparation.travel_plan is None and preparation.flight_details is None
    assert preparation.travel_plan_recorded


def test_a_host_partner_cannot_shred(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)
    host = host_partner_of(stay.programme, organisation)

    with pytest.raises(Http404):
        services.travel_plan_shred(membership=membership_of(host, organisation), stay=stay)


# --- cancelling --------------------------------------------------------------------------------


def test_cancelling_before_departure_shreds_the_plan_and_hides_the_stay_from_the_host(
    organisation, coordinator
):
    stay, member = _planned_stay(
        organisation, coordinator, expected_arrival=timezone.now() + datetime.timedelta(days=10)
    )
    host = host_partner_of(stay.programme, organisation)

    services.stay_cancel(
        membership=member,
        stay=stay,
        ground="visa_refused",
        on=timezone.localdate(),
        note="The consulate refused; the defender will reapply next year.",
    )

    stay = Stay.objects.get(pk=stay.pk)
    assert stay.status == StayStatus.CANCELLED and stay.cancelled_on == timezone.localdate()
    assert stay.arrival_alert_at is None and stay.ended_on is None
    assert Preparation.objects.get(stay=stay).travel_plan is None
    assert stay_list(membership=membership_of(host, organisation)).rows == []
    [event] = _events(stay, "relocation.stay_cancelled")
    assert event.data["ground"] == "visa_refused" and event.data["after_arrival"] is False
    assert "consulate" not in str(event.data)
    assert len(_events(stay, "relocation.travel_plan_shredded")) == 1


def test_a_cancelled_relocation_sends_the_case_back_to_pathway_planning(organisation, coordinator):
    stay = open_stay(organisation, coordinator, started_days_ago=-10)
    assert Case.objects.get(pk=stay.case_id).status == CaseStatus.RELOCATION_PREPARATION

    services.stay_cancel(
        membership=membership_of(coordinator, organisation),
        stay=stay,
        ground="defender_withdrew",
        on=timezone.localdate(),
    )

    assert Case.objects.get(pk=stay.case_id).status == CaseStatus.PATHWAY_PLANNING
    moved = AuditEvent.objects.filter(
        event_type="case.status_changed", object_id=str(stay.case_id)
    ).order_by("-seq")[0]
    assert moved.data["to"] == "pathway_planning" and moved.data["by_records"] is True


def test_a_stay_with_an_extension_waiting_cannot_be_cancelled(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)
    member = membership_of(coordinator, organisation)
    services.extension_request(
        membership=member,
        stay=stay,
        ground="health",
        requested_end=stay.planned_end + datetime.timedelta(days=10),
    )

    with pytest.raises(services.StayError, match="extension"):
        services.stay_cancel(membership=member, stay=stay, ground="health", on=days_ago(0))


def test_cancelling_after_arrival_ends_the_stay_early(organisation, coordinator):
    """The relocation machine has no move from in_stay to cancelled: the stay ends, early."""
    stay = arrived_stay(organisation, coordinator, started_days_ago=20)

    services.stay_cancel(
        membership=membership_of(coordinator, organisation),
        stay=stay,
        ground="health",
        on=days_ago(1),
    )

    stay = Stay.objects.get(pk=stay.pk)
    assert stay.status == StayStatus.ENDED and stay.cancel_ground == "health"
    assert stay.ended_on == days_ago(1) and stay.outcome == StayOutcome.ENDED_EARLY
    # The plan is not shredded at once after arrival: the schedule keeps its day.
    assert Preparation.objects.get(stay=stay).travel_plan == PLAN


def test_a_cancelled_stay_takes_no_more_records_and_cannot_be_cancelled_again(
    organisation, coordinator
):
    stay = arrived_stay(organisation, coordinator)
    member = membership_of(coordinator, organisation)
    services.stay_cancel(membership=member, stay=stay, ground="security", on=timezone.localdate())

    with pytest.raises(services.StayError):
        services.stay_cancel(membership=member, stay=stay, ground="other", on=timezone.localdate())
    with pytest.raises(services.StayError):
        services.check_in_record(
            membership=member, stay=stay, done_on=timezone.localdate(), mode="call", flags=[]
        )
    assert len(_events(stay, "relocation.stay_cancelled")) == 1


@pytest.mark.parametrize("offset", [-1, 30])
def test_a_cancellation_in_the_future_or_before_the_arrival_is_refused(
    organisation, coordinator, offset
):
    stay = arrived_stay(organisation, coordinator, started_days_ago=10)

    with pytest.raises(services.StayError):
        services.stay_cancel(
            membership=membership_of(coordinator, organisation),
            stay=stay,
            ground="health",
            on=days_ago(offset),
        )
    assert Stay.objects.get(pk=stay.pk).cancelled_on is None


def test_a_returned_stay_cannot_be_cancelled(organisation, coordinator):
    from tests.relocations.factories import returned_stay

    stay = returned_stay(organisation, coordinator)

    with pytest.raises(services.StayError):
        services.stay_cancel(
            membership=membership_of(coordinator, organisation),
            stay=stay,
            ground="other",
            on=timezone.localdate(),
        )


def test_a_caseworker_cannot_cancel(organisation, coordinator, caseworker):
    """Cancelling is the coordinator's decision (STAY_DECIDE); others get "not found"."""
    stay = arrived_stay(organisation, coordinator, caseworker=caseworker)

    with pytest.raises(Http404):
        services.stay_cancel(
            membership=membership_of(caseworker, organisation),
            stay=stay,
            ground="other",
            on=timezone.localdate(),
        )
    assert Stay.objects.get(pk=stay.pk).cancelled_on is None


@pytest.mark.parametrize(
    ("status", "arrived", "target"),
    [
        ("planned", False, "cancelled"),
        ("visa_refused", False, "cancelled"),
        ("travelling", False, "cancelled"),
        ("in_stay", True, "ended"),
        ("extended", True, "ended"),
        ("extension_requested", True, None),
        ("ended", True, None),
        ("cancelled", False, None),
    ],
)
def test_the_relocation_machine_decides_where_cancelling_goes(status, arrived, target):
    from haven.domain.lifecycle import RelocationStatus
    from haven.domain.stay import cancel_target

    assert cancel_target(RelocationStatus(status), arrived=arrived) == target
