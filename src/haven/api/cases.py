"""Cases, threats and assessments through the API: the same selectors as the case pages."""

import uuid
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from haven.api.models import Scope
from haven.api.operations import answers, operation
from haven.cases import selectors
from haven.cases.models import Case

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


def _membership(request: HttpRequest) -> Any:
    return request.membership  # type: ignore[attr-defined]


@router.get("/cases", response=answers(list[CaseSummary]))
@paginate(LimitOffsetPagination)
@operation(Scope.READ_CASES)
def case_list(request: HttpRequest) -> QuerySet[Case]:
    """The cases the token's member may see, newest first; no identities."""
    return selectors.visible_cases(membership=_membership(request)).order_by("-created_at", "id")


@router.get("/cases/{uuid:case_id}", response=answers(CaseDetail))
@operation(Scope.READ_CASES)
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> dict[str, Any]:
    """One case: its status, team and how many threats and assessments it holds."""
    membership = _membership(request)
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
def case_threats(request: HttpRequest, case_id: uuid.UUID) -> list[Any]:
    """The case's threat log, oldest first."""
    membership = _membership(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    return selectors.case_records(membership=membership, case=case).threats


@router.get("/cases/{uuid:case_id}/assessments", response=answers(list[AssessmentOut]))
@operation(Scope.READ_CASES)
def case_assessments(request: HttpRequest, case_id: uuid.UUID) -> list[Any]:
    """Every assessment of the case, newest first, with the engines' output and version."""
    membership = _membership(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    return selectors.case_assessments(membership=membership, case=case)
