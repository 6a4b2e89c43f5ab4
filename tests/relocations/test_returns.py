"""
The return: a review that runs a fresh assessment with risk on return, the options and the
defender's own preference beside the staff decision, the return plan, follow-ups whose threats
enter the threat log, outcomes, and the hand-over point to the asylum bridge.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from haven.cases.engine_messages import render
from haven.cases.models import Case, CaseStatus, Threat
from haven.relocations import returns, services
from haven.relocations.models import FollowUp, StayStatus
from haven.vault.keyring import keyring_scope
from tests.relocations.factories import arrived_stay, days_ago, membership_of

pytestmark = pytest.mark.django_db


def _reviewed(organisation, coordinator, *, preference="return", decision="return"):
    stay = arrived_stay(organisation, coordinator, started_days_ago=80)
    member = membership_of(coordinator, organisation)
    services.check_in_record(
        membership=member, stay=stay, done_on=days_ago(70), mode="call", flags=[]
    )
    services.stay_event_record(
        membership=member,
        stay=stay,
        kind="incident",
        details={"type": "surveillance", "date": days_ago(30), "home_state_link": True},
    )
    review = returns.return_review_open(
        membership=member, stay=stay, staff_risk_level="high", defender_risk_level="critical"
    )
    returns.return_review_decide(
        membership=member,
        stay=stay,
        options=["return", "extension", "asylum"],
        defender_preference=preference,
        staff_decision=decision,
        legal_advice_offered=True,
    )
    return stay, review, member


def test_the_return_review_runs_a_fresh_assessment_with_risk_on_return(organisation, coordinator):
    stay, review, _member = _reviewed(organisation, coordinator)

    with keyring_scope():
        output = review.assessment.output
        facts = review.assessment.facts_input
    assert "risk_on_return" in output
    assert facts["relocation"]["status"] == "in_relocation"
    assert Case.objects.get(pk=stay.case_id).status == CaseStatus.RETURN_REVIEW


def test_the_return_moves_the_case_to_follow_up_and_schedules_follow_ups(organisation, coordinator):
    stay, _review, member = _reviewed(organisation, coordinator)
    returns.return_plan_save(
        membership=member,
        stay=stay,
        security_plan="Met at the airport by a colleague; new phone; first 72 hours at a friend's.",
        contacts="",
        support="Emergency grant applied for.",
    )

    returns.return_record(membership=member, stay=stay, returned_on=days_ago(1))

    stay.refresh_from_db()
    assert stay.status == StayStatus.ENDED
    assert Case.objects.get(pk=stay.case_id).status == CaseStatus.RETURNED_FOLLOW_UP
    due = list(FollowUp.objects.filter(stay=stay).values_list("due_on", flat=True))
    assert due[:2] == [days_ago(0), days_ago(-6)]
    assert len(due) == 6


def test_a_defender_who_does_not_choose_return_is_not_moved_home(organisation, coordinator):
    stay, _review, member = _reviewed(organisation, coordinator, preference="extension")
    returns.return_plan_save(
        membership=member, stay=stay, security_plan="A plan.", contacts="", support=""
    )

    returns.return_record(membership=member, stay=stay, returned_on=days_ago(1))

    assert Case.objects.get(pk=stay.case_id).status == CaseStatus.RETURN_REVIEW


def test_a_return_before_the_arrival_is_refused(organisation, coordinator):
    stay, _review, member = _reviewed(organisation, coordinator)
    returns.return_plan_save(
        membership=member, stay=stay, security_plan="A plan.", contacts="", support=""
    )

    with pytest.raises(services.StayError, match="before the arrival"):
        returns.return_record(
            membership=member, stay=stay, returned_on=stay.arrived_on - datetime.timedelta(days=1)
        )
    stay.refresh_from_db()
    assert stay.ended_on is None
    assert not FollowUp.objects.filter(stay=stay).exists()


def test_a_threat_found_at_follow_up_enters_the_threat_log(organisation, coordinator):
    stay, _review, member = _reviewed(organisation, coordinator)
    returns.return_plan_save(
        membership=member, stay=stay, security_plan="Plan.", contacts="", support=""
    )
    returns.return_record(membership=member, stay=stay, returned_on=days_ago(2))
    first = FollowUp.objects.filter(stay=stay).order_by("due_on").first()
    before = Threat.objects.filter(case_id=stay.case_id).count()

    returns.follow_up_record(
        membership=member, follow_up=first, done_on=days_ago(1), status="threatened"
    )

    assert Threat.objects.filter(case_id=stay.case_id).count() == before + 1
    with pytest.raises(services.StayError, match="already recorded"):
        returns.follow_up_record(
            membership=member, follow_up=first, done_on=days_ago(1), status="safe"
        )


def test_a_decision_for_asylum_calls_the_asylum_bridge_hand_over(organisation, coordinator):
    handed_over = []
    returns.register_asylum_handover(lambda member, stay, review: handed_over.append(stay.pk))
    try:
        stay, _review, _member = _reviewed(
            organisation, coordinator, preference="asylum", decision="asylum"
        )
    finally:
        returns._ASYLUM_HANDOVERS.clear()

    assert handed_over == [stay.pk]
    assert Case.objects.get(pk=stay.case_id).status == CaseStatus.RETURN_REVIEW


def test_the_outcome_is_encrypted_and_labelled(organisation, coordinator):
    stay, _review, member = _reviewed(organisation, coordinator)

    returns.outcome_record(membership=member, stay=stay, outcome="sought_asylum", on=days_ago(0))

    with keyring_scope():
        stay.refresh_from_db()
        assert stay.outcome_label() == "Sought asylum"
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome FROM relocations_stay")
        (raw,) = cursor.fetchone()
    assert raw and b"sought_asylum" not in bytes(raw)


def test_the_return_reviews_risk_on_return_reads_in_the_readers_language(
    organisation, coordinator, sign_in_as
):
    """Issue 15 item 1: the risk-on-return reasons on the stay page come through their keys."""
    stay, review, _member = _reviewed(organisation, coordinator)
    with keyring_scope():
        reasons = review.assessment.output["risk_on_return"]["reasons"]
        keyed = review.assessment.output_messages["risk_on_return"]["reasons"]
    client = sign_in_as(coordinator)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})

    page = client.get(reverse("relocations:detail", kwargs={"stay_id": stay.pk})).content.decode()

    with translation.override("es"):
        spanish = [render(entry) for entry in keyed]
    assert reasons and spanish != reasons
    assert all(escape(reason) not in page for reason in reasons if reason not in spanish)
    assert escape(spanish[0]) in page
    assert '<ul lang="es" dir="ltr">' in page
