"""Running the engines on a case and storing their advice beside the staff's decision."""

import uuid

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import permits, record_action
from haven.audit.events import EventType
from haven.cases.engine_messages import encode
from haven.cases.errors import CaseError
from haven.cases.models import Assessment, AssessmentDecision, Case
from haven.cases.selectors import case_facts
from haven.cases.services.guards import (
    check_live,
    check_permitted,
    on_case,
    raise_problems,
    required_reason,
    touch,
)
from haven.cases.services.receipts import form_receipt_claim
from haven.domain.assessment import assess
from haven.domain.facts import FactsError, parse_facts
from haven.domain.risk import LEVELS
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.reference import civicus_ratings, seed_programmes
from haven.vault.keyring import keyring_scope

UNKNOWN_RISK_LEVEL = _("A risk level must be low, medium, high or critical.")
NOT_THE_LATEST_ASSESSMENT = _(
    "A newer assessment of this case exists: record your decision on the latest one."
)


@transaction.atomic
def assessment_run(
    *,
    membership: Membership,
    case: Case,
    staff_risk_level: str | None = None,
    defender_risk_level: str | None = None,
    staff_decision: str = "",
    submission_token: uuid.UUID | None = None,
) -> Assessment:
    """
    Build the case facts from the records, run every engine, and store input, output and
    ``engine_version`` beside the staff's decision and the defender's own view of their risk.

    The defender's view given here is written into the facts the engines read (``own_risk_level``)
    so the stored input is exactly what produced the output. Side effects: one
    ``case.assessment_recorded`` event; the case's ``risk_views_diverge`` flag is refreshed for the
    dashboard. Raises CaseError when the facts do not pass the engines' checks.

    The staff decision proper is made afterwards, once the result has been read
    (``assessment_decide``); the workspace runs the engines without a staff level. The API and the
    demo may still give a staff view here: it is kept as the view given with the run, and is not
    a decision (the lifecycle asks for one before the case moves on to pathway planning).

    Permission: CASE_EDIT on the case (404 otherwise, AZ-02), as the page that runs it declares.
    """
    check_permitted(membership, Permission.CASE_EDIT, case)
    form_receipt_claim(token=submission_token, case=case)
    check_live(case)
    if (staff_risk_level is not None and staff_risk_level not in LEVELS) or (
        defender_risk_level is not None and defender_risk_level not in LEVELS
    ):
        raise CaseError(UNKNOWN_RISK_LEVEL)
    with keyring_scope():
        facts = case_facts(membership=membership, case=case, assessed_on=timezone.localdate())
        if defender_risk_level:
            facts.setdefault("defender", {})["own_risk_level"] = defender_risk_level
        try:
            parsed = parse_facts(facts)
        except FactsError as error:
            raise_problems(list(error.problems))
            raise
        output = assess(
            parsed,
            programmes=seed_programmes(),
            staff_risk_level=staff_risk_level,
            civic_space_ratings=civicus_ratings(),
        )
        diverge = any("divergence" in view for view in output.get("risk_views", []))
        assessment = Assessment(
            **on_case(case, membership),
            engine_version=output["engine_version"],
            facts_input=facts,
            output=output,
            output_messages=encode(output),
            staff_risk_level=staff_risk_level,
            defender_risk_level=facts.get("defender", {}).get("own_risk_level"),
            staff_decision=staff_decision.strip() or None,
            views_diverge=diverge,
        )
        assessment.save()
    touch(case, risk_views_diverge=diverge)
    record_action(
        EventType.ASSESSMENT_RECORDED,
        membership,
        case,
        {
            "assessment_id": assessment.pk,
            "engine_version": assessment.engine_version,
            "views_diverge": diverge,
        },
    )
    return assessment


@transaction.atomic
def assessment_decide(
    *,
    membership: Membership,
    assessment: Assessment,
    staff_risk_level: str,
    reasons: str,
    submission_token: uuid.UUID | None = None,
) -> AssessmentDecision:
    """
    Record the staff decision on an assessment whose result the member has read: their risk
    level and reasons, beside the engine's level and ``engine_version``.

    A decision on an assessment that is not the case's latest is refused (decide on what the
    engines say now). A new decision supersedes the previous one and both stay on record. The
    assessment's staff level and the case's ``risk_views_diverge`` flag follow the decision, so
    matching and the dashboard read the human's level. Permission: CASE_EDIT on the case (404
    otherwise). Side effect: one ``case.assessment_decided`` event with ids, the engine version
    and whether the decision follows the engine (never the reasons). Raises CaseError.
    """
    case = assessment.case
    if not permits(membership, Permission.CASE_EDIT, case):
        raise Http404
    form_receipt_claim(token=submission_token, case=case)
    check_live(case)
    if staff_risk_level not in LEVELS:
        raise CaseError(UNKNOWN_RISK_LEVEL)
    cleaned = required_reason(reasons)
    latest = Assessment.objects.filter(case=case).order_by("-recorded_at").values("pk").first()
    if latest is None or latest["pk"] != assessment.pk:
        raise CaseError(NOT_THE_LATEST_ASSESSMENT)
    with keyring_scope():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        locked.case = case
        output = locked.output or {}
        engine_level = output.get("risk", {}).get("level")
        decision = AssessmentDecision(
            case=case,
            organisation_id=case.organisation_id,
            assessment=locked,
            recorded_by=membership.user,
            engine_version=locked.engine_version,
            engine_risk_level=engine_level,
            staff_risk_level=staff_risk_level,
            reasons=cleaned,
        )
        decision.save()
        # As the engines' risk views compare: each human view against the risk on return where
        # it was assessed (else the risk now), and the defender's against the staff's.
        reference = (output.get("risk_on_return") or {}).get("level") or engine_level
        humans = [level for level in (staff_risk_level, locked.defender_risk_level) if level]
        diverge = any(level != reference for level in humans) or len(set(humans)) > 1
        locked.staff_risk_level = staff_risk_level
        locked.views_diverge = diverge
        locked.save(update_fields=["staff_risk_level", "views_diverge"])
    touch(case, risk_views_diverge=diverge)
    record_action(
        EventType.ASSESSMENT_DECIDED,
        membership,
        case,
        {
            "assessment_id": locked.pk,
            "decision_id": decision.pk,
            "engine_version": locked.engine_version,
            "follows_engine": decision.follows_engine,
        },
    )
    return decision
