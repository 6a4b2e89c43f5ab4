"""
The assembled assessment: every engine run on one set of facts, as a ``haven.assessment/1`` dict.

Order matters and follows the dependencies: screening, then risk now and on return, then
protection (which weighs the forward-looking risk), then the regime map, pathways and tension
(which read protection), then programme eligibility (which reads screening and protection).

The caller supplies everything that comes from outside: the programme catalogue, the staff's view
of the risk and civic-space ratings to fall back on. Nothing here reads files or settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from haven.domain.eligibility import EligibilityInput, evaluate_catalogue
from haven.domain.facts import CaseFacts
from haven.domain.hrd import screen_defender
from haven.domain.messages import gettext_noop, say
from haven.domain.pathways import flag_tension, map_regimes, programme_expects_return, rank_pathways
from haven.domain.protection import ELEMENT_QUESTIONS, assess_protection
from haven.domain.risk import (
    LEVELS,
    CivicSpaceRatings,
    RiskAssessment,
    assess_risk,
    assess_risk_on_return,
    is_outside_country_of_risk,
    risk_views,
)
from haven.domain.version import engine_version

ASSESSMENT_SCHEMA_ID = "haven.assessment/1"


def _risk_dict(risk: RiskAssessment) -> dict[str, Any]:
    return {"level": risk.level, "score": risk.score, "reasons": list(risk.reasons)}


def _find_programme(
    programmes: Sequence[Mapping[str, Any]] | None, programme_id: str | None
) -> Mapping[str, Any] | None:
    if not programmes or programme_id is None:
        return None
    return next(
        (programme for programme in programmes if programme.get("id") == programme_id), None
    )


def assess(
    facts: CaseFacts,
    *,
    programmes: Sequence[Mapping[str, Any]] | None = None,
    staff_risk_level: str | None = None,
    civic_space_ratings: CivicSpaceRatings | None = None,
) -> dict[str, Any]:
    """
    Run every engine and return the schema-conformant assessment.

    ``programmes`` adds a ``programmes`` section with each programme's eligibility, and lets the
    tension engine read the defender's programme's return rule and asylum policy.
    ``staff_risk_level`` is the staff's view of the risk, shown beside the engine's and the
    defender's own. Raises ``ValueError`` for a staff level that is not a risk level.
    """
    if staff_risk_level is not None and staff_risk_level not in LEVELS:
        raise ValueError(f"staff_risk_level must be one of {', '.join(LEVELS)}")
    hrd = screen_defender(facts)
    risk = assess_risk(facts, civic_space_ratings=civic_space_ratings)
    if is_outside_country_of_risk(facts) and facts.context.country:
        risk = RiskAssessment(
            risk.level,
            risk.score,
            (
                say(
                    "risk.now_elsewhere",
                    gettext_noop(
                        "Risk now is the risk the defender would face in %(country)s; they are in "
                        "%(current)s."
                    ),
                    country=facts.context.country,
                    current=str(facts.defender.current_country),
                ),
                *risk.reasons,
            ),
        )
    on_return = assess_risk_on_return(facts, civic_space_ratings=civic_space_ratings)
    protection = assess_protection(facts, hrd=hrd, risk=on_return or risk)
    own_programme = _find_programme(programmes, facts.relocation.programme_id)
    catalogue_rule = own_programme.get("requires_return_intent") if own_programme else None
    expects_return = programme_expects_return(facts, catalogue_rule)
    asylum_policy = own_programme.get("asylum_policy") if own_programme else None
    regimes = map_regimes(
        facts, protection=protection, risk_on_return=on_return, expects_return=expects_return
    )
    pathways = rank_pathways(
        facts,
        risk=risk,
        risk_on_return=on_return,
        protection=protection,
    )
    tension = flag_tension(
        facts,
        protection=protection,
        risk_on_return=on_return,
        expects_return=expects_return,
        asylum_policy=asylum_policy,
    )

    result: dict[str, Any] = {
        "schema": ASSESSMENT_SCHEMA_ID,
        "engine_version": engine_version(),
        "hrd": {"status": hrd.status, "reasons": list(hrd.reasons)},
        "risk": _risk_dict(risk),
    }
    if on_return is not None:
        result["risk_on_return"] = _risk_dict(on_return)
    views = risk_views(
        risk, on_return, staff_level=staff_risk_level, defender_level=facts.defender.own_risk_level
    )
    result["risk_views"] = [
        {"source": view.source, "level": view.level}
        | ({"divergence": view.divergence} if view.divergence else {})
        for view in views
    ]
    result["protection"] = {
        "outcome": protection.outcome,
        "standard_of_proof": protection.standard_of_proof,
        "jurisdiction": protection.jurisdiction,
        "reasons": list(protection.reasons),
        "elements": {
            name: {
                "finding": element.finding,
                "question": ELEMENT_QUESTIONS[name],
                "reasons": list(element.reasons),
                "sources": list(element.sources),
            }
            for name, element in protection.elements.items()
        },
    }
    result["regimes"] = {
        name: {"status": standing.status, "reasons": list(standing.reasons)}
        for name, standing in regimes.items()
    }
    result["pathways"] = [
        {"pathway": item.pathway, "suitability": item.suitability, "reasons": list(item.reasons)}
        | ({"cautions": list(item.cautions)} if item.cautions else {})
        for item in pathways
    ]
    result["tension"] = {
        "flag": tension.flag,
        "reasons": list(tension.reasons),
        "actions": list(tension.actions),
    }
    if programmes is not None:
        data = EligibilityInput(facts=facts, hrd=hrd, protection_outcome=protection.outcome)
        result["programmes"] = [
            {
                "id": verdict.programme_id,
                "eligible": verdict.eligible.as_json(),
                "reasons": list(verdict.reasons),
            }
            for verdict in evaluate_catalogue(programmes, data)
        ]
    return result
