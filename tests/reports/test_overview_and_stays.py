"""
The coordinator's overview and the report's stay and stage tables (issue 16).

The overview is for coordinators only (404 for an analyst, AZ-01); the stay tables are suppressed
like every other table (no count from 1 to 4), and time in stage counts each stage a case left.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.cases.models import Case, CaseStatus, StatusChange
from haven.cases.services import case_erasure_request
from haven.organisations.models import Role
from haven.portal.models import Referral
from haven.relocations.models import STAY_STATUSES, Stay, StayStatus
from haven.reports.overview import coordinator_overview
from haven.reports.selectors import analyst_report
from haven.reports.tables import COMPLEMENT, SMALL
from tests.acting import acting
from tests.cases.factories import open_canary_case
from tests.conftest import make_member
from tests.relocations.factories import open_stay
from tests.web.url_walk import _referral


@pytest.fixture
def analyst(organisation):
    return make_member(organisation, Role.ANALYST, "ana.analyst")


def _cell(table, label):
    return next(row for row in table.rows if row.label == str(label)).cells[0]


def test_stays_are_counted_by_stage_and_small_counts_hidden(organisation, coordinator, analyst):
    stays = [open_stay(organisation, coordinator) for _i in range(7)]
    Stay.objects.filter(pk__in=[s.pk for s in stays[:5]]).update(status=StayStatus.IN_STAY)

    report = analyst_report(membership=acting(analyst))

    by_stage = report.table("stays-by-stage")
    # Two planned stays read "<5"; the five in the stay are hidden too, or 7 - 5 would give 2 away.
    assert _cell(by_stage, STAY_STATUSES.label(StayStatus.PLANNED)).text == SMALL
    assert _cell(by_stage, STAY_STATUSES.label(StayStatus.IN_STAY)).text == COMPLEMENT
    assert by_stage.totals[0].text == "7"
    texts = [c for table in report.tables for line in table.csv_rows()[1:] for c in line[1:]]
    assert not {"1", "2", "3", "4"} & set(texts)


def test_time_in_stage_counts_each_stage_a_case_left(organisation, coordinator, analyst):
    cases = [open_canary_case(organisation, coordinator, suffix=str(i)) for i in range(6)]
    opened = timezone.now() - datetime.timedelta(days=40)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(created_at=opened)
    for case in cases:
        # Intake for 3 days, then screening for 20 days, then assessment (still there).
        for start, days, before, after in [
            (opened, 3, CaseStatus.INTAKE, CaseStatus.SCREENING),
            (opened + datetime.timedelta(days=3), 20, CaseStatus.SCREENING, CaseStatus.ASSESSMENT),
        ]:
            StatusChange.objects.create(
                organisation=organisation,
                case=case,
                from_status=before,
                to_status=after,
                recorded_at=start + datetime.timedelta(days=days),
            )

    table = analyst_report(membership=acting(analyst)).table("time-in-stage")

    rows = {row.label: [cell.text for cell in row.cells] for row in table.rows}
    assert rows["Intake"] == ["6", "0", "0", "0"]
    assert rows["Screening"] == ["0", "6", "0", "0"]
    assert "Risk assessment" not in rows  # no case has left it yet


def test_the_report_query_count_does_not_grow_with_stays(organisation, coordinator, analyst):
    open_stay(organisation, coordinator)
    with CaptureQueriesContext(connection) as few:
        analyst_report(membership=acting(analyst))
    for _i in range(5):
        open_stay(organisation, coordinator)
    with CaptureQueriesContext(connection) as many:
        analyst_report(membership=acting(analyst))
    assert len(many) == len(few)


def test_the_overview_is_for_coordinators_only(organisation, coordinator, analyst, sign_in_as):
    assert sign_in_as(analyst).get(reverse("reports:overview")).status_code == 404
    assert sign_in_as(coordinator).get(reverse("reports:overview")).status_code == 200


def test_the_overview_shows_overdue_check_ins_and_pending_erasures(
    organisation, coordinator, sign_in_as
):
    stay = open_stay(organisation, coordinator)
    Stay.objects.filter(pk=stay.pk).update(
        status=StayStatus.IN_STAY,
        arrived_on=timezone.localdate() - datetime.timedelta(days=20),
        next_check_in_due=timezone.localdate() - datetime.timedelta(days=3),
        return_review_due=timezone.localdate(),
    )
    case = open_canary_case(organisation, coordinator, suffix="erase")
    case_erasure_request(membership=acting(coordinator), case=case)

    overview = coordinator_overview(membership=acting(coordinator))
    assert overview.owed["check_in_overdue"] == 1
    assert overview.owed["return_review_due"] == 1
    assert [e.case_id for e in overview.erasures] == [case.pk]
    assert [s.count for s in overview.stays_by_stage] == [1]

    page = sign_in_as(coordinator).get(reverse("reports:overview")).content.decode()
    assert case.code in page
    assert 'id="check-ins-overdue">1<' in page


def test_the_overview_says_how_old_the_portal_queue_is(organisation, coordinator):
    old = Referral.objects.get(pk=_referral(organisation, coordinator))
    Referral.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=4, hours=1)
    )
    _referral(organisation, coordinator)

    overview = coordinator_overview(membership=acting(coordinator))

    assert overview.queue.waiting == 2
    assert overview.queue_age_days == 4


def test_the_stage_tally_kept_by_the_trigger_matches_a_full_recount(organisation, coordinator):
    from haven.reports.models import StageTally
    from haven.reports.stages import STAGE_TALLY

    cases = [open_canary_case(organisation, coordinator, suffix=f"t{i}") for i in range(3)]
    opened = timezone.now() - datetime.timedelta(days=200)
    for number, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(created_at=opened)
        moved = opened
        for days, before, after in [
            (2 + number * 10, CaseStatus.INTAKE, CaseStatus.SCREENING),
            (100, CaseStatus.SCREENING, CaseStatus.ASSESSMENT),
        ]:
            moved += datetime.timedelta(days=days)
            StatusChange.objects.create(
                organisation=organisation,
                case=case,
                from_status=before,
                to_status=after,
                recorded_at=moved,
            )

    def cells():
        return sorted(
            StageTally.objects.filter(moves__gt=0).values_list("stage", "bucket", "moves")
        )

    kept = cells()
    STAGE_TALLY.rebuild(connection)

    assert kept == cells()
    assert kept == [
        ("intake", "month", 2),  # 12 and 22 days
        ("intake", "week", 1),  # 2 days
        ("screening", "longer", 3),
    ]


def test_moves_inserted_out_of_time_order_are_counted_as_in_order(organisation, coordinator):
    """A restore inserts status changes in id order; the tally must end the same."""
    from haven.reports.models import StageTally
    from haven.reports.stages import STAGE_TALLY

    case = open_canary_case(organisation, coordinator, suffix="restore")
    opened = timezone.now() - datetime.timedelta(days=300)
    Case.objects.filter(pk=case.pk).update(created_at=opened)
    moves = [
        (opened + datetime.timedelta(days=3), CaseStatus.INTAKE, CaseStatus.SCREENING),
        (opened + datetime.timedelta(days=13), CaseStatus.SCREENING, CaseStatus.ASSESSMENT),
        (opened + datetime.timedelta(days=95), CaseStatus.ASSESSMENT, CaseStatus.CLOSED),
    ]
    for at, before, after in [moves[2], moves[0], moves[1]]:
        StatusChange.objects.create(
            organisation=organisation,
            case=case,
            from_status=before,
            to_status=after,
            recorded_at=at,
        )

    def cells():
        return sorted(
            StageTally.objects.filter(moves__gt=0).values_list("stage", "bucket", "moves")
        )

    kept = cells()
    STAGE_TALLY.rebuild(connection)

    assert (
        kept
        == cells()
        == [
            ("assessment", "quarter", 1),  # 82 days, not the 95 since opening
            ("intake", "week", 1),
            ("screening", "month", 1),
        ]
    )
    assert not StageTally.objects.filter(moves__lt=0).exists()


def test_the_overview_query_count_does_not_grow(organisation, coordinator):
    open_stay(organisation, coordinator)
    case_erasure_request(
        membership=acting(coordinator), case=open_canary_case(organisation, coordinator, "e0")
    )
    member = acting(coordinator)
    coordinator_overview(membership=member)
    with CaptureQueriesContext(connection) as few:
        coordinator_overview(membership=member)
    few_count = len(few)
    for i in range(3):
        open_stay(organisation, coordinator)
        case_erasure_request(
            membership=acting(coordinator),
            case=open_canary_case(organisation, coordinator, f"e{i + 1}"),
        )
    with CaptureQueriesContext(connection) as many:
        coordinator_overview(membership=member)
    assert len(many) == few_count
