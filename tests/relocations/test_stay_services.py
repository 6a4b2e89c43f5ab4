"""
The stay from the accepted offer to the extension, through the real services: the case moves
because records exist, the engines see the stay, and bad input changes nothing.
"""

import datetime

import pytest
from django.http import Http404

from haven.accounts.acting import SYSTEM
from haven.audit.models import AuditEvent
from haven.cases.models import Case, CaseStatus
from haven.cases.selectors import case_facts
from haven.cases.services import assessment_run, derived_requirements
from haven.programmes.models import Application, ApplicationStatus
from haven.relocations import services
from haven.relocations.models import Stay, StayStatus
from haven.vault.keyring import keyring_scope
from tests.programmes.factories import make_programme
from tests.relocations.factories import (
    arrived_stay,
    days_ago,
    host_partner_of,
    membership_of,
    offered_application,
    open_stay,
)

pytestmark = pytest.mark.django_db


def test_accepting_an_offer_opens_the_stay_and_moves_the_case(organisation, coordinator):
    """Issue 12 item 1 and 9: the accepted offer is a Stay, and the case follows by itself."""
    stay = open_stay(organisation, coordinator)

    case = Case.objects.get(pk=stay.case_id)
    assert case.status == CaseStatus.RELOCATION_PREPARATION
    assert Application.objects.get(pk=stay.application_id).status == ApplicationStatus.ACCEPTED
    assert stay.status == StayStatus.PLANNED
    assert stay.host_country == "NL"
    moved = AuditEvent.objects.filter(event_type="case.status_changed", object_id=str(case.pk))
    assert moved.get().data["by_records"] is True


def test_the_case_facts_carry_the_stay_so_the_assessment_sees_it(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)

    with keyring_scope():
        facts = case_facts(membership=SYSTEM, case=Case.objects.get(pk=stay.case_id))

    assert facts["relocation"]["status"] == "in_relocation"
    assert facts["relocation"]["programme_id"] == "harbour_test_fellowship"
    assert facts["relocation"]["end_date"] == stay.planned_end.isoformat()
    assert facts["relocation"]["visa"] == "visa_free"
    assert facts["defender"]["current_country"] == "NL"


def test_arrival_with_visa_and_plan_starts_the_stay_without_a_ticked_box(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)

    case = Case.objects.get(pk=stay.case_id)
    assert case.status == CaseStatus.IN_RELOCATION
    assert stay.status == StayStatus.IN_STAY
    assert {"visa_granted_or_not_needed", "travel_security_plan_recorded", "arrival_confirmed"} <= (
        derived_requirements(case)
    )
    # First check-in due 72 hours after arrival (design default).
    assert stay.next_check_in_due == stay.arrived_on + datetime.timedelta(days=3)


def test_arrival_without_a_travel_plan_leaves_the_case_in_preparation(organisation, coordinator):
    stay = open_stay(organisation, coordinator)
    member = membership_of(coordinator, organisation)
    services.visa_record(membership=member, stay=stay, route="visa_free", outcome="not_required")

    services.arrival_confirm(
        membership=member, stay=stay, arrived_on=stay.planned_start, housing_handed_over=False
    )

    assert Case.objects.get(pk=stay.case_id).status == CaseStatus.RELOCATION_PREPARATION


def test_a_double_submit_of_the_acceptance_opens_one_stay(organisation, coordinator):
    application = offered_application(organisation, coordinator)
    member = membership_of(coordinator, organisation)
    values = {
        "host_city": "Leiden",
        "planned_start": datetime.date(2027, 4, 1),
        "planned_end": datetime.date(2027, 7, 1),
    }
    services.stay_open(membership=member, application=application, **values)

    with pytest.raises(services.StayError, match="already accepted"):
        services.stay_open(membership=member, application=application, **values)
    assert Stay.objects.filter(application=application).count() == 1


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (datetime.date(2027, 4, 1), datetime.date(2027, 4, 1), "after the planned start"),
        (datetime.date(2027, 4, 1), datetime.date(2027, 3, 1), "after the planned start"),
        (datetime.date(2027, 4, 1), datetime.date(2027, 11, 1), "at most 6 months"),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_saved(organisation, coordinator, start, end, message):
    application = offered_application(organisation, coordinator)

    with pytest.raises(services.StayError, match=message):
        services.stay_open(
            membership=membership_of(coordinator, organisation),
            application=application,
            host_city="Leiden",
            planned_start=start,
            planned_end=end,
        )
    assert not Stay.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OFFERED
    assert Case.objects.get(pk=application.case_id).status == CaseStatus.APPLYING


def test_an_extension_past_the_programme_maximum_is_refused(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator, months=3)
    member = membership_of(coordinator, organisation)

    with pytest.raises(services.StayError, match="maximum of 6 months"):
        services.extension_request(
            membership=member,
            stay=stay,
            ground="risk_unchanged",
            requested_end=stay.arrived_on + datetime.timedelta(days=220),
        )


def test_a_granted_extension_moves_the_end_and_is_decided_once(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator, months=3)
    member = membership_of(coordinator, organisation)
    requested_end = stay.planned_end + datetime.timedelta(days=60)
    extension = services.extension_request(
        membership=member, stay=stay, ground="risk_unchanged", requested_end=requested_end
    )
    assert Stay.objects.get(pk=stay.pk).status == StayStatus.EXTENSION_REQUESTED

    services.extension_decide(membership=member, extension=extension, grant=True)

    stay.refresh_from_db()
    assert stay.planned_end == requested_end
    assert stay.status == StayStatus.EXTENDED
    assert stay.extensions_used == 1
    with pytest.raises(services.StayError, match="already decided"):
        services.extension_decide(membership=member, extension=extension, grant=False)


def test_a_caseworker_may_not_decide_an_extension(organisation, coordinator, caseworker):
    stay = arrived_stay(organisation, coordinator, caseworker=caseworker)
    extension = services.extension_request(
        membership=membership_of(caseworker, organisation),
        stay=stay,
        ground="health",
        requested_end=stay.planned_end + datetime.timedelta(days=10),
    )

    with pytest.raises(Http404):
        services.extension_decide(
            membership=membership_of(caseworker, organisation), extension=extension, grant=True
        )


def test_incidents_abroad_feed_risk_on_return_and_sur_place(organisation, coordinator):
    """Issue 12 item 5: recorded incidents and public activity reach the engines by themselves."""
    stay = arrived_stay(organisation, coordinator)
    member = membership_of(coordinator, organisation)
    services.stay_event_record(
        membership=member,
        stay=stay,
        kind="activity",
        details={"type": "media", "date": days_ago(3), "public": True},
    )
    services.stay_event_record(
        membership=member,
        stay=stay,
        kind="incident",
        details={
            "type": "surveillance",
            "date": days_ago(2),
            "severity": "high",
            "home_state_link": True,
        },
        narrative="Followed from the library by two men who spoke the home dialect.",
    )
    case = Case.objects.get(pk=stay.case_id)

    with keyring_scope():
        facts = case_facts(membership=SYSTEM, case=case)
    assessment = assessment_run(
        membership=member,
        case=case,
        staff_risk_level="high",
        defender_risk_level=None,
        staff_decision="",
    )

    abroad = [threat for threat in facts["threats"] if threat.get("after_departure")]
    assert abroad == [
        {
            "kind": "surveillance",
            "date": days_ago(2).isoformat(),
            "actor": "state_security",
            "after_departure": True,
            "directed_at": "defender",
            "reported_to_authorities": False,
        }
    ]
    assert facts["claim"]["sur_place"] == {"activities_abroad": True, "known_to_persecutor": True}
    with keyring_scope():
        assert assessment.facts_input["relocation"]["status"] == "in_relocation"
        assert any(threat.get("after_departure") for threat in assessment.facts_input["threats"])


def test_a_host_partner_of_another_programme_gets_404(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)
    other_programme = make_programme(organisation, catalogue_id="another_fellowship")
    other = host_partner_of(other_programme, organisation, "hugo.otherhost")

    with pytest.raises(Http404):
        services.check_in_record(
            membership=membership_of(other, organisation),
            stay=stay,
            done_on=days_ago(1),
            mode="call",
            flags=[],
        )


def test_a_check_in_in_the_future_is_refused(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)

    with pytest.raises(services.StayError, match="not come"):
        services.check_in_record(
            membership=membership_of(coordinator, organisation),
            stay=stay,
            done_on=days_ago(-2),
            mode="call",
            flags=[],
        )


def test_a_check_in_before_the_arrival_is_refused(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)

    with pytest.raises(services.StayError, match="before the arrival"):
        services.check_in_record(
            membership=membership_of(coordinator, organisation),
            stay=stay,
            done_on=stay.arrived_on - datetime.timedelta(days=1),
            mode="call",
            flags=[],
        )
