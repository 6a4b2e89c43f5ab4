"""
The case itself: the cases a member may see, one case by id (with its record tables' presence and
the other apps' questions, for the case page) or by code (break-glass), and one record of a case (an
attachment, a consent) by id through its case's check.
"""

import datetime
import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from haven.accounts.compiled import CompiledRead, Value
from haven.accounts.round_trips import read_together
from haven.audit.models import ChainHead
from haven.audit.services import head_read_ahead
from haven.cases.access import (
    case_seen,
    one_case_filter,
    supervises_all_cases,
    visible_cases_filter,
)
from haven.cases.models import Assignment, Attachment, Case, CaseStatus, Consent
from haven.cases.reading import case_questions, remember_case_answers
from haven.cases.selectors.common import CASE_KEYS, CaseNotFoundError, _active
from haven.cases.selectors.records import _record_presence
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, may


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


#: Stand-ins for the case read's values, compiled once per process: ids and a time no row has.
_CASE, _ORGANISATION, _MEMBER = (uuid.UUID(int=number) for number in (1, 2, 3))
_NOW = datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC)


def _case_query(
    *, supervises: bool, with_records: bool, annotations: tuple[str, ...]
) -> Callable[..., QuerySet[Case]]:
    """
    The query of one case a member may see, by its id, for a member who supervises every case
    of the organisation or for one who must be assigned or hold a grant; ``with_records`` adds
    the record tables' presence and the other apps' questions (``annotations`` names them).
    """

    def query(
        *, case: uuid.UUID, organisation: uuid.UUID, member: uuid.UUID, now: datetime.datetime
    ) -> QuerySet[Case]:
        role = Role.COORDINATOR if supervises else Role.CASEWORKER
        asking = Membership(pk=member, organisation_id=organisation, role=role)
        cases = (
            Case.objects.filter(one_case_filter(asking, now=now), pk=case)
            .exclude(status=CaseStatus.ERASED)
            .select_related(CASE_KEYS)
        )
        if with_records:
            annotated = {**_record_presence(), **case_questions()}
            assert tuple(annotated) == annotations, "the questions changed since the call"
            cases = cases.annotate(**annotated)
            if not supervises:
                # Whether the member is on the case's team (else a grant let them in): the case
                # page's event says so before the team is read (``sees_by_break_glass``).
                cases = cases.annotate(
                    member_assigned=Exists(
                        Assignment.objects.filter(case_id=OuterRef("pk"), membership_id=member)
                    )
                )
        return cases

    return query


#: ``_case_query``'s reads, compiled at their first use (issue 17: building and compiling the
#: case's query, with its probes and questions, cost more than running it), by the member's kind,
#: ``with_records`` and the questions registered then.
_CASE_READS: dict[tuple[bool, bool, tuple[str, ...]], CompiledRead[Case]] = {}


def _case_read(membership: Membership, *, with_records: bool) -> CompiledRead[Case]:
    supervises = supervises_all_cases(membership)
    annotations = tuple({**_record_presence(), **case_questions()}) if with_records else ()
    key = (supervises, with_records, annotations)
    if key not in _CASE_READS:
        query = _case_query(
            supervises=supervises, with_records=with_records, annotations=annotations
        )
        stand_ins: dict[str, Value] = {"case": _CASE, "organisation": _ORGANISATION}
        if not supervises:
            stand_ins.update(member=_MEMBER, now=_NOW)
        _CASE_READS[key] = CompiledRead(
            functools.partial(query, member=_MEMBER, now=_NOW) if supervises else query,
            **stand_ins,
        )
    return _CASE_READS[key]


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
        case_pk = case_id if isinstance(case_id, uuid.UUID) else uuid.UUID(str(case_id))
    except ValueError:
        raise CaseNotFoundError from None
    values: dict[str, Any] = {"case": case_pk, "organisation": membership.organisation_id}
    if not supervises_all_cases(membership):
        values.update(member=membership.pk, now=timezone.now())
    read = _case_read(membership, with_records=with_records)
    if with_records and connection.vendor == "postgresql":
        # The case page records its view next (``case_viewed``): on PostgreSQL the audit
        # chain's head rides in the case's round trip, sparing the event's own read of it, and
        # is kept for the event only if the case is found (issue 17).
        found, heads = read_together([(read, values), (_CHAIN_HEAD_READ, {})])
    else:
        found, heads = read(**values), []
    if not found:
        raise CaseNotFoundError
    case: Case = found[0]
    if heads:
        head_read_ahead(heads[0])
    if with_records:
        remember_case_answers(case)
    case_seen(membership, case)
    return case


def case_by_break_glass(*, membership: Membership, case: Case) -> bool:
    """
    For ``case_get(with_records=True)``'s case: whether the member sees it only through an
    emergency grant, as ``sees_by_break_glass`` answers from the case's team, without the team.
    """
    if supervises_all_cases(membership):
        return False
    return not case.member_assigned  # type: ignore[attr-defined]


def _chain_head_query() -> QuerySet[ChainHead]:
    return ChainHead.objects.filter(id=1)


#: The audit chain's head, read with the case for the page's event (``head_read_ahead``).
_CHAIN_HEAD_READ = CompiledRead(_chain_head_query)


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


def attachment_get(*, membership: Membership | None, attachment_id: uuid.UUID) -> Attachment:
    """Return one attachment of a case the member may see, or 404."""
    attachment: Attachment = _record_get(membership, Attachment, attachment_id)
    return attachment


def consent_get(*, membership: Membership | None, consent_id: uuid.UUID) -> Consent:
    """Return one consent record of a case the member may see, or 404."""
    consent: Consent = _record_get(membership, Consent, consent_id)
    return consent
