"""
Writes to the catalogue, intake windows, applications and matching runs.

Every function takes keyword arguments, runs in one transaction, and writes its audit event in
that transaction, so a change and its record stand or fall together. Events carry identifiers,
field names and enumerated values only: never a programme's free text, never a case fact.
"""

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.cases.models import Assessment, Case
from haven.cases.selectors import CLOSED_STATUSES
from haven.domain.matching import parse_problem, result_to_json, solve
from haven.domain.matching.engine import ENGINE_VERSION
from haven.domain.risk import LEVELS as RISK_LEVELS
from haven.organisations.models import Membership, Organisation, Role
from haven.programmes.catalogue import (
    CATALOGUE_FIELDS,
    asylum_policy_text,
    case_assessment,
    return_expectation_text,
)
from haven.programmes.matching_problem import build_problem
from haven.programmes.models import (
    Application,
    ApplicationRoute,
    ApplicationStatus,
    HostPartnerAssignment,
    IntakeWindow,
    MatchingRun,
    MatchingRunStatus,
    PersecutorReach,
    Programme,
)
from haven.reference import seed_programmes
from haven.vault.keyring import keyring_scope

S = ApplicationStatus
OPEN_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.SHORTLISTED, S.OFFERED})

#: The status machine: each status and where it may go next.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.SHORTLISTED, S.OFFERED, S.WITHDRAWN}),
    S.SHORTLISTED: frozenset({S.OFFERED, S.WITHDRAWN}),
    S.OFFERED: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset(),
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

#: Statuses that are the organisation's decision rather than the defender's or caseworker's.
REVIEW_STATUSES = frozenset({S.SHORTLISTED, S.OFFERED})
MATCHABLE_STATUSES = frozenset({S.SUBMITTED, S.SHORTLISTED})


#: Catalogue fields the model stores without null: a missing list is empty, missing text blank.
NEVER_NULL: Mapping[str, Any] = {
    "operator": "",
    "intake": "",
    "source_url": "",
    "host_countries": [],
    "host_cities": [],
    "provides": [],
}


class ProgrammeError(Exception):
    """A programme, application or matching operation refused for a reason the user can act on."""


def _touch(instance: Any) -> None:
    instance.updated_at = timezone.now()


# --- Catalogue -------------------------------------------------------------------------------


@transaction.atomic
def programme_catalogue_seed(*, organisation: Organisation, actor: Any = None) -> list[Programme]:
    """
    Add the seed catalogue's programmes the organisation does not have yet; return those added.

    Idempotent: a programme is matched by its catalogue id, and one the organisation has edited
    is left as it is. Permission: the caller has checked Permission.MANAGE_PROGRAMMES (or is the
    demo seeder). Side effect: one ``programme.created`` event per programme added.
    """
    existing = set(
        Programme.objects.filter(organisation=organisation).values_list("catalogue_id", flat=True)
    )
    added = []
    for entry in seed_programmes():
        if entry["id"] in existing:
            continue
        programme = Programme(organisation=organisation, catalogue_id=entry["id"])
        for field in CATALOGUE_FIELDS:
            value = entry.get(field)
            if value is None and field in NEVER_NULL:
                value = copy.copy(NEVER_NULL[field])
            setattr(programme, field, value)
        programme.save()
        record_event(
            EventType.PROGRAMME_CREATED,
            actor=actor,
            organisation=organisation,
            object_type="programme",
            object_id=programme.pk,
            data={"catalogue_id": programme.catalogue_id, "source": "seed_catalogue"},
        )
        added.append(programme)
    return added


@transaction.atomic
def programme_update(*, actor: Any, programme: Programme, changes: Mapping[str, Any]) -> list[str]:
    """
    Apply edited catalogue fields to a programme; return the names of the fields that changed.

    ``changes`` comes from a form listing its fields (AZ-08). Permission: MANAGE_PROGRAMMES,
    checked by the caller. Side effect: one ``programme.updated`` event naming the changed fields
    (never their values) when anything changed. Raises ProgrammeError for a field outside the
    catalogue.
    """
    unknown = sorted(set(changes) - set(CATALOGUE_FIELDS))
    if unknown:
        raise ProgrammeError(_("These are not catalogue fields: %s.") % ", ".join(unknown))
    changed = sorted(
        field for field, value in changes.items() if getattr(programme, field) != value
    )
    if not changed:
        return []
    for field in changed:
        setattr(programme, field, changes[field])
    _touch(programme)
    programme.save()
    record_event(
        EventType.PROGRAMME_UPDATED,
        actor=actor,
        organisation=programme.organisation_id,
        object_type="programme",
        object_id=programme.pk,
        data={"fields": changed},
    )
    return changed


WINDOW_FIELDS = (
    "name",
    "opens_on",
    "closes_on",
    "stay_starts_on",
    "stay_ends_on",
    "host_country",
    "capacities",
    "status",
)


def _window_problems(programme: Programme, data: Mapping[str, Any]) -> list[str]:
    problems = []
    if data["closes_on"] < data["opens_on"]:
        problems.append(_("The window cannot close before it opens."))
    starts, ends = data.get("stay_starts_on"), data.get("stay_ends_on")
    if starts and ends and ends < starts:
        problems.append(_("The stay cannot end before it starts."))
    host = data.get("host_country") or ""
    if host and host not in (programme.host_countries or []):
        problems.append(_("The host country must be one of the programme's host countries."))
    capacities = data.get("capacities") or {}
    if not capacities or "places" not in capacities:
        problems.append(_("Give the window a number of places."))
    for resource, amount in capacities.items():
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            problems.append(
                _("Capacity %(resource)s must be a whole number of at least 0.")
                % {"resource": resource}
            )
    return problems


@transaction.atomic
def intake_window_save(
    *,
    actor: Any,
    programme: Programme,
    data: Mapping[str, Any],
    window: IntakeWindow | None = None,
) -> IntakeWindow:
    """
    Create an intake window for ``programme``, or change ``window``.

    ``data`` holds ``WINDOW_FIELDS``; capacities are ``{"places": n, "beds": m}``. Permission:
    MANAGE_PROGRAMMES. Side effect: one ``programme.intake_window_saved`` event with the changed
    field names. Raises ProgrammeError listing every problem; nothing is saved then.
    """
    problems = _window_problems(programme, data)
    if problems:
        raise ProgrammeError(" ".join(problems))
    created = window is None
    if window is None:
        window = IntakeWindow(organisation_id=programme.organisation_id, programme=programme)
    elif window.programme_id != programme.pk:
        raise ProgrammeError(_("This window belongs to another programme."))
    changed = sorted(
        field
        for field in WINDOW_FIELDS
        if field in data and (created or getattr(window, field) != data[field])
    )
    for field in changed:
        setattr(window, field, data[field])
    window.save()
    record_event(
        EventType.INTAKE_WINDOW_SAVED,
        actor=actor,
        organisation=programme.organisation_id,
        object_type="intake_window",
        object_id=window.pk,
        data={"programme_id": programme.pk, "created": created, "fields": changed},
    )
    return window


@transaction.atomic
def host_partner_assign(
    *, actor: Any, programme: Programme, membership: Membership
) -> HostPartnerAssignment:
    """
    Let a host partner see the applications at ``programme`` (minimum data only).

    Permission: MANAGE_PROGRAMMES. Side effect: one ``programme.host_partner_assigned`` event.
    Raises ProgrammeError unless ``membership`` is an active host partner of the same
    organisation; assigning twice returns the existing assignment without a second event.
    """
    if (
        membership.organisation_id != programme.organisation_id
        or membership.role != Role.HOST_PARTNER
        or not membership.is_active
    ):
        raise ProgrammeError(_("Choose an active host partner of this organisation."))
    assignment, created = HostPartnerAssignment.objects.get_or_create(
        programme=programme,
        membership=membership,
        defaults={"organisation_id": programme.organisation_id},
    )
    if created:
        record_event(
            EventType.HOST_PARTNER_ASSIGNED,
            actor=actor,
            organisation=programme.organisation_id,
            object_type="programme",
            object_id=programme.pk,
            data={"membership_id": membership.pk},
        )
    return assignment


# --- Cases: persecutor reach ----------------------------------------------------------------


@transaction.atomic
def persecutor_reach_set(*, actor: Any, case: Case, host_countries: Iterable[str]) -> list[str]:
    """
    Record the host countries the case's persecutor is known to reach (encrypted).

    Matching never proposes a placement there. Permission: MANAGE_APPLICATIONS and a case the
    actor may see. Side effect: one ``programme.persecutor_reach_updated`` event holding the
    number of countries only (the list itself hints at the persecutor).
    """
    if case.status in CLOSED_STATUSES:
        raise ProgrammeError(_("Only an open case can be changed."))
    countries = sorted({code.strip().upper() for code in host_countries if code.strip()})
    with keyring_scope():
        record = PersecutorReach.objects.filter(case=case).first() or PersecutorReach(
            organisation_id=case.organisation_id, case=case
        )
        record.host_countries = countries
        record.updated_by = actor
        record.updated_at = timezone.now()
        record.save()
        record_event(
            EventType.PERSECUTOR_REACH_UPDATED,
            actor=actor,
            organisation=case.organisation_id,
            object_type="case",
            object_id=case.pk,
            data={"countries": len(countries)},
        )
    return countries


# --- Applications ---------------------------------------------------------------------------


@transaction.atomic
def application_create(
    *,
    actor: Any,
    case: Case,
    programme: Programme,
    route: str,
    intake_window: IntakeWindow | None = None,
    preference_rank: int | None = None,
) -> Application:
    """
    Start a draft application of ``case`` to ``programme``, with the engine's eligibility verdict.

    The verdict, its reasons and the engine version are stored encrypted under the case's key.
    Permission: MANAGE_APPLICATIONS and a case the actor may see. Side effect: one
    ``programme.application_created`` event. Raises ProgrammeError for a closed case, a programme
    or window of another organisation, or an open application to the same programme.
    """
    if case.status in CLOSED_STATUSES:
        raise ProgrammeError(_("Only an open case can apply to a programme."))
    if programme.organisation_id != case.organisation_id:
        raise ProgrammeError(_("That programme is not in this organisation's catalogue."))
    if intake_window is not None and intake_window.programme_id != programme.pk:
        raise ProgrammeError(_("That intake window belongs to another programme."))
    if route not in ApplicationRoute.values:
        raise ProgrammeError(_("Say whether the defender applies or is nominated."))
    if preference_rank is not None and preference_rank not in (1, 2, 3):
        raise ProgrammeError(_("A preference rank is 1, 2 or 3."))
    if Application.objects.filter(
        case=case, programme=programme, status__in=OPEN_STATUSES
    ).exists():
        raise ProgrammeError(_("This case already has an open application to that programme."))
    with keyring_scope():
        application = Application(
            organisation_id=case.organisation_id,
            case=case,
            programme=programme,
            intake_window=intake_window,
            route=route,
            preference_rank=preference_rank,
            nominated_by=actor,
        )
        application.eligibility = _eligibility_snapshot(case, programme)
        application.save()
        record_event(
            EventType.APPLICATION_CREATED,
            actor=actor,
            organisation=case.organisation_id,
            object_type="application",
            object_id=application.pk,
            data={
                "case_id": case.pk,
                "programme_id": programme.pk,
                "intake_window_id": intake_window.pk if intake_window else None,
                "route": route,
            },
        )
    return application


def _eligibility_snapshot(case: Case, programme: Programme) -> dict[str, Any]:
    snapshot = case_assessment(case, [programme]).eligibility(programme.catalogue_id)
    snapshot["assessed_at"] = timezone.now().isoformat()
    return snapshot


@transaction.atomic
def application_check_eligibility(*, actor: Any, application: Application) -> dict[str, Any]:
    """
    Run the engines again on the case's current facts and store the new snapshot.

    For an open application whose case facts changed since the verdict was taken. Permission:
    MANAGE_APPLICATIONS. Side effect: one ``programme.application_eligibility_checked`` event with
    the verdict code. Raises ProgrammeError for a closed application (its verdict is history).
    """
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("case__data_key__organisation_key", "programme")
        .get(pk=application.pk)
    )
    if application.status not in OPEN_STATUSES:
        raise ProgrammeError(_("A closed application keeps the verdict it was decided on."))
    with keyring_scope():
        snapshot = _eligibility_snapshot(application.case, application.programme)
        application.eligibility = snapshot
        _touch(application)
        application.save(update_fields=["eligibility", "updated_at"])
        record_event(
            EventType.APPLICATION_ELIGIBILITY_CHECKED,
            actor=actor,
            organisation=application.organisation_id,
            object_type="application",
            object_id=application.pk,
            data={"verdict": snapshot["verdict"], "engine_version": snapshot["engine_version"]},
        )
    return snapshot


@transaction.atomic
def application_record_consent(*, actor: Any, application: Application) -> Application:
    """
    Record that the defender gave informed consent after seeing the programme's asylum policy
    and return expectation; the texts as shown now are kept with the record.

    Only a draft takes consent (a submitted application was consented to already). Permission:
    MANAGE_APPLICATIONS. Side effect: one ``programme.application_consent_recorded`` event.
    """
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(pk=application.pk)
    )
    if application.status != S.DRAFT:
        raise ProgrammeError(_("Consent is recorded on a draft, before it is submitted."))
    application.consent_recorded_by = actor
    application.consent_recorded_at = timezone.now()
    application.consent_asylum_policy_shown = asylum_policy_text(application.programme)
    application.consent_return_expectation_shown = return_expectation_text(application.programme)
    _touch(application)
    application.save(
        update_fields=[
            "consent_recorded_by",
            "consent_recorded_at",
            "consent_asylum_policy_shown",
            "consent_return_expectation_shown",
            "updated_at",
        ]
    )
    record_event(
        EventType.APPLICATION_CONSENT_RECORDED,
        actor=actor,
        organisation=application.organisation_id,
        object_type="application",
        object_id=application.pk,
        data={"programme_id": application.programme_id},
    )
    return application


@transaction.atomic
def application_change_status(
    *, actor: Any, application: Application, status: str, run: MatchingRun | None = None
) -> Application:
    """
    Move an application along the status machine (``TRANSITIONS``).

    Submitting needs the defender's recorded consent and refreshes the eligibility snapshot, so
    the stored verdict is the one the submission was made on. Permission: MANAGE_APPLICATIONS,
    and REVIEW_APPLICATIONS for ``REVIEW_STATUSES`` (the view checks). Side effect: one
    ``programme.application_status_changed`` event. Raises ProgrammeError for a move the machine
    does not allow or a submission without consent.
    """
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("case__data_key__organisation_key", "programme")
        .get(pk=application.pk)
    )
    current = application.status
    if status not in TRANSITIONS.get(current, frozenset()):
        raise ProgrammeError(
            _("An application that is %(current)s cannot become %(status)s.")
            % {
                "current": S(current).label,
                "status": S(status).label if status in S.values else status,
            }
        )
    fields = ["status", "updated_at"]
    with keyring_scope():
        if status == S.SUBMITTED:
            if not application.has_consent:
                raise ProgrammeError(
                    _(
                        "Record the defender's informed consent first: they must see the "
                        "programme's asylum policy and return expectation before applying."
                    )
                )
            application.eligibility = _eligibility_snapshot(application.case, application.programme)
            fields.append("eligibility")
        application.status = status
        _touch(application)
        application.save(update_fields=fields)
        record_event(
            EventType.APPLICATION_STATUS_CHANGED,
            actor=actor,
            organisation=application.organisation_id,
            object_type="application",
            object_id=application.pk,
            data={
                "from": current,
                "to": status,
                "intake_window_id": application.intake_window_id,
                "matching_run_id": run.pk if run else None,
            },
        )
    return application


# --- Matching runs --------------------------------------------------------------------------


def _matchable_applications(windows: list[IntakeWindow]) -> list[Application]:
    """
    The waiting applications for ``windows``; each programme row is loaded once, not per
    application, since a run reads hundreds of applications to a handful of programmes.
    """
    window_ids = {window.pk for window in windows}
    programmes = {window.programme_id: window.programme for window in windows}
    candidates = (
        Application.objects.filter(
            organisation_id=windows[0].organisation_id,
            status__in=MATCHABLE_STATUSES,
            programme_id__in=programmes,
        )
        .exclude(case__status__in=CLOSED_STATUSES)
        .select_related("case__data_key__organisation_key")
        .order_by("created_at")
    )
    matchable = []
    for application in candidates:
        if application.intake_window_id in (None, *window_ids):
            application.programme = programmes[application.programme_id]
            matchable.append(application)
    return matchable


def _recorded_risk_levels(case_ids: set[Any]) -> dict[str, str]:
    """
    The risk level of each case's latest recorded assessment: the more severe of the engine's
    level and the staff level recorded with it (decrypts; call inside a key-ring scope).
    """
    latest: dict[Any, Any] = {}
    for case_id, assessment_id in (
        Assessment.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "-recorded_at")
        .values_list("case_id", "pk")
    ):
        latest.setdefault(case_id, assessment_id)
    levels = {}
    for assessment in Assessment.objects.filter(pk__in=latest.values()).select_related(
        "case__data_key__organisation_key"
    ):
        recorded = [
            (assessment.output or {}).get("risk", {}).get("level"),
            assessment.staff_risk_level,
        ]
        known = [level for level in recorded if level in RISK_LEVELS]
        if known:
            levels[str(assessment.case_id)] = max(known, key=RISK_LEVELS.index)
    return levels


def _committed(windows: list[IntakeWindow]) -> list[Application]:
    return list(
        Application.objects.filter(
            intake_window__in=windows, status__in=[S.OFFERED, S.ACCEPTED]
        ).select_related("case__data_key__organisation_key")
    )


@transaction.atomic
def matching_run_create(
    *,
    actor: Any,
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
    ProgrammeError when a window is of another organisation or nobody can be matched.
    """
    chosen = list(windows)
    if not chosen:
        raise ProgrammeError(_("Choose at least one intake window."))
    if any(window.organisation_id != organisation.pk for window in chosen):
        raise ProgrammeError(_("Every intake window must be one of this organisation's."))
    with keyring_scope():
        applications = _matchable_applications(chosen)
        if not applications:
            raise ProgrammeError(
                _("No submitted or shortlisted application is waiting for these windows.")
            )
        case_ids = {application.case_id for application in applications}
        built = build_problem(
            windows=chosen,
            applications=applications,
            recorded_risk_by_case=_recorded_risk_levels(case_ids),
            committed=_committed(chosen),
            reach_by_case={
                str(record.case_id): list(record.host_countries or [])
                for record in PersecutorReach.objects.filter(case_id__in=case_ids).select_related(
                    "case__data_key"
                )
            },
            time_limit_s=time_limit_s,
        )
    problem = parse_problem(built.document)
    result = result_to_json(solve(problem, seed=seed))
    with keyring_scope() as ring:
        run = MatchingRun(
            organisation=organisation,
            engine_version=ENGINE_VERSION,
            input_sha256=problem.input_sha256,
            seed=seed,
            created_by=actor,
        )
        run.data_key = ring.create_data_key(run.vault_key_ref())
        run.problem = built.document
        run.result = result
        run.detail = built.detail
        run.save()
    run.windows.set(chosen)
    record_event(
        EventType.MATCHING_RUN_CREATED,
        actor=actor,
        organisation=organisation,
        object_type="matching_run",
        object_id=run.pk,
        data={
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
def matching_run_approve(*, actor: Any, run: MatchingRun) -> list[Application]:
    """
    Approve a proposed run: every proposed placement becomes an offer at its intake window.

    All or nothing: if any application behind a placement is no longer submitted or
    shortlisted (withdrawn since, or offered elsewhere), nothing changes and the coordinator is
    asked to run matching again. Permission: RUN_MATCHING. Side effects: one
    ``programme.matching_run_approved`` event and one status event per offer.
    """
    run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != MatchingRunStatus.PROPOSED:
        raise ProgrammeError(_("This run was approved already."))
    windows = {str(window.pk): window for window in run.windows.all()}
    wanted = []
    for assignment in run.result["assignments"]:
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
        raise ProgrammeError(
            _("%(count)d application(s) changed since this run was made; run matching again.")
            % {"count": len(stale)}
        )
    offered = []
    for application_id, window in wanted:
        application = applications[application_id]
        application.intake_window = window
        application.save(update_fields=["intake_window"])
        offered.append(
            application_change_status(
                actor=actor, application=application, status=S.OFFERED, run=run
            )
        )
    run.status = MatchingRunStatus.APPROVED
    run.approved_by = actor
    run.approved_at = timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at"])
    record_event(
        EventType.MATCHING_RUN_APPROVED,
        actor=actor,
        organisation=run.organisation_id,
        object_type="matching_run",
        object_id=run.pk,
        data={"offers": [application.pk for application in offered]},
    )
    return offered
