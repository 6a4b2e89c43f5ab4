"""Invariants of the engines, checked on generated fictional cases."""

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from haven.domain.assessment import assess
from haven.domain.hrd import screen_defender
from haven.domain.protection import assess_protection
from haven.domain.risk import assess_risk, assess_risk_on_return, level_rank
from haven.domain.vocabulary import POSITIVE_OUTCOMES
from tests.domain.strategies import CAPACITIES, EXCLUSION_INDICATORS, case_facts, threat_values

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


@PROPERTY_SETTINGS
@given(facts=case_facts(), extra=threat_values())
def test_another_threat_never_lowers_risk(facts, extra):
    """Adding a threat never lowers the score or the level, now or on return (PI risk equation)."""
    more = dataclasses.replace(facts, threats=(*facts.threats, extra))

    for assess_fn in (assess_risk, assess_risk_on_return):
        before, after = assess_fn(facts), assess_fn(more)
        if before is None:
            continue
        assert after.score >= before.score
        assert level_rank(after.level) >= level_rank(before.level)


@PROPERTY_SETTINGS
@given(facts=case_facts(), capacity=st.sampled_from(CAPACITIES))
def test_another_capacity_never_raises_risk(facts, capacity):
    """Adding a capacity never raises the score or the level, now or on return (PI risk equation)."""
    more = dataclasses.replace(facts, capacities=facts.capacities | {capacity})

    for assess_fn in (assess_risk, assess_risk_on_return):
        before, after = assess_fn(facts), assess_fn(more)
        if before is None:
            continue
        assert after.score <= before.score
        assert level_rank(after.level) <= level_rank(before.level)


#: Art 33(2) danger is not among them: it is no exclusion clause (rule 10; C-391/16 M and Others).
EXCLUSION_CLAUSES = [item for item in EXCLUSION_INDICATORS if item != "danger_to_host_security"]


@PROPERTY_SETTINGS
@given(facts=case_facts(), indicator=st.sampled_from(EXCLUSION_CLAUSES))
def test_exclusion_never_yields_refugee(facts, indicator):
    """Any 1D, 1E or 1F indicator keeps the outcome from `refugee` (Convention arts 1D-1F; QD art 12)."""
    claim = dataclasses.replace(facts.claim, exclusion_indicators=(indicator,))
    excluded = dataclasses.replace(facts, claim=claim)
    risk = assess_risk_on_return(excluded) or assess_risk(excluded)

    outcome = assess_protection(excluded, hrd=screen_defender(excluded), risk=risk).outcome

    assert outcome != "refugee"


@PROPERTY_SETTINGS
@given(facts=case_facts(abroad=True))
def test_real_risk_of_torture_always_bars_return(facts):
    """
    A real risk of torture gives at least `non_refoulement_only` for a defender outside their
    country, whatever credibility, exclusion or cessation say (ECHR art 3, absolute: Chahal,
    Saadi v Italy; CAT art 3). Inside the country, non-refoulement is not yet engaged.
    """
    claim = dataclasses.replace(facts.claim, torture_risk_by_or_with_state=True)
    at_risk = dataclasses.replace(facts, claim=claim)

    outcome = assess(at_risk)["protection"]["outcome"]

    assert outcome in POSITIVE_OUTCOMES


@PROPERTY_SETTINGS
@given(facts=case_facts())
def test_every_assessment_fits_the_schema(facts, assessment_validator):
    """Whatever the facts, the assessment is a valid haven.assessment/1 document."""
    errors = list(assessment_validator.iter_errors(assess(facts, staff_risk_level="high")))

    assert [error.message for error in errors] == []
