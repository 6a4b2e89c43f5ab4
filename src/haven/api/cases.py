"""
Cases, threats and assessments through the API: the same selectors and services as the case pages.

Writing needs the token's ``records:write`` scope and the member's ``cases.edit`` permission on the
case; the services check the record itself (the engines' parser) exactly as for the web forms.
"""

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from haven.api.models import Scope
from haven.api.operations import Pages, answers, operation
from haven.api.requests import ApiRequest
from haven.cases import selectors, services
from haven.cases.models import Case
from haven.organisations.policy import Permission, may

router = Router(tags=["cases"])


class CaseSummary(Schema):
    id: uuid.UUID
    code: str
    status: str
    urgency: str
    next_due_on: date | None
    created_at: datetime
    updated_at: datetime


class TeamMember(Schema):
    membership_id: uuid.UUID
    username: str
    role: str


class CaseDetail(CaseSummary):
    team: list[TeamMember]
    threats: int
    assessments: int


class ThreatOut(Schema):
    id: uuid.UUID
    recorded_at: datetime
    details: dict[str, Any]
    narrative: str


class AssessmentOut(Schema):
    id: uuid.UUID
    recorded_at: datetime
    engine_version: str
    staff_risk_level: str
    defender_risk_level: str
    views_diverge: bool
    output: dict[str, Any]


RiskLevel = Literal["low", "medium", "high", "critical"]


class ThreatIn(Schema):
    """A threat as the case facts describe one (date, kind, actor, ...), checked by the engines."""

    details: dict[str, Any]
    narrative: str | None = Field(default=None, max_length=2000)


class AssessmentIn(Schema):
    staff_risk_level: RiskLevel
    defender_risk_level: RiskLevel | None = None
    staff_decision: str = Field(default="", max_length=5000)


def _editable_case(request: ApiRequest, case_id: uuid.UUID) -> Case:
    """The case, if the member may see it and edit it; 404 either way otherwise."""
    membership = request.membership
    case = selectors.case_get(membership=membership, case_id=case_id)
    if not may(membership, Permission.CASE_EDIT, case):
        raise Http404
    return case


def _recorded(
    request: ApiRequest, case_id: uuid.UUID, record: Callable[..., Any], sent: Schema
) -> Status[Any]:
    """
    Run the write service ``record`` on a case the member may edit and answer 201 with what it
    recorded. Each input schema's fields are its service's own arguments, passed as sent.
    """
    case = _editable_case(request, case_id)
    return Status(201, record(membership=request.membership, case=case, **sent.model_dump()))


@router.get("/cases", response=answers(list[CaseSummary]))
@paginate(Pages)
@operation(Scope.READ_CASES)
def case_list(request: ApiRequest) -> QuerySet[Case]:
    """The cases the token's member may see, newest first; no identities."""
    return selectors.visible_cases(membership=request.membership).order_by("-created_at", "id")


@router.get("/cases/{uuid:case_id}", response=answers(CaseDetail))
@operation(Scope.READ_CASES)
def case_detail(request: ApiRequest, case_id: uuid.UUID) -> dict[str, Any]:
    """One case: its status, team and how many threats and assessments it holds."""
    membership = request.membership
    case = selectors.case_get(membership=membership, case_id=case_id)
    records = selectors.case_records(membership=membership, case=case)
    return {
        **CaseSummary.from_orm(case).dict(),
        "team": [
            {
                "membership_id": assignment.membership_id,
                "username": assignment.membership.user.username,
                "role": assignment.membership.role,
            }
            for assignment in records.assignments
        ],
        "threats": len(records.threats),
        "assessments": len(records.assessments),
    }


@router.get("/cases/{uuid:case_id}/threats", response=answers(list[ThreatOut]))
@operation(Scope.READ_CASES)
def case_threats(request: ApiRequest, case_id: uuid.UUID) -> list[Any]:
    """The case's threat log, oldest first."""
    membership = request.membership
    case = selectors.case_get(membership=membership, case_id=case_id)
    return selectors.case_records(membership=membership, case=case).threats


@router.get("/cases/{uuid:case_id}/assessments", response=answers(list[AssessmentOut]))
@operation(Scope.READ_CASES)
def case_assessments(request: ApiRequest, case_id: uuid.UUID) -> list[Any]:
    """Every assessment of the case, newest first, with the engines' output and version."""
    membership = request.membership
    case = selectors.case_get(membership=membership, case_id=case_id)
    return selectors.case_assessments(membership=membership, case=case)


@router.post("/cases/{uuid:case_id}/threats", response=answers(ThreatOut, status=201))
@operation(Scope.WRITE_RECORDS)
def threat_create(request: ApiRequest, case_id: uuid.UUID, threat: ThreatIn) -> Status[Any]:
    """Record a threat on the case; refused with the engines' reasons when its facts do not hold."""
    return _recorded(request, case_id, services.threat_record, threat)


@router.post("/cases/{uuid:case_id}/assessments", response=answers(AssessmentOut, status=201))
@operation(Scope.WRITE_RECORDS)
def assessment_create(
    request: ApiRequest, case_id: uuid.UUID, assessment: AssessmentIn
) -> Status[Any]:
    """Run the engines on the case's records and store the result beside the staff's view."""
    return _recorded(request, case_id, services.assessment_run, assessment)
