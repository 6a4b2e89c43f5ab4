"""
Issue 15, item 6: matching respects the date a defender must leave by and the persecutor's reach,
says so as an exclusion with the country or the dates, and a coordinator can take one placement
out of a proposal before approving the rest. Fictional people only.
"""

import datetime
import uuid

import pytest
from django.db import connection
from django.http import Http404
from django.urls import reverse

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.organisations.models import Membership
from haven.programmes.matching_problem import (
    EXCLUDED_AFTER_MUST_LEAVE_BY,
    EXCLUDED_PERSECUTOR_REACH,
    EXCLUDED_START_NOT_KNOWN,
)
from haven.programmes.models import Application, MatchingRun, PersecutorReach
from haven.programmes.review import run_review
from haven.programmes.services import (
    ProgrammeError,
    matching_limits_set,
    matching_run_approve,
    matching_run_create,
    matching_run_remove_placement,
    persecutor_reach_set,
)
from tests.acting import acting
from tests.programmes.factories import (
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)

pytestmark = pytest.mark.django_db

REMOVAL_REASON = "canary-removal: her lawyer asks to wait for the court date"


def member(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


def run_for(coordinator, organisation, windows):
    return matching_run_create(
        membership=acting(coordinator), organisation=organisation, windows=windows
    )


def options(run, case):
    entry = next(item for item in run.problem["applicants"] if item["id"] == str(case.pk))
    return [option["placement"] for option in entry["options"]]


def test_a_stay_starting_after_the_must_leave_by_date_is_never_proposed(organisation, coordinator):
    """Stays starting 1 April and 1 June; she must leave by 15 April: only April is an option."""
    programme = make_programme(organisation)
    april = make_window(programme, name="April cohort")
    june = make_window(
        programme,
        name="June cohort",
        stay_starts_on=datetime.date(2027, 6, 1),
        stay_ends_on=datetime.date(2027, 9, 1),
    )
    case = open_fictional_case(organisation)
    submitted_application(coordinator, case, programme)
    matching_limits_set(
        membership=acting(coordinator),
        case=case,
        host_countries=[],
        must_leave_by=datetime.date(2027, 4, 15),
    )

    run = run_for(coordinator, organisation, [april, june])

    assert options(run, case) == [str(april.pk)]
    entry = run.detail["applicants"][str(case.pk)]
    assert entry["excluded"] == {str(june.pk): EXCLUDED_AFTER_MUST_LEAVE_BY}
    assert entry["must_leave_by"] == "2027-04-15"
    assert [item["placement"] for item in run.result["assignments"]] == [str(april.pk)]


def test_the_must_leave_by_exclusion_holds_even_when_it_leaves_her_unplaced(
    organisation, coordinator
):
    """With only a late window, she is not placed and the review gives both dates in words."""
    programme = make_programme(organisation)
    june = make_window(
        programme,
        name="June cohort",
        stay_starts_on=datetime.date(2027, 6, 1),
        stay_ends_on=datetime.date(2027, 9, 1),
    )
    case = open_fictional_case(organisation)
    submitted_application(coordinator, case, programme)
    matching_limits_set(
        membership=acting(coordinator),
        case=case,
        host_countries=[],
        must_leave_by=datetime.date(2027, 4, 15),
    )

    run = run_for(coordinator, organisation, [june])
    review = run_review(member(coordinator, organisation), run)

    assert run.result["assignments"] == []
    [row] = review.unplaced
    [reason] = row.reasons
    assert "June cohort" in reason
    assert "June 1, 2027" in reason and "April 15, 2027" in reason
    assert "must leave by" in reason


def test_a_window_without_a_start_date_is_excluded_while_a_date_to_leave_by_is_set(
    organisation, coordinator
):
    """An unknown start cannot be shown to be in time; without a date to leave by it is offered."""
    programme = make_programme(organisation)
    undated = make_window(programme, stay_starts_on=None, stay_ends_on=None)
    pressed = open_fictional_case(organisation)
    free = open_fictional_case(organisation)
    for case in (pressed, free):
        submitted_application(coordinator, case, programme)
    matching_limits_set(
        membership=acting(coordinator),
        case=pressed,
        host_countries=[],
        must_leave_by=datetime.date(2027, 4, 15),
    )

    run = run_for(coordinator, organisation, [undated])

    assert options(run, pressed) == []
    assert run.detail["applicants"][str(pressed.pk)]["excluded"] == {
        str(undated.pk): EXCLUDED_START_NOT_KNOWN
    }
    assert options(run, free) == [str(undated.pk)]


def test_the_persecutor_reach_exclusion_names_the_country(organisation, coordinator):
    """The review says which reached country excludes the window, by name."""
    programme = make_programme(organisation, host_countries=["NL", "GE"])
    not_fixed = make_window(programme, name="Open cohort")
    case = open_fictional_case(organisation)
    submitted_application(coordinator, case, programme)
    persecutor_reach_set(membership=acting(coordinator), case=case, host_countries=["GE"])

    run = run_for(coordinator, organisation, [not_fixed])
    review = run_review(member(coordinator, organisation), run)

    entry = run.detail["applicants"][str(case.pk)]
    assert entry["excluded"] == {str(not_fixed.pk): EXCLUDED_PERSECUTOR_REACH}
    assert entry["reached"] == {str(not_fixed.pk): ["GE"]}
    [row] = review.unplaced
    assert any("persecutor is known to reach Georgia" in reason for reason in row.reasons)


def test_the_limits_are_encrypted_and_audited_without_their_content(organisation, coordinator):
    """The countries and the date are sealed under the case's key; the event holds counts only."""
    case = open_fictional_case(organisation)

    matching_limits_set(
        membership=member(coordinator, organisation),
        case=case,
        host_countries=["GE", "AM"],
        must_leave_by=datetime.date(2027, 4, 15),
    )
    persecutor_reach_set(
        membership=member(coordinator, organisation), case=case, host_countries=["GE"]
    )

    assert PersecutorReach.objects.get().must_leave_by == datetime.date(2027, 4, 15)
    with connection.cursor() as cursor:
        cursor.execute("SELECT host_countries, must_leave_by FROM programmes_persecutorreach")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert "2027" not in stored and "GE" not in stored
    events = AuditEvent.objects.filter(event_type=EventType.PERSECUTOR_REACH_UPDATED)
    assert [event.data for event in events.order_by("seq")] == [
        {"countries": 2, "must_leave_by": True},
        {"countries": 1, "must_leave_by": True},
    ]


def test_the_date_to_leave_by_is_set_through_the_case_applications_page(
    organisation, coordinator, sign_in_as
):
    """The form on the case's applications page saves the countries and the date together."""
    case = open_fictional_case(organisation)
    client = sign_in_as(coordinator)
    url = reverse("programmes:case_persecutor_reach", kwargs={"case_id": case.pk})

    client.post(url, {"host_countries": "Georgia", "must_leave_by": "2027-04-15"})
    page = client.get(
        reverse("programmes:case_applications", kwargs={"case_id": case.pk})
    ).content.decode()

    record = PersecutorReach.objects.get()
    assert record.host_countries == ["GE"]
    assert record.must_leave_by == datetime.date(2027, 4, 15)
    assert 'value="2027-04-15"' in page


# Taking one placement out of a proposal -----------------------------------------------------------


def two_placed(organisation, coordinator):
    window = make_window(make_programme(organisation), places=2)
    cases = [open_fictional_case(organisation) for _ in range(2)]
    for case in cases:
        submitted_application(coordinator, case, window.programme)
    return window, cases, run_for(coordinator, organisation, [window])


def test_a_coordinator_takes_one_placement_out_and_approves_the_rest(organisation, coordinator):
    """One placement is removed with a reason; approval offers only the other; all audited."""
    window, (kept, removed), run = two_placed(organisation, coordinator)
    assert len(run.result["assignments"]) == 2

    matching_run_remove_placement(
        membership=member(coordinator, organisation),
        run=run,
        case_id=str(removed.pk),
        reason=REMOVAL_REASON,
    )
    offered = matching_run_approve(membership=acting(coordinator), run=MatchingRun.objects.get())

    assert [application.case_id for application in offered] == [kept.pk]
    assert Application.objects.get(case=removed).status == "submitted"
    stored = MatchingRun.objects.get()
    assert len(stored.result["assignments"]) == 2, "the matcher's proposal is kept as it was"
    assert stored.detail["removed"][str(removed.pk)]["reason"] == REMOVAL_REASON
    with connection.cursor() as cursor:
        cursor.execute("SELECT detail FROM programmes_matchingrun")
        assert "canary-removal" not in str(cursor.fetchone()[0])
    event = AuditEvent.objects.get(event_type=EventType.MATCHING_PLACEMENT_REMOVED)
    assert event.data == {"case_id": str(removed.pk), "window_id": str(window.pk)}
    review = run_review(member(coordinator, organisation), stored)
    assert [row.case_id for row in review.placements] == [str(kept.pk)]
    [out] = review.removed
    assert out.case_id == str(removed.pk) and out.removed_reason == REMOVAL_REASON
    assert out.removed_by == coordinator.username


def test_a_removal_is_refused_without_reason_twice_after_approval_or_for_a_stranger(
    organisation, coordinator, outsider
):
    """Short reason, unknown case, second removal, approved run: refused; another org: 404."""
    _window, (first, _second), run = two_placed(organisation, coordinator)
    coordinator_member = member(coordinator, organisation)

    with pytest.raises(ProgrammeError):
        matching_run_remove_placement(
            membership=coordinator_member, run=run, case_id=str(first.pk), reason="short"
        )
    with pytest.raises(ProgrammeError):
        matching_run_remove_placement(
            membership=coordinator_member, run=run, case_id=str(uuid.uuid4()), reason=REMOVAL_REASON
        )
    with pytest.raises(Http404):
        matching_run_remove_placement(
            membership=acting(outsider), run=run, case_id=str(first.pk), reason=REMOVAL_REASON
        )
    matching_run_remove_placement(
        membership=coordinator_member, run=run, case_id=str(first.pk), reason=REMOVAL_REASON
    )
    with pytest.raises(ProgrammeError):
        matching_run_remove_placement(
            membership=coordinator_member, run=run, case_id=str(first.pk), reason=REMOVAL_REASON
        )
    matching_run_approve(membership=acting(coordinator), run=run)
    with pytest.raises(ProgrammeError, match="approved already"):
        matching_run_remove_placement(
            membership=coordinator_member, run=run, case_id=str(_second.pk), reason=REMOVAL_REASON
        )

    assert AuditEvent.objects.filter(event_type=EventType.MATCHING_PLACEMENT_REMOVED).count() == 1


def test_the_review_page_takes_a_placement_out(organisation, coordinator, sign_in_as):
    """Each proposed placement has its own form on the review page; the POST removes one."""
    _window, (first, _second), run = two_placed(organisation, coordinator)
    client = sign_in_as(coordinator)
    page = client.get(reverse("programmes:run", kwargs={"run_id": run.pk})).content.decode()

    response = client.post(
        reverse("programmes:run_remove_placement", kwargs={"run_id": run.pk}),
        {"case": str(first.pk), "reason": REMOVAL_REASON},
        follow=True,
    )

    assert page.count("Take it out; keep the others") == 2
    assert 'id="id_remove_0_reason"' in page and 'id="id_remove_1_reason"' in page
    assert str(first.pk) in MatchingRun.objects.get().detail["removed"]
    text = response.content.decode()
    assert "Taken out of this proposal" in text and REMOVAL_REASON in text
    assert text.count("Take it out; keep the others") == 1
