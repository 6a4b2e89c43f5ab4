"""A case's assessments: the latest (read once per case page), all of them, one by id, its decisions."""

import uuid

from haven.cases.models import Assessment, AssessmentDecision, Case
from haven.cases.reading import read_once
from haven.cases.selectors.case import _record_get
from haven.cases.selectors.common import CaseNotFoundError, _check_sees
from haven.cases.selectors.records import _latest_assessment_key
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may


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


def assessment_get(*, membership: Membership | None, assessment_id: uuid.UUID) -> Assessment:
    """Return one assessment of a case the member may see, or 404."""
    assessment: Assessment = _record_get(membership, Assessment, assessment_id)
    return assessment


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
