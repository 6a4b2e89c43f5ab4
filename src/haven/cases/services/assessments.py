"""Running the engines on a case and storing their advice beside the staff's decision."""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import record_action
from haven.audit.events import EventType
from haven.cases.engine_messages import encode
from haven.cases.errors import CaseError
from haven.cases.models import Assessment, Case
from haven.cases.selectors import case_facts
from haven.cases.services.guards import check_live, raise_problems
from haven.cases.services.receipts import form_receipt_claim
from haven.domain.assessment import assess
from haven.domain.facts import FactsError, parse_facts
from haven.domain.risk import LEVELS
from haven.organisations.models import Membership
from haven.reference import civicus_ratings, seed_programmes
from haven.vault.keyring import keyring_scope

UNKNOWN_RISK_LEVEL = _("A risk level must be low, medium, high or critical.")


@transaction.atomic
def assessment_run(
    *,
    membership: Membership,
    case: Case,
    staff_risk_level: str,
    defender_risk_level: str | None,
    staff_decision: str,
    submission_token: uuid.UUID | None = None,
) -> Assessment:
    """
    Build the case facts from the records, run every engine, and store input, output and
    ``engine_version`` beside the staff's decision and the defender's own view of their risk.

    The defender's view given here is written into the facts the engines read (``own_risk_level``)
    so the stored input is exactly what produced the output. Side effects: one
    ``case.assessment_recorded`` event; the case's ``risk_views_diverge`` flag is refreshed for the
    dashboard. Raises CaseError when the facts do not pass the engines' checks.
    """
    form_receipt_claim(token=submission_token, case=case)
    check_live(case)
    if staff_risk_level not in LEVELS or (
        defender_risk_level is not None and defender_risk_level not in LEVELS
    ):
        raise CaseError(UNKNOWN_RISK_LEVEL)
    with keyring_scope():
        facts = case_facts(case, assessed_on=timezone.localdate())
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
            case=case,
            organisation_id=case.organisation_id,
            recorded_by=membership.user,
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
    Case.objects.filter(pk=case.pk).update(risk_views_diverge=diverge, updated_at=timezone.now())
    case.risk_views_diverge = diverge
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
