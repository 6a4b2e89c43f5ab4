"""
Matching runs: the problem Haven builds from applications (tiers, scores, exclusions, capacity),
the proposal and its approval into offers, all audited.
"""

import gc

import pytest
from django.db import connection

from haven.accounts.acting import SYSTEM
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.selectors import case_facts
from haven.cases.services import assessment_run
from haven.domain.facts import parse_facts
from haven.domain.matching.problem import document_sha256
from haven.domain.placement_fit import PREFERENCE_POINTS
from haven.organisations.models import Membership
from haven.programmes.catalogue import case_facts_documents
from haven.programmes.matching_problem import (
    EXCLUDED_NOT_AVAILABLE,
    EXCLUDED_NOT_ELIGIBLE,
    EXCLUDED_PERSECUTOR_REACH,
    EXCLUDED_UNCLEAR,
    applicant_tier,
    tier_parts,
)
from haven.programmes.models import Application, MatchingRun
from haven.programmes.review import run_review
from haven.programmes.services import (
    ProgrammeError,
    application_change_status,
    application_create,
    matching_run_approve,
    matching_run_create,
    persecutor_reach_set,
)
from haven.vault.keyring import keyring_scope
from tests.acting import acting
from tests.programmes.factories import (
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)
from tests.programmes.fictional_facts import CRITICAL_THREATS


def applicant(run, case):
    return next(item for item in run.problem["applicants"] if item["id"] == str(case.pk))


def run_for(coordinator, organisation, windows, **kwargs):
    return matching_run_create(
        membership=acting(coordinator), organisation=organisation, windows=windows, **kwargs
    )


def test_tiers_come_from_the_risk_engine_when_no_assessment_is_recorded(organisation, coordinator):
    """
    Routine cases never assessed sit at the first tier of their risk band: critical 10, the
    default fictional threat high (7), no threats low (1).
    """
    programme = make_programme(organisation)
    window = make_window(programme, places=5)
    cases = {
        10: open_fictional_case(organisation, threats=CRITICAL_THREATS, visibility="high"),
        7: open_fictional_case(organisation),
        1: open_fictional_case(organisation, threats=[]),
    }
    for case in cases.values():
        submitted_application(coordinator, case, programme, window)

    run = run_for(coordinator, organisation, [window])

    assert {tier: applicant(run, case)["tier"] for tier, case in cases.items()} == {
        10: 10,
        7: 7,
        1: 1,
    }
    assert {entry["risk_source"] for entry in run.detail["applicants"].values()} == {"engine"}


def test_the_latest_recorded_assessment_decides_the_risk(organisation, coordinator):
    """
    A case the engine rates low on its facts, whose latest assessment records a critical staff
    level, is matched at the critical band; an older assessment does not count.
    """
    programme = make_programme(organisation)
    window = make_window(programme, places=5)
    case = open_fictional_case(organisation, threats=[])
    membership = Membership.objects.get(user=coordinator, organisation=organisation)
    for staff_level in ("low", "critical"):
        assessment_run(
            membership=membership,
            case=case,
            staff_risk_level=staff_level,
            defender_risk_level=None,
            staff_decision="",
        )
    submitted_application(coordinator, case, programme, window)

    run = run_for(coordinator, organisation, [window])

    assert applicant(run, case)["tier"] == applicant_tier("critical", "routine") == 10
    assert run.detail["applicants"][str(case.pk)]["risk_source"] == "assessment"


def test_urgency_raises_the_tier_within_its_risk_band_only(organisation, coordinator):
    """
    Of two cases at the same risk the emergency one is two tiers higher and the priority one
    one higher; an emergency at low risk still ranks below a routine case at high risk.
    """
    programme = make_programme(organisation)
    window = make_window(programme, places=5)
    routine_high = open_fictional_case(organisation)
    priority_high = open_fictional_case(organisation, urgency="priority")
    emergency_high = open_fictional_case(organisation, urgency="emergency")
    emergency_low = open_fictional_case(organisation, threats=[], urgency="emergency")
    for case in (routine_high, priority_high, emergency_high, emergency_low):
        submitted_application(coordinator, case, programme, window)

    run = run_for(coordinator, organisation, [window])

    base = applicant(run, routine_high)["tier"]
    assert applicant(run, priority_high)["tier"] == base + 1
    assert applicant(run, emergency_high)["tier"] == base + 2
    assert applicant(run, emergency_low)["tier"] < base


def test_a_defender_available_after_the_stay_starts_is_excluded_with_a_reason(
    organisation, coordinator
):
    """The window's stay starts on 1 April; a defender free only from 1 May is not proposed."""
    window = make_window(make_programme(organisation), places=2)
    late = open_fictional_case(organisation, available_from="2027-05-01")
    on_time = open_fictional_case(organisation, available_from="2027-04-01")
    for case in (late, on_time):
        submitted_application(coordinator, case, window.programme, window)

    run = run_for(coordinator, organisation, [window])

    assert applicant(run, late)["options"] == []
    assert run.detail["applicants"][str(late.pk)]["excluded"] == {
        str(window.pk): EXCLUDED_NOT_AVAILABLE
    }
    assert [item["applicant"] for item in run.result["assignments"]] == [str(on_time.pk)]
    review = run_review(Membership.objects.get(user=coordinator, organisation=organisation), run)
    [unplaced] = review.unplaced
    assert "available only after" in unplaced.reasons[0]


def test_the_stored_run_is_sealed(organisation, coordinator):
    """
    The problem, result and review detail are ciphertext in the database (CRY-01): neither a
    case id nor a tier can be read from the columns, and the run still reads back whole.
    """
    window = make_window(make_programme(organisation))
    case = open_fictional_case(organisation)
    submitted_application(coordinator, case, window.programme, window)

    run = run_for(coordinator, organisation, [window])

    table = MatchingRun._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT problem, result, detail FROM {table} WHERE id = %s",  # noqa: S608
            [MatchingRun._meta.pk.get_db_prep_value(run.pk, connection)],
        )
        columns = [bytes(column) for column in cursor.fetchone()]
    for column in columns:
        assert str(case.pk).encode() not in column
        assert b"tier" not in column
        assert b"applicants" not in column
    fresh = MatchingRun.objects.get(pk=run.pk)
    assert applicant(fresh, case)["tier"] == applicant(run, case)["tier"]
    assert fresh.result == run.result


def test_scores_follow_fit_and_the_defenders_ranking(organisation, coordinator):
    """A first-ranked programme scores more than a third-ranked one, by the preference points."""
    first = make_programme(organisation, catalogue_id="first_fellowship")
    third = make_programme(organisation, catalogue_id="third_fellowship")
    windows = [make_window(first), make_window(third)]
    case = open_fictional_case(organisation)
    submitted_application(coordinator, case, first, rank=1)
    submitted_application(coordinator, case, third, rank=3)

    run = run_for(coordinator, organisation, windows)

    scores = {option["placement"]: option["score"] for option in applicant(run, case)["options"]}
    assert scores[str(windows[0].pk)] - scores[str(windows[1].pk)] == (
        PREFERENCE_POINTS[1] - PREFERENCE_POINTS[3]
    )
    components = run.detail["applicants"][str(case.pk)]["components"][str(windows[0].pk)]
    assert components["preference"] == PREFERENCE_POINTS[1]
    assert sum(components.values()) == scores[str(windows[0].pk)]


def test_a_case_with_two_applications_is_one_applicant(organisation, coordinator):
    """Two applications of one case make one applicant with two options: never placed twice."""
    programmes = [make_programme(organisation, catalogue_id=f"fellowship_{n}") for n in (1, 2)]
    windows = [make_window(programme, places=3) for programme in programmes]
    case = open_fictional_case(organisation)
    for programme in programmes:
        submitted_application(coordinator, case, programme)

    run = run_for(coordinator, organisation, windows)

    assert len(run.problem["applicants"]) == 1
    assert len(applicant(run, case)["options"]) == 2
    assert len(run.result["assignments"]) == 1


def test_a_host_country_the_persecutor_reaches_is_excluded(organisation, coordinator):
    """Staff's persecutor-reach list removes the option whatever the score (security before fit)."""
    programme = make_programme(organisation, host_countries=["NL", "GE"])
    fixed_elsewhere = make_window(programme, host_country="NL")
    not_fixed = make_window(programme)
    case = open_fictional_case(organisation)
    submitted_application(coordinator, case, programme)
    persecutor_reach_set(membership=acting(coordinator), case=case, host_countries=["GE"])

    run = run_for(coordinator, organisation, [fixed_elsewhere, not_fixed])

    options = [option["placement"] for option in applicant(run, case)["options"]]
    assert options == [str(fixed_elsewhere.pk)]
    excluded = run.detail["applicants"][str(case.pk)]["excluded"]
    assert excluded == {str(not_fixed.pk): EXCLUDED_PERSECUTOR_REACH}


def test_not_eligible_and_unclear_cases_get_no_options(organisation, coordinator):
    """Only eligible pairs become options; the others carry the engine's verdict as the reason."""
    programme = make_programme(organisation, languages_required=["en"], family_allowed=None)
    window = make_window(programme)
    no_language = open_fictional_case(organisation, languages=["es"])
    with_family = open_fictional_case(
        organisation, dependants=[{"relation": "child", "would_accompany": True}]
    )
    for case in (no_language, with_family):
        submitted_application(coordinator, case, programme)

    run = run_for(coordinator, organisation, [window])

    for case, code in ((no_language, EXCLUDED_NOT_ELIGIBLE), (with_family, EXCLUDED_UNCLEAR)):
        assert applicant(run, case)["options"] == []
        assert run.detail["applicants"][str(case.pk)]["excluded"] == {str(window.pk): code}
    assert run.result["assignments"] == []


def test_families_need_beds_when_windows_count_them(organisation, coordinator):
    """With beds declared, a household of three demands three beds and one place."""
    window = make_window(make_programme(organisation), places=2, beds=2)
    case = open_fictional_case(
        organisation,
        dependants=[
            {"relation": "child", "would_accompany": True},
            {"relation": "partner", "would_accompany": True},
        ],
    )
    submitted_application(coordinator, case, window.programme)

    run = run_for(coordinator, organisation, [window])

    assert applicant(run, case)["demand"] == {"beds": 3, "places": 1}
    [unplaced] = run.result["unplaced"]
    assert "can never hold them" in unplaced["reasons"][0]


def test_offers_already_made_use_up_capacity(organisation, coordinator):
    """A second run sees only the room left after the first run's offers."""
    window = make_window(make_programme(organisation), places=1)
    first, second = open_fictional_case(organisation), open_fictional_case(organisation)
    submitted_application(coordinator, first, window.programme, window)
    matching_run_approve(
        membership=acting(coordinator), run=run_for(coordinator, organisation, [window])
    )
    submitted_application(coordinator, second, window.programme, window)

    run = run_for(coordinator, organisation, [window])

    assert run.problem["placements"][0]["capacity"] == {"places": 0}
    assert run.result["assignments"] == []


def test_the_most_urgent_case_takes_the_last_place(organisation, coordinator):
    """One place, two eligible cases: the critical one is proposed, the other is told why not."""
    window = make_window(make_programme(organisation), places=1)
    urgent = open_fictional_case(organisation, threats=CRITICAL_THREATS, visibility="high")
    calmer = open_fictional_case(organisation, threats=[])
    submitted_application(coordinator, calmer, window.programme, window, rank=1)
    submitted_application(coordinator, urgent, window.programme, window)

    run = run_for(coordinator, organisation, [window])

    placed = [(item["applicant"], item["placement"]) for item in run.result["assignments"]]
    assert placed == [(str(urgent.pk), str(window.pk))]
    [unplaced] = run.result["unplaced"]
    assert unplaced["applicant"] == str(calmer.pk)
    assert "higher tiers" in unplaced["reasons"][0]
    assert run.result["baseline"]["placed_by_tier"] == {"10": 1, "1": 0}
    assert run.input_sha256 == run.result["input_sha256"]
    with keyring_scope():  # the hash is the stored document's own, though encoded only once
        assert run.input_sha256 == document_sha256(MatchingRun.objects.get(pk=run.pk).problem)
    assert run.engine_version == run.result["engine_version"]


def test_a_run_end_to_end_proposes_then_offers_on_approval(organisation, coordinator):
    """Nothing is offered until approval; approval offers every placement, all audited."""
    programme = make_programme(organisation)
    window = make_window(programme, places=2)
    cases = [open_fictional_case(organisation) for _ in range(3)]
    applications = [submitted_application(coordinator, case, programme) for case in cases]

    run = run_for(coordinator, organisation, [window], seed=7)

    assert run.status == "proposed"
    assert set(Application.objects.values_list("status", flat=True)) == {"submitted"}
    created = AuditEvent.objects.get(event_type=EventType.MATCHING_RUN_CREATED)
    assert created.data["applicants"] == 3 and created.data["placed"] == 2

    offered = matching_run_approve(membership=acting(coordinator), run=run)

    assert len(offered) == 2
    assert all(item.intake_window_id == window.pk for item in offered)
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["offered", "offered", "submitted"]
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by == coordinator
    approved = AuditEvent.objects.get(event_type=EventType.MATCHING_RUN_APPROVED)
    assert sorted(approved.data["offers"]) == sorted(str(item.pk) for item in offered)
    offers = AuditEvent.objects.filter(
        event_type=EventType.APPLICATION_STATUS_CHANGED, data__to="offered"
    )
    assert {event.data["matching_run_id"] for event in offers} == {str(run.pk)}
    assert {event.data["intake_window_id"] for event in offers} == {str(window.pk)}
    assert {str(a.pk) for a in applications} >= {str(item.pk) for item in offered}


def test_approval_is_all_or_nothing_when_an_application_changed(organisation, coordinator):
    """If a proposed applicant withdrew meanwhile, nothing is offered and the run stays proposed."""
    window = make_window(make_programme(organisation), places=2)
    first, second = (
        submitted_application(coordinator, open_fictional_case(organisation), window.programme)
        for _ in range(2)
    )
    run = run_for(coordinator, organisation, [window])
    application_change_status(
        membership=acting(coordinator), application=second, status="withdrawn"
    )

    with pytest.raises(ProgrammeError, match="run matching again"):
        matching_run_approve(membership=acting(coordinator), run=run)

    first.refresh_from_db()
    run.refresh_from_db()
    assert first.status == "submitted"
    assert run.status == "proposed"
    assert not AuditEvent.objects.filter(event_type=EventType.MATCHING_RUN_APPROVED).exists()


def test_a_run_is_approved_once(organisation, coordinator):
    """A second approval is refused: offers are made once."""
    window = make_window(make_programme(organisation))
    submitted_application(coordinator, open_fictional_case(organisation), window.programme)
    run = run_for(coordinator, organisation, [window])
    matching_run_approve(membership=acting(coordinator), run=run)

    with pytest.raises(ProgrammeError, match="approved already"):
        matching_run_approve(membership=acting(coordinator), run=run)


def test_a_run_without_applicants_or_with_foreign_windows_is_refused(
    organisation, other_organisation, coordinator
):
    """No waiting application, or another organisation's window: refused, no run stored."""
    window = make_window(make_programme(organisation))
    foreign = make_window(make_programme(other_organisation))
    draft_only = open_fictional_case(organisation)
    application_create(
        membership=acting(coordinator), case=draft_only, programme=window.programme, route="applied"
    )

    with pytest.raises(ProgrammeError, match="No submitted or shortlisted"):
        run_for(coordinator, organisation, [window])
    with pytest.raises(ProgrammeError, match="this organisation's"):
        run_for(coordinator, organisation, [window, foreign])
    with pytest.raises(ProgrammeError, match="at least one"):
        run_for(coordinator, organisation, [])
    assert not MatchingRun.objects.exists()


def test_an_offered_family_holds_its_beds(organisation, coordinator):
    """Beds held by an offered household of two are not offered again: one bed is left of three."""
    window = make_window(make_programme(organisation), places=3, beds=3)
    child = [{"relation": "child", "would_accompany": True}]
    offered_family = open_fictional_case(organisation, dependants=child)
    submitted_application(coordinator, offered_family, window.programme, window)
    matching_run_approve(
        membership=acting(coordinator), run=run_for(coordinator, organisation, [window])
    )
    submitted_application(
        coordinator, open_fictional_case(organisation, dependants=child), window.programme, window
    )

    run = run_for(coordinator, organisation, [window])

    assert run.problem["placements"][0]["capacity"] == {"beds": 1, "places": 2}
    assert run.result["assignments"] == []


def test_facts_read_in_bulk_equal_the_cases_own_facts_document(organisation, coordinator):
    """
    A run reads every case's threats, prosecutions and dependants in one query per table; the
    documents it builds are exactly what the cases app builds for each case alone, less the
    threats' narratives, which the engines never read: parsed, they are the same facts.
    """
    noted = [
        {**threat, "note": "Seen outside the office twice (fictional)."}
        for threat in CRITICAL_THREATS
    ]
    cases = [
        open_fictional_case(organisation, threats=noted, visibility="high"),
        open_fictional_case(
            organisation, threats=[], dependants=[{"relation": "child", "would_accompany": True}]
        ),
        open_fictional_case(organisation),
    ]

    with keyring_scope():
        read = case_facts_documents(organisation.pk, (case.pk for case in cases))
        expected = {
            case.pk: (case.urgency, case_facts(membership=SYSTEM, case=case)) for case in cases
        }

    assert any("note" in threat for threat in expected[cases[0].pk][1]["threats"])
    for document in (facts for _urgency, facts in expected.values()):
        for threat in document.get("threats", []):
            threat.pop("note", None)
    assert {case_id: (case.urgency, case.facts) for case_id, case in read.items()} == expected
    assert parse_facts(read[cases[0].pk].facts) == parse_facts(
        case_facts(membership=SYSTEM, case=cases[0])
    )
    assert len(read[cases[0].pk].facts["threats"]) == len(CRITICAL_THREATS)
    assert read[cases[1].pk].facts["defender"]["dependants"][0]["relation"] == "child"


@pytest.mark.parametrize("risk_level", ["low", "medium", "high", "critical"])
@pytest.mark.parametrize("urgency", ["routine", "priority", "emergency"])
def test_a_tier_says_which_risk_and_urgency_made_it(risk_level, urgency):
    """Every tier reads back as the risk level and urgency it was built from."""
    assert tier_parts(applicant_tier(risk_level, urgency)) == (risk_level, urgency)


def test_the_review_explains_each_tier(organisation, coordinator):
    """The run review words each tier: risk, where the risk comes from, and urgency."""
    window = make_window(make_programme(organisation), places=1)
    case = open_fictional_case(organisation, threats=[], urgency="emergency")
    submitted_application(coordinator, case, window.programme, window)

    review = run_review(
        Membership.objects.get(user=coordinator, organisation=organisation),
        run_for(coordinator, organisation, [window]),
    )

    [row] = review.placements
    assert row.tier_reason.startswith("risk Low, urgency Emergency")
    assert "no assessment recorded" in row.tier_reason


def test_a_run_leaves_the_garbage_collector_as_it_found_it(organisation, coordinator):
    """
    Building a run pauses the cyclic collector (a process-wide switch), so it must be back on
    afterwards, after a refusal too, and stay off if something else had turned it off.
    """
    window = make_window(make_programme(organisation))
    submitted_application(coordinator, open_fictional_case(organisation), window.programme, window)
    empty = make_window(make_programme(organisation, catalogue_id="gc_empty"))

    assert gc.isenabled()
    run_for(coordinator, organisation, [window])
    assert gc.isenabled()
    with pytest.raises(ProgrammeError, match="No submitted or shortlisted"):
        run_for(coordinator, organisation, [empty])
    assert gc.isenabled()

    gc.disable()
    try:
        run_for(coordinator, organisation, [window])
        assert not gc.isenabled()
    finally:
        gc.enable()
