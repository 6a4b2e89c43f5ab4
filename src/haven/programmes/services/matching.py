"""Matching runs: solve the placement problem for chosen windows, then approve it as offers."""

import datetime
import gc
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, acting_user, permits, record_action
from haven.accounts.compiled import CompiledValues, stored_uuids
from haven.audit.events import EventType
from haven.cases.models import CASE_KEY, Assessment
from haven.cases.selectors import CLOSED_STATUSES
from haven.domain.matching import parse_problem, result_to_json, solve
from haven.domain.matching.engine import ENGINE_VERSION
from haven.domain.risk import LEVELS as RISK_LEVELS
from haven.organisations.models import Membership, Organisation
from haven.organisations.policy import Permission
from haven.programmes.catalogue import case_facts_documents
from haven.programmes.errors import ProgrammeError
from haven.programmes.matching_problem import (
    BuiltProblem,
    CommittedPlace,
    MatchableApplication,
    build_problem,
    review_detail,
)
from haven.programmes.models import (
    Application,
    IntakeWindow,
    MatchingRun,
    MatchingRunStatus,
    PersecutorReach,
)
from haven.programmes.services.applications import (
    MATCHABLE_STATUSES,
    S,
    _application_status_move,
)
from haven.programmes.services.guards import check_permitted
from haven.vault.fields import Encoded, SealedColumn
from haven.vault.keyring import KeyRef, KeyRing, keyring_scope

NO_WINDOW_CHOSEN = _("Choose at least one intake window.")
WINDOW_ELSEWHERE = _("Every intake window must be one of this organisation's.")
NOTHING_TO_MATCH = _("No submitted or shortlisted application is waiting for these windows.")
RUN_STALE = _("%(count)d application(s) changed since this run was made; run matching again.")
RUN_ALREADY_APPROVED = _("This run was approved already.")
NOT_IN_PROPOSAL = _("That case has no placement in this proposal.")
NOT_A_MATCHER = _("Only a coordinator runs matching or approves its proposal.")
ALREADY_REMOVED = _("That placement was already taken out of this proposal.")
REMOVAL_REASON_REQUIRED = _("Give a reason of at least %(minimum)s characters.")
MINIMUM_REMOVAL_REASON = 10


@contextmanager
def _collector_paused() -> Iterator[None]:
    """
    Pause Python's cyclic garbage collector while a run is built or stored, then restore it.

    Building a run keeps about a thousand model instances, decrypted documents and engine
    results alive at once; each allocation threshold crossed sets off a collection that walks
    them all and frees nothing (they are live), about a fifth of the build's CPU time
    (``bench/matching_runs.py``). Reference counting still frees everything else as usual, and
    cycles made meanwhile are collected at the next collection after the pause. The solve is not
    paused: it may run for a minute on a large intake.

    The switch is process-wide, so it is kept to these few hundred milliseconds and always
    undone in ``finally``. It is re-enabled only if it was enabled on entry: Haven's worker and
    gunicorn's sync workers run one request at a time, and if threads ever overlapped here, the
    first to leave turns it back on, so the collector can never stay off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Stand-ins for the compiled reads below: no row has these ids.
_STAND_IN = [uuid.UUID(int=n) for n in range(1, 4)]
#: A run's reads, their SQL built once per process: building the queries and converting their
#: ``IN`` lists of hundreds of ids cost about as much as running them (``bench/matching_runs.py``).
_WAITING_APPLICATIONS = CompiledValues(
    lambda organisation, programmes: (
        Application.objects.filter(
            organisation_id=organisation, status__in=MATCHABLE_STATUSES, programme_id__in=programmes
        )
        .exclude(case__status__in=CLOSED_STATUSES)
        .order_by("created_at")
        .values_list("id", "case_id", "programme_id", "intake_window_id", "preference_rank")
    ),
    # Only a few programmes and windows for hundreds of rows: each is looked up among the
    # run's own (``_matchable_applications``), not built as a UUID per row.
    as_stored=("programme_id", "intake_window_id"),
    organisation=_STAND_IN[0],
    programmes=[_STAND_IN[1]],
)
_COMMITTED_PLACES = CompiledValues(
    lambda windows: Application.objects.filter(
        intake_window_id__in=windows, status__in=[S.OFFERED, S.ACCEPTED]
    ).values_list("case_id", "intake_window_id"),
    windows=[_STAND_IN[0]],
)
_ASSESSMENTS_NEWEST_FIRST = CompiledValues(
    lambda cases: (
        Assessment.objects.filter(case_id__in=cases)
        .order_by("case_id", "-recorded_at")
        .values_list("case_id", "pk")
    ),
    cases=[_STAND_IN[0]],
)
_ASSESSMENT_RISKS = CompiledValues(
    lambda assessments: Assessment.objects.filter(pk__in=assessments).values_list(
        "id", "organisation_id", "case_id", "output", "staff_risk_level"
    ),
    assessments=[_STAND_IN[0]],
)
_REACH_ROWS = CompiledValues(
    lambda cases: PersecutorReach.objects.filter(case_id__in=cases).values_list(
        "id", "organisation_id", "case_id", "host_countries", "must_leave_by"
    ),
    cases=[_STAND_IN[0]],
)


def _matchable_applications(windows: list[IntakeWindow]) -> list[MatchableApplication]:
    """
    The waiting applications for ``windows``, as the columns the problem reads: a run reads
    hundreds of applications, and a model instance each cost more than the rest of their
    reading.
    """
    programme_ids = [window.programme_id for window in windows]
    window_ids = [window.pk for window in windows]
    # The stored ids the query returns for the programme and window columns, each to the
    # run's own UUID: every row's programme is one of these (the query asks for no other), and
    # an application held for a window not in the run is left out.
    programmes = dict(zip(stored_uuids(programme_ids), programme_ids, strict=True))
    chosen: dict[object, Any] = dict(zip(stored_uuids(window_ids), window_ids, strict=True))
    chosen[None] = None
    return [
        MatchableApplication(
            application_id, case_id, programmes[programme_id], chosen[window_id], rank
        )
        for application_id, case_id, programme_id, window_id, rank in _WAITING_APPLICATIONS(
            organisation=windows[0].organisation_id, programmes=programme_ids
        )
        if window_id in chosen
    ]


def _committed(windows: list[IntakeWindow]) -> list[CommittedPlace]:
    """The offered and accepted applications holding room at ``windows``."""
    return [
        CommittedPlace._make(row)
        for row in _COMMITTED_PLACES(windows=[window.pk for window in windows])
    ]


#: The encrypted columns a run reads besides the facts, opened without model instances.
ASSESSMENT_OUTPUT = SealedColumn(Assessment, "output")
ASSESSMENT_STAFF_RISK = SealedColumn(Assessment, "staff_risk_level")
REACH_COUNTRIES = SealedColumn(PersecutorReach, "host_countries")
REACH_LEAVE_BY = SealedColumn(PersecutorReach, "must_leave_by")
#: The column a run's problem is sealed in: its encoding is the canonical JSON the run's
#: ``input_sha256`` hashes, so the document is serialised once for both.
RUN_PROBLEM = MatchingRun._meta.get_field("problem")


def _recorded_risk_levels(ring: KeyRing, case_ids: set[Any]) -> dict[str, str]:
    """
    The risk level of each case's latest recorded assessment: the more severe of the engine's
    level and the staff level recorded with it (decrypts with ``ring``, which holds the cases'
    keys already).
    """
    latest: dict[Any, Any] = {}
    for case_id, assessment_id in _ASSESSMENTS_NEWEST_FIRST(cases=case_ids):
        latest.setdefault(case_id, assessment_id)
    levels = {}
    for pk, organisation_id, case_id, output, staff_level in _ASSESSMENT_RISKS(
        assessments=latest.values()
    ):
        ref = KeyRef(organisation_id, CASE_KEY, case_id)
        recorded = [
            (ASSESSMENT_OUTPUT.open(ring, ref, pk, output) or {}).get("risk", {}).get("level"),
            ASSESSMENT_STAFF_RISK.open(ring, ref, pk, staff_level),
        ]
        known = [level for level in recorded if level in RISK_LEVELS]
        if known:
            levels[str(case_id)] = max(known, key=RISK_LEVELS.index)
    return levels


def _persecutor_reach(
    ring: KeyRing, case_ids: set[Any]
) -> tuple[dict[str, list[str]], dict[str, datetime.date]]:
    """
    The host countries each case's persecutor reaches and the date each defender must leave
    by, by case id (decrypts with ``ring``, which holds the cases' keys already).
    """
    reach, leave_by = {}, {}
    for pk, organisation_id, case_id, countries, must_leave_by in _REACH_ROWS(cases=case_ids):
        ref = KeyRef(organisation_id, CASE_KEY, case_id)
        reach[str(case_id)] = list(REACH_COUNTRIES.open(ring, ref, pk, countries) or [])
        date = REACH_LEAVE_BY.open(ring, ref, pk, must_leave_by)
        if date is not None:
            leave_by[str(case_id)] = date
    return reach, leave_by


def _built_problem(windows: list[IntakeWindow], time_limit_s: float) -> BuiltProblem:
    """
    Read everything the problem needs for ``windows`` and build it (see ``build_problem``).

    A function of its own so that what it reads (hundreds of facts documents) is freed as it
    returns, before the collector paused around it walks what is left.
    """
    with keyring_scope() as ring:
        applications = _matchable_applications(windows)
        if not applications:
            raise ProgrammeError(NOTHING_TO_MATCH)
        committed = _committed(windows)
        case_ids = {application.case_id for application in applications}
        # One read of every case involved, its key opened once, before any of its records.
        cases = case_facts_documents(
            windows[0].organisation_id, case_ids | {place.case_id for place in committed}
        )
        reach, leave_by = _persecutor_reach(ring, case_ids)
        return build_problem(
            windows=windows,
            applications=applications,
            committed=committed,
            cases=cases,
            recorded_risk_by_case=_recorded_risk_levels(ring, case_ids),
            reach_by_case=reach,
            leave_by_by_case=leave_by,
            time_limit_s=time_limit_s,
        )


@transaction.atomic
def matching_run_create(
    *,
    membership: Acting,
    organisation: Organisation,
    windows: Iterable[IntakeWindow],
    seed: int = 0,
    time_limit_s: float = 20.0,
) -> MatchingRun:
    """
    Build the matching problem for the chosen intake windows, solve it, and keep the proposal.

    Applicants are the cases with a submitted or shortlisted application to a chosen window (or
    to its programme without a window). See ``matching_problem.build_problem`` for tiers, scores
    and exclusions. Nothing is offered yet: a coordinator reviews and approves. Permission:
    RUN_MATCHING. Side effect: one ``programme.matching_run_created`` event. Raises
    ProgrammeError when a window is of another organisation or nobody can be matched; a role
    without the permission is refused, and another organisation's member answered 404.
    """
    if not permits(membership, Permission.RUN_MATCHING):
        raise ProgrammeError(NOT_A_MATCHER)
    if isinstance(membership, Membership) and membership.organisation_id != organisation.pk:
        raise Http404
    chosen = list(windows)
    if not chosen:
        raise ProgrammeError(NO_WINDOW_CHOSEN)
    if any(window.organisation_id != organisation.pk for window in chosen):
        raise ProgrammeError(WINDOW_ELSEWHERE)
    # One key ring for reading the cases and sealing the run, as a request's ring already is
    # when a coordinator runs matching from the page: the organisation key the cases' keys were
    # opened with then wraps the run's key without being fetched and unwrapped again.
    with keyring_scope() as ring:
        with _collector_paused():
            built = _built_problem(chosen, time_limit_s)
        encoded_problem = RUN_PROBLEM.encode(built.document)
        problem = parse_problem(built.document, canonical=encoded_problem)
        result = result_to_json(solve(problem, seed=seed))
        with _collector_paused():
            run = MatchingRun(
                organisation=organisation,
                engine_version=ENGINE_VERSION,
                input_sha256=problem.input_sha256,
                seed=seed,
                created_by=acting_user(membership),
            )
            run.data_key = ring.create_data_key(run.vault_key_ref())
            run.problem = Encoded(built.document, encoded_problem)
            run.result = result
            run.detail = review_detail(built, result)
            run.save()
    run.windows.add(*chosen)  # a new run: nothing to compare with first, as ``set`` would
    record_action(
        EventType.MATCHING_RUN_CREATED,
        membership,
        run,
        {
            "windows": [window.pk for window in chosen],
            "applicants": problem.applicant_count,
            "placed": len(result["assignments"]),
            "status": result["status"],
            "input_sha256": problem.input_sha256,
            "engine_version": ENGINE_VERSION,
        },
    )
    return run


@transaction.atomic
def matching_run_approve(*, membership: Acting, run: MatchingRun) -> list[Application]:
    """
    Approve a proposed run: every proposed placement becomes an offer at its intake window,
    except those a coordinator took out of the proposal (``matching_run_remove_placement``).

    All or nothing: if any application behind a placement is no longer submitted or
    shortlisted (withdrawn since, or offered elsewhere), nothing changes and the coordinator is
    asked to run matching again. Permission: RUN_MATCHING. Side effects: one
    ``programme.matching_run_approved`` event and one status event per offer. A role without
    the permission is refused, and a run of another organisation answered 404.
    """
    run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    check_permitted(membership, Permission.RUN_MATCHING, run, NOT_A_MATCHER)
    if run.status != MatchingRunStatus.PROPOSED:
        raise ProgrammeError(RUN_ALREADY_APPROVED)
    windows = {str(window.pk): window for window in run.windows.all()}
    removed = run.detail.get("removed", {})
    wanted = []
    for assignment in run.result["assignments"]:
        if assignment["applicant"] in removed:
            continue  # taken out of the proposal by a coordinator: no offer
        case_entry = run.detail["applicants"][assignment["applicant"]]
        wanted.append(
            (case_entry["applications"][assignment["placement"]], windows[assignment["placement"]])
        )
    applications = {
        str(application.pk): application
        for application in Application.objects.select_for_update().filter(
            pk__in=[application_id for application_id, _window in wanted]
        )
    }
    stale = [
        application_id
        for application_id, _window in wanted
        if application_id not in applications
        or applications[application_id].status not in MATCHABLE_STATUSES
    ]
    if stale:
        raise ProgrammeError(RUN_STALE, count=len(stale))
    offered = []
    for application_id, window in wanted:
        application = applications[application_id]
        application.intake_window = window
        application.save(update_fields=["intake_window"])
        offered.append(
            _application_status_move(
                membership=membership, application=application, status=S.OFFERED, run=run
            )
        )
    run.status = MatchingRunStatus.APPROVED
    run.approved_by = acting_user(membership)
    run.approved_at = timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at"])
    record_action(
        EventType.MATCHING_RUN_APPROVED,
        membership,
        run,
        {"offers": [application.pk for application in offered]},
    )
    return offered


@transaction.atomic
def matching_run_remove_placement(
    *, membership: Membership, run: MatchingRun, case_id: str, reason: str
) -> MatchingRun:
    """
    Take one case's placement out of a proposed run before it is approved; the other placements
    stay as proposed, and approving the run makes no offer for this one.

    The removal (who, when and why) is sealed in the run's ``detail`` under the run's own key,
    beside the proposal it changes; the proposal itself is kept as the matcher made it, so the
    run can still be reproduced. Permission: RUN_MATCHING on the run's organisation (404
    otherwise). Side effect: one ``programme.matching_placement_removed`` event with the case and
    window ids (never the reason). Raises ProgrammeError for an approved run, a case with no
    placement in it, one already removed, or a reason under ten characters.
    """
    if not permits(membership, Permission.RUN_MATCHING, run):
        raise Http404
    locked = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != MatchingRunStatus.PROPOSED:
        raise ProgrammeError(RUN_ALREADY_APPROVED)
    cleaned = (reason or "").strip()
    if len(cleaned) < MINIMUM_REMOVAL_REASON:
        raise ProgrammeError(REMOVAL_REASON_REQUIRED, minimum=MINIMUM_REMOVAL_REASON)
    with keyring_scope():
        placements = {
            assignment["applicant"]: assignment["placement"]
            for assignment in locked.result["assignments"]
        }
        if str(case_id) not in placements:
            raise ProgrammeError(NOT_IN_PROPOSAL)
        detail = dict(locked.detail)
        removed = dict(detail.get("removed", {}))
        if str(case_id) in removed:
            raise ProgrammeError(ALREADY_REMOVED)
        removed[str(case_id)] = {
            "by": str(membership.user.pk),
            "on": timezone.localdate().isoformat(),
            "reason": cleaned,
        }
        detail["removed"] = removed
        locked.detail = detail
        locked.save(update_fields=["detail"])
    record_action(
        EventType.MATCHING_PLACEMENT_REMOVED,
        membership,
        locked,
        {"case_id": str(case_id), "window_id": placements[str(case_id)]},
    )
    return locked
