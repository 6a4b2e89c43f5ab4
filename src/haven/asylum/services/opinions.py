"""
The legal opinion: a legal adviser's view on each element the protection engine found, recorded
beside the engine's outcome, findings and version as they were.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from haven.asylum.errors import AsylumError
from haven.asylum.models import OPINION_FINDINGS, OPINION_OUTCOMES, ElementView, LegalOpinion
from haven.asylum.services.common import audit_record, case_for
from haven.audit.events import EventType
from haven.cases.models import Assessment, Case
from haven.cases.services.guards import on_case
from haven.cases.vocabulary import term
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.vault.keyring import keyring_scope

NO_PROTECTION_OUTPUT = _("This assessment has no protection findings to give an opinion on.")
ELEMENTS_MISSING = _("Give a view on every element: %(elements)s.")
DISAGREEMENT_WITHOUT_REASONS = _(
    "A disagreement needs reasons: say why you disagree on %(elements)s."
)
DISAGREEMENT_SAME_FINDING = _(
    "You disagree on %(elements)s but chose the engine's own finding: choose your finding."
)
UNKNOWN_FINDING = _("Choose a finding from the list.")
OVERALL_MISSING = _("Give your overall opinion, with its reasons.")


@dataclass(frozen=True)
class ElementOpinion:
    """The adviser's view on one element: agree, or disagree with a finding, reasons and sources."""

    view: str
    finding: str = ""
    reasons: str = ""
    sources: str = ""


def engine_elements(assessment: Assessment) -> dict[str, str]:
    """The protection engine's finding per element in ``assessment`` (open key ring)."""
    protection = (assessment.output or {}).get("protection") or {}
    return {
        name: str(element.get("finding", ""))
        for name, element in (protection.get("elements") or {}).items()
    }


@transaction.atomic
def legal_opinion_record(
    *,
    membership: Membership,
    case: Case,
    assessment: Assessment,
    elements: Mapping[str, ElementOpinion],
    overall: str,
    overall_reasons: str,
) -> LegalOpinion:
    """
    Record a legal adviser's opinion on ``assessment``, element by element, beside the engine's
    outcome, findings and version as they were. A disagreement needs reasons and a finding of the
    adviser's own; every element needs a view. The opinion diverges when any element is disagreed
    with or the overall opinion differs from the engine's outcome: the case page then shows it.

    Permission: ASYLUM_LEGAL_OPINION on the case. Side effect: ``asylum.opinion_recorded``.
    Raises AsylumError (nothing saved).
    """
    case = case_for(membership, case, Permission.ASYLUM_LEGAL_OPINION)
    if assessment.case_id != case.pk:
        raise Http404
    with keyring_scope():
        engine = engine_elements(assessment)
        engine_outcome = str(((assessment.output or {}).get("protection") or {}).get("outcome", ""))
        if not engine:
            raise AsylumError(NO_PROTECTION_OUTPUT)
        missing = [name for name in engine if name not in elements]
        if missing or any(
            elements[name].view not in ElementView.values for name in engine if name in elements
        ):
            raise AsylumError(ELEMENTS_MISSING, elements=_names(missing or list(engine)))
        disagreed = [name for name in engine if elements[name].view == ElementView.DISAGREE]
        if any(elements[name].finding not in OPINION_FINDINGS.values for name in disagreed):
            raise AsylumError(UNKNOWN_FINDING)
        unreasoned = [name for name in disagreed if not elements[name].reasons.strip()]
        if unreasoned:
            raise AsylumError(DISAGREEMENT_WITHOUT_REASONS, elements=_names(unreasoned))
        same = [name for name in disagreed if elements[name].finding == engine[name]]
        if same:
            raise AsylumError(DISAGREEMENT_SAME_FINDING, elements=_names(same))
        if overall not in OPINION_OUTCOMES.values or not overall_reasons.strip():
            raise AsylumError(OVERALL_MISSING)
        opinion = LegalOpinion(
            **on_case(case, membership),
            assessment=assessment,
            engine_version=assessment.engine_version,
            engine_outcome=engine_outcome,
            elements={
                name: {
                    "engine": engine[name],
                    "view": elements[name].view,
                    "finding": (
                        elements[name].finding
                        if elements[name].view == ElementView.DISAGREE
                        else engine[name]
                    ),
                    "reasons": elements[name].reasons.strip(),
                    "sources": elements[name].sources.strip(),
                }
                for name in engine
            },
            overall=overall,
            overall_reasons=overall_reasons.strip(),
            diverges=bool(disagreed) or overall != engine_outcome,
        )
        opinion.save()
    audit_record(EventType.ASYLUM_OPINION_RECORDED, membership, case, opinion)
    return opinion


def _names(elements: Sequence[str]) -> str:
    return ", ".join(term(name) for name in elements)
