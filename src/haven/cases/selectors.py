"""
Reads of cases and their records. Each takes the acting member first and returns only what they
may see (AZ-02, AZ-03); a case they may not see raises ``Http404``, exactly like a missing one.

Reads of one case bring its keys in the same query (``select_related`` of the data key and its
organisation key). List reads decrypt nothing, so they load only the columns a row shows and no
key table, page through an index in the list's order (``haven.cases.pagination``) and prefetch
related rows: neither a page's query count nor its time grows with the number of cases (pinned in
``tests/cases/test_query_counts.py``, measured by ``bench/cases.py``).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from haven.accounts.acting import Acting, permits
from haven.accounts.compiled import CompiledRead
from haven.cases.access import (
    case_seen,
    one_case_filter,
    supervises_all_cases,
    visible_cases_filter,
)
from haven.cases.facts_mapping import build_facts
from haven.cases.models import (
    Assessment,
    AssessmentDecision,
    Assignment,
    Attachment,
    Case,
    CaseErasure,
    CaseStatus,
    Consent,
    Defender,
    Dependant,
    ErasureState,
    Note,
    Notification,
    Prosecution,
    RecordCorrection,
    StatusChange,
    Threat,
)
from haven.cases.pagination import KeysetPage, SortKey, keyset_page
from haven.cases.reading import (
    already_known,
    case_questions,
    read_once,
    remember_case_answers,
)
from haven.cases.record_sources import contribute_facts
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, may

CASE_KEYS = "data_key__organisation_key"
CLOSED_STATUSES = (CaseStatus.CLOSED, CaseStatus.ERASED, CaseStatus.NOT_ELIGIBLE)
CASES_PER_PAGE = 50


class CaseNotFoundError(Http404):
    """The case does not exist or the member may not see it; the two are never told apart."""


def _active(membership: Membership | None) -> bool:
    return (
        membership is not None
        and membership.is_active
        and membership.role in (Role.COORDINATOR, Role.CASEWORKER, Role.LEGAL_ADVISER)
    )


def visible_cases(*, membership: Membership | None) -> QuerySet[Case]:
    """Return the live cases ``membership`` may see, with their keys, newest first."""
    if membership is None or not _active(membership):
        return Case.objects.none()
    return (
        Case.objects.filter(visible_cases_filter(membership))
        .exclude(status=CaseStatus.ERASED)
        .select_related(CASE_KEYS)
        .order_by("-created_at")
    )


def case_get(
    *, membership: Membership | None, case_id: uuid.UUID | str, with_records: bool = False
) -> Case:
    """
    Return one case the member may see, or raise CaseNotFoundError (a 404) for anything else.

    ``with_records`` asks, in the same query, which of the case's record tables hold any row, so
    that ``case_records`` reads only those (the case page: most cases have no prosecution, no
    dependant, no correction or no file, and each table read is a round trip), and the questions
    other apps registered about the case (``haven.cases.reading``), answered for the reading.
    """
    if membership is None or not _active(membership):
        raise CaseNotFoundError
    try:
        cases = (
            Case.objects.filter(one_case_filter(membership), pk=case_id)
            .exclude(status=CaseStatus.ERASED)
            .select_related(CASE_KEYS)
        )
        if with_records:
            cases = cases.annotate(**_record_presence(), **case_questions())
        case = cases.get()
        if with_records:
            remember_case_answers(case)
    except (Case.DoesNotExist, ValueError, ValidationError):
        raise CaseNotFoundError from None
    case_seen(membership, case)
    return case


def case_by_code(*, membership: Membership | None, code: str) -> Case | None:
    """
    Return the member's organisation's live case with ``code``, for break-glass (which audits every
    try): it finds a case the member is not assigned to, so only CASE_BREAK_GLASS may ask (404
    otherwise, AZ-02).
    """
    if membership is None or not may(membership, Permission.CASE_BREAK_GLASS):
        raise CaseNotFoundError
    return (
        Case.objects.filter(
            organisation_id=membership.organisation_id, code=code.strip().upper(), staged=False
        )
        .exclude(status=CaseStatus.ERASED)
        .select_related(CASE_KEYS)
        .first()
    )


#: What a list row shows: the list reads these columns and no key table, for it decrypts nothing.
LIST_COLUMNS = (
    "id",
    "organisation_id",
    "code",
    "status",
    "urgency",
    "urgency_rank",
    "due_sort",
    "next_due_on",
    "risk_views_diverge",
    "created_at",
)
#: The case list's order (urgency, then the nearest due date, newest first); indexed as
#: ``case_list_order``.
CASE_LIST_ORDER = (
    SortKey("urgency_rank"),
    SortKey("due_sort"),
    SortKey("created_at", descending=True),
    SortKey("id", descending=True),
)
#: "My cases": divergent risk views first, then as the case list; indexed as ``case_my_cases_order``.
MY_CASES_ORDER = (SortKey("risk_views_diverge", descending=True), *CASE_LIST_ORDER)


def _listed_cases(membership: Membership) -> QuerySet[Case]:
    """The live cases the member may see, with only the columns a list shows."""
    return (
        Case.objects.filter(visible_cases_filter(membership))
        .exclude(status=CaseStatus.ERASED)
        .only(*LIST_COLUMNS)
    )


def case_list(
    *,
    membership: Membership | None,
    statuses: list[str] | None = None,
    urgency: str | None = None,
    assigned_to_me: bool = False,
    include_closed: bool = False,
) -> QuerySet[Case]:
    """
    Return the visible cases filtered on plain columns only, in the list's order.

    Nothing here reads an encrypted column: filters on status, urgency and assignment are all
    the list offers (A3: a threat kind or risk level would have to be decrypted to filter on).
    """
    if membership is None or not _active(membership):
        return Case.objects.none()
    cases = _listed_cases(membership)
    if statuses:
        cases = cases.filter(status__in=statuses)
    elif not include_closed:
        cases = cases.exclude(status__in=CLOSED_STATUSES)
    if urgency:
        cases = cases.filter(urgency=urgency)
    if assigned_to_me:
        cases = cases.filter(_assigned_to(membership))
    return cases.order_by(*(key.order(forward=True) for key in CASE_LIST_ORDER))


def case_list_page(
    *,
    membership: Membership | None,
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
    **filters: Any,
) -> KeysetPage:
    """
    One page of ``case_list`` (same filters) with its assignees: the page after the case
    ``after``, before the case ``before``, the last page, or the first. Its cost does not grow
    with the number of cases (``bench/cases.py``).
    """
    return keyset_page(
        with_assignees(case_list(membership=membership, **filters)),
        CASE_LIST_ORDER,
        size=CASES_PER_PAGE,
        after=after,
        before=before,
        last=last,
    )


def _assigned_to(membership: Membership) -> Exists:
    """Cases the member is assigned to, as a semi-join (see ``access.visible_cases_filter``)."""
    return Exists(Assignment.objects.filter(case_id=OuterRef("pk"), membership_id=membership.pk))


def with_assignees(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Add the assignees (and their user names) in one extra query for the whole page."""
    return cases.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("membership__user").order_by("assigned_at"),
        )
    )


def my_cases(*, membership: Membership | None) -> list[Case]:
    """
    The "My cases" list: the member's open assigned cases, divergent risk views first, then urgency
    and the nearest due date. Being assigned is itself what lets a member see a case (AZ-03), so
    the assignment semi-join is the whole visibility filter here.
    """
    if membership is None or not _active(membership):
        return []
    cases = (
        Case.objects.filter(_assigned_to(membership), organisation_id=membership.organisation_id)
        .exclude(status__in=CLOSED_STATUSES)
        .only(*LIST_COLUMNS)
        .order_by(*(key.order(forward=True) for key in MY_CASES_ORDER))
    )
    return list(cases[:CASES_PER_PAGE])


def unread_notifications(*, membership: Membership | None) -> list[Notification]:
    """Return the member's unread in-app notifications with their cases' codes, newest first."""
    if membership is None:
        return []
    return list(
        Notification.objects.filter(recipient=membership, read_at__isnull=True)
        .select_related("case", "actor__user")
        .order_by("-created_at")[:20]
    )


def _check_sees(membership: Acting | None, case: Case) -> None:
    """
    Refuse, as not found (AZ-02, AZ-03), a member who may not see ``case``; ``SYSTEM`` (the
    ``haven cases`` command, a service called with no person behind it) passes, as in the
    services' own checks. Inside a case page reading the case's object rule costs no query:
    ``case_get`` already answered it.
    """
    if membership is None or not permits(membership, Permission.CASE_VIEW, case):
        raise CaseNotFoundError


def case_principal_defender(*, membership: Acting, case: Case) -> Defender | None:
    """Return the defender at the centre of ``case``, for a member who may see it (404 otherwise)."""
    _check_sees(membership, case)
    return (
        case.defenders.select_related(CASE_KEYS).order_by("case_links__role", "created_at").first()
    )


def notes_for_case(*, membership: Membership | None, case: Case) -> QuerySet[Note]:
    """Return the notes of a case, for a member who may see it (404 otherwise, AZ-02)."""
    _check_sees(membership, case)
    return Note.objects.filter(case=case, organisation_id=case.organisation_id).order_by(
        "created_at"
    )


def case_facts(*, membership: Acting, case: Case, assessed_on: Any = None) -> dict[str, Any]:
    """
    Return the case's full facts document: its own part and its threat, prosecution and dependant
    rows, for a member who may see the case (404 otherwise, AZ-02).
    """
    _check_sees(membership, case)
    threats = Threat.objects.filter(case=case).order_by("recorded_at")
    prosecutions = Prosecution.objects.filter(case=case).order_by("recorded_at")
    dependants = Dependant.objects.filter(case=case).order_by("recorded_at")
    facts = build_facts(
        case.facts,
        threats=[(threat.details, threat.narrative) for threat in threats],
        prosecutions=[item.details for item in prosecutions],
        dependants=[item.details for item in dependants],
        assessed_on=assessed_on,
    )
    return contribute_facts(case, facts)


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing that happened on a case, for the case page (``when``: ``at`` in words,
    put there by the page that shows it)."""

    kind: str
    at: Any
    record: Any
    when: str = ""


@dataclass(frozen=True)
class CaseRecords:
    """Every record of one case, each table read once, for the case page."""

    threats: list[Threat]
    prosecutions: list[Prosecution]
    dependants: list[Dependant]
    consents: list[Consent]
    assessments: list[Assessment]
    decisions: list[AssessmentDecision]
    corrections: list[RecordCorrection]
    status_changes: list[StatusChange]
    attachments: list[Attachment]
    notes: list[Note]
    assignments: list[Assignment]

    def shown_facts(self, case: Case) -> dict[str, Any]:
        """
        The facts the case page shows: the case's own document with its dependants, as ``facts``
        builds them, without the threats and prosecutions the page lists from their own rows (so
        no threat's narrative is decrypted for the facts card).
        """
        return build_facts(case.facts, dependants=[item.details for item in self.dependants])

    def timeline(self) -> list[TimelineEntry]:
        """Threats, assessments, status changes, notes, consents and files, newest first."""
        entries = [
            TimelineEntry(kind, record.recorded_at, record)
            for kind, records in (
                ("threat", self.threats),
                ("assessment", self.assessments),
                ("decision", self.decisions),
                ("correction", self.corrections),
                ("status", self.status_changes),
                ("consent", self.consents),
                ("prosecution", self.prosecutions),
                ("dependant", self.dependants),
                ("attachment", self.attachments),
            )
            for record in records
        ]
        entries.extend(TimelineEntry("note", note.created_at, note) for note in self.notes)
        entries.sort(key=lambda entry: entry.at, reverse=True)
        return entries


#: The tables ``case_records`` reads, by the name ``CaseRecords`` gives their rows.
RECORD_TABLES: dict[str, Any] = {
    "threats": Threat,
    "prosecutions": Prosecution,
    "dependants": Dependant,
    "consents": Consent,
    "assessments": Assessment,
    "decisions": AssessmentDecision,
    "corrections": RecordCorrection,
    "status_changes": StatusChange,
    "attachments": Attachment,
    "notes": Note,
    "assignments": Assignment,
}
#: Columns no reader of ``case_records`` shows or uses: the facts an assessment was run on and
#: its engine messages are read on the assessment's own page, never decrypted for the case page.
UNSHOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "assessments": ("facts_input", "output_messages", "staff_decision"),
}


def _holds(name: str) -> str:
    return f"holds_{name}"


#: ``_record_presence``'s expressions, by database vendor: built at the first case page only.
_PRESENCE: dict[str, dict[str, RawSQL]] = {}


def _record_presence() -> dict[str, RawSQL]:
    """
    For ``case_get(with_records=True)``: whether each record table has a row of the case, as
    one ``EXISTS`` on its indexed ``case_id`` each. Written as SQL because the ORM's ``Exists``
    compiles a whole subquery per table on every request, which cost more than the reads saved;
    built once per process, as nothing in it changes between requests.
    """
    if connection.vendor not in _PRESENCE:
        quote = connection.ops.quote_name
        case_id = f"{quote(Case._meta.db_table)}.{quote('id')}"
        # Only table and column names from the models' own metadata, quoted: no outside input.
        _PRESENCE[connection.vendor] = {
            _holds(name): RawSQL(  # noqa: S611
                f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} WHERE {quote('case_id')} = {case_id})",  # noqa: S608
                (),
                output_field=BooleanField(),
            )
            for name, model in RECORD_TABLES.items()
        }
    return dict(_PRESENCE[connection.vendor])


def _record_query(name: str) -> Callable[..., QuerySet[Any]]:
    """
    The read of table ``name``'s rows of one case of one organisation, oldest first: the case
    and the organisation are its two parameters, so it is compiled once per process (issue 17).
    """
    model: Any = RECORD_TABLES[name]

    def query(*, case: uuid.UUID, organisation: uuid.UUID) -> QuerySet[Any]:
        rows: QuerySet[Any] = model.objects.filter(case_id=case, organisation_id=organisation)
        if name == "notes":
            # Only the author's name is shown: no user row is built per note.
            named: QuerySet[Any] = rows.annotate(author_name=F("author__username"))
            return named.order_by("created_at")
        return rows.defer(*UNSHOWN_COLUMNS.get(name, ())).order_by("recorded_at")

    return query


#: Each record table's read, compiled at its first use (ids no row has stand for the case and
#: its organisation). Assignments are read through the ORM: their rows bring the member's user.
_RECORD_READS: dict[str, CompiledRead[Any]] = {
    name: CompiledRead(_record_query(name), case=uuid.UUID(int=0), organisation=uuid.UUID(int=1))
    for name in RECORD_TABLES
    if name != "assignments"
}


def case_records(*, membership: Membership | None, case: Case) -> CaseRecords:
    """
    Read every record of a case (``case`` comes from ``case_get``): one query per table, none
    for a table that ``case_get(with_records=True)`` found empty. A note carries its author's
    name as ``author_name``.
    """

    def rows(name: str) -> list[Any]:
        if not getattr(case, _holds(name), True):
            return []
        records = _RECORD_READS[name](case=case.pk, organisation=case.organisation_id)
        for record in records:
            record.case = case  # the case's key is already at hand: no query per row
        return records

    records = CaseRecords(
        threats=rows("threats"),
        prosecutions=rows("prosecutions"),
        dependants=rows("dependants"),
        consents=rows("consents"),
        assessments=rows("assessments"),
        decisions=rows("decisions"),
        corrections=rows("corrections"),
        status_changes=rows("status_changes"),
        attachments=rows("attachments"),
        notes=rows("notes"),
        assignments=list(
            case.assignments.select_related("membership__user").order_by("assigned_at")
        )
        if getattr(case, _holds("assignments"), True)
        else [],
    )
    # The page's panels ask for the latest assessment: it is the last of the rows just read.
    already_known(
        _latest_assessment_key(case), records.assessments[-1] if records.assessments else None
    )
    return records


def _latest_assessment_key(case: Case) -> tuple[str, Any]:
    return ("latest assessment", case.pk)


def latest_assessment(*, membership: Membership | None, case: Case) -> Assessment | None:
    """
    The case's latest assessment, for a member who may see the case (404 otherwise, AZ-02); asked
    once per case page reading, where the page has read every assessment already and the asylum
    bridge's tension and deadline panels each want the latest.
    """
    if not may(membership, Permission.CASE_VIEW, case):
        raise CaseNotFoundError
    return read_once(
        _latest_assessment_key(case),
        lambda: Assessment.objects.filter(case=case).order_by("-recorded_at").first(),
    )


def case_assessments(*, membership: Membership | None, case: Case) -> list[Assessment]:
    """Every assessment of the case, newest first, for a member who may see it (404 otherwise)."""
    _check_sees(membership, case)
    return list(Assessment.objects.filter(case=case).order_by("-recorded_at"))


def _record_get(membership: Membership | None, model: Any, record_id: uuid.UUID) -> Any:
    """Return a record whose case the member may see, with that case attached, or 404."""
    try:
        record = model.objects.filter(pk=record_id).only("id", "case_id").first()
    except (ValueError, ValidationError):
        record = None
    if record is None:
        raise CaseNotFoundError
    case = case_get(membership=membership, case_id=record.case_id)
    full = model.objects.get(pk=record_id)
    full.case = case
    return full


def assessment_get(*, membership: Membership | None, assessment_id: uuid.UUID) -> Assessment:
    """Return one assessment of a case the member may see, or 404."""
    assessment: Assessment = _record_get(membership, Assessment, assessment_id)
    return assessment


def attachment_get(*, membership: Membership | None, attachment_id: uuid.UUID) -> Attachment:
    """Return one attachment of a case the member may see, or 404."""
    attachment: Attachment = _record_get(membership, Attachment, attachment_id)
    return attachment


def assessment_decisions(
    *, membership: Membership | None, assessment: Assessment
) -> list[AssessmentDecision]:
    """Every staff decision on an assessment (``assessment`` from ``assessment_get``), newest first."""
    decisions = list(
        AssessmentDecision.objects.filter(assessment=assessment)
        .select_related("recorded_by")
        .order_by("-recorded_at")
    )
    for decision in decisions:
        decision.case = assessment.case
    return decisions


def record_corrections(
    *, membership: Membership | None, case: Case, kind: str, record_id: uuid.UUID
) -> list[RecordCorrection]:
    """The corrections of one record of ``case`` (from ``case_get``), newest first."""
    corrections = list(
        RecordCorrection.objects.filter(case=case, record_kind=kind, record_id=record_id)
        .select_related("recorded_by")
        .order_by("-recorded_at")
    )
    for correction in corrections:
        correction.case = case
    return corrections


#: The records that can be corrected, by the kind named in the correction URL: the model's name,
#: as ``RecordCorrection.record_kind`` stores it.
CORRECTABLE_MODELS: dict[str, Any] = {
    str(model._meta.model_name): model for model in (Threat, Prosecution, Dependant, Consent)
}


def correctable_record_get(
    *, membership: Membership | None, kind: str, record_id: uuid.UUID
) -> Any:
    """Return a threat, prosecution, dependant or consent of a case the member may see, or 404."""
    model = CORRECTABLE_MODELS.get(kind)
    if model is None:
        raise CaseNotFoundError
    return _record_get(membership, model, record_id)


def consent_get(*, membership: Membership | None, consent_id: uuid.UUID) -> Consent:
    """Return one consent record of a case the member may see, or 404."""
    consent: Consent = _record_get(membership, Consent, consent_id)
    return consent


def case_assignable_members(*, membership: Membership | None, case: Case) -> QuerySet[Membership]:
    """
    Members of the case's organisation who can work on cases, for the assignment form: for a member
    who may change that case's team; 404 for anyone else (AZ-02, AZ-03).
    """
    if not may(membership, Permission.CASE_ASSIGN, case):
        raise CaseNotFoundError
    return (
        Membership.objects.filter(
            organisation_id=case.organisation_id,
            is_active=True,
            role__in=(Role.CASEWORKER, Role.LEGAL_ADVISER, Role.COORDINATOR),
        )
        .select_related("user")
        .order_by("user__username")
    )


def is_assigned(*, membership: Membership, case: Case) -> bool:
    return Assignment.objects.filter(case=case, membership=membership).exists()


def sees_by_break_glass(
    *, membership: Membership, case: Case, assignments: list[Assignment] | None = None
) -> bool:
    """Whether the member sees the case only through an emergency grant (the page says so)."""
    if supervises_all_cases(membership):
        return False
    if assignments is not None:
        # ``case`` came from ``case_get``: not assigned means it is visible through a grant.
        return membership.pk not in {assignment.membership_id for assignment in assignments}
    if is_assigned(membership=membership, case=case):
        return False
    return case.break_glass_grants.filter(
        membership=membership, expires_at__gt=timezone.now()
    ).exists()


# Erasure requests -------------------------------------------------------------------------------

ERASURE_PEOPLE = ("case", "requested_by", "approved_by", "declined_by")


def _erasures(membership: Membership | None) -> QuerySet[CaseErasure]:
    """The erasure requests of the member's organisation, for coordinators only (else none)."""
    if membership is None or not may(membership, Permission.CASE_ERASE):
        return CaseErasure.objects.none()
    return CaseErasure.objects.filter(organisation_id=membership.organisation_id).select_related(
        *ERASURE_PEOPLE
    )


def erasure_get(*, membership: Membership | None, erasure_id: uuid.UUID) -> CaseErasure:
    """One erasure request of the member's organisation, for a coordinator; Http404 otherwise."""
    try:
        return _erasures(membership).get(pk=erasure_id)
    except CaseErasure.DoesNotExist:
        raise Http404 from None


def erasures_pending(*, membership: Membership | None) -> list[CaseErasure]:
    """Requests waiting for a second coordinator and not yet expired, oldest first."""
    return list(
        _erasures(membership)
        .filter(state=ErasureState.PENDING, expires_at__gt=timezone.now())
        .order_by("requested_at")[:CASES_PER_PAGE]
    )


def case_erasures(*, membership: Membership | None, case: Case) -> list[CaseErasure]:
    """The erasure requests of a case fetched with ``case_get``, newest first."""
    return list(_erasures(membership).filter(case=case).order_by("-requested_at"))
