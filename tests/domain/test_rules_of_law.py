"""
The twelve rules of law of issue 10 as general rules: one table per rule naming its sources, the
Hypothesis properties the rules promise, and fictional defenders end to end.

Each table row states facts and the finding the law requires; the sources the rule rests on
must appear in the engine's output, so a reader of an assessment can check the law themselves.
"""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.domain.assessment import assess
from haven.domain.facts import parse_facts
from haven.domain.hrd import screen_defender
from haven.domain.protection import assess_protection
from haven.domain.risk import assess_risk, assess_risk_on_return
from haven.domain.vocabulary import POSITIVE_OUTCOMES, Finding, ProtectionOutcome
from haven.reference import civicus_ratings
from tests.domain.builders import make_facts
from tests.domain.conftest import load_case
from tests.domain.strategies import EXCLUSION_INDICATORS, case_facts
from tests.domain.test_protection import ABROAD, protection_of

ACCEPTED = {"credibility": "accepted", "grounds": ["political_opinion"], "subjective_fear": True}
CESSATION_INDICATORS = [
    "re_availed_protection",
    "reacquired_nationality",
    "new_nationality",
    "re_established",
    "changed_circumstances",
]
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


def all_sources(result) -> set[str]:
    return {source for element in result.elements.values() for source in element.sources}


def run(name: str) -> dict:
    return assess(parse_facts(load_case(name)), civic_space_ratings=civicus_ratings())


# --- rule 1: absolute prohibitions ---------------------------------------------------------------

ABSOLUTE_INDICATORS = {
    "torture flag": {"claim": {"torture_risk_by_or_with_state": True}},
    "past state torture": {
        "threats": [{"kind": "surveillance", "actor": "police", "ongoing": True}],
        "claim": {"past_torture": True},
    },
    "death penalty, Protocol 13": {"claim": {"death_penalty_risk": True, "jurisdiction": "EU"}},
    "death penalty, ICCPR-OP2": {"claim": {"death_penalty_risk": True, "jurisdiction": "CA"}},
    "high risk to life from the state": {
        "threats": [
            {"kind": "killing_attempt", "actor": "state_security", "ongoing": True},
        ]
    },
}
LIMITS = {
    "1F": {"exclusion_indicators": ["serious_non_political_crime"]},
    "1D": {"exclusion_indicators": ["un_agency_protection"]},
    "33(2)": {"exclusion_indicators": ["danger_to_host_security"]},
    "cessation": {"cessation_indicators": ["re_availed_protection"]},
}


def merged(indicator: dict, limit: dict) -> dict:
    claim = {**ACCEPTED, **indicator.get("claim", {}), **limit}
    return {"defender": ABROAD, "threats": indicator.get("threats", []), "claim": claim}


@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize("indicator", ABSOLUTE_INDICATORS)
def test_rule_1_absolute_prohibitions_yield_to_nothing(indicator, limit):
    """
    Rule 1: a real risk of torture, ill-treatment or arbitrary deprivation of life, however found,
    gives at least `non_refoulement_only` whatever exclusion, 33(2), QD art 17 or cessation say
    (ECHR art 3; Chahal v UK (GC 1996) paras 79-80; Saadi v Italy; CAT art 3; ICCPR arts 6-7;
    Al-Saadoon and Mufdhi v UK; C-391/16 M and Others; 8 CFR 1208.17).
    """
    result = protection_of(**merged(ABSOLUTE_INDICATORS[indicator], LIMITS[limit]))

    assert result.outcome in POSITIVE_OUTCOMES
    assert {"ECHR art 3", "Chahal v UK (GC 1996) paras 79-80", "CAT art 3"} <= all_sources(result)


def test_rule_1_death_penalty_outside_abolition_treaties_is_not_absolute():
    """
    Rule 1 reaches the death penalty only where the jurisdiction is bound by ECHR Protocol 13 or
    ICCPR-OP2; the US is bound by neither, so with a 1F indicator the outcome is not held up by
    the death penalty alone (QD art 15(a) does not apply there either).
    """
    result = protection_of(
        **merged(
            {"claim": {"death_penalty_risk": True, "jurisdiction": "US"}},
            LIMITS["1F"],
        )
    )

    assert result.outcome == ProtectionOutcome.NO_PROTECTION_NEED_SHOWN


# --- rules 2 to 10: one table ---------------------------------------------------------------------

CONTINUING_JOURNALIST = {
    "threats": [{"kind": "intimidation", "actor": "police", "linked_to_work": True}],
    "context": {"similarly_placed_harmed": True},
    "claim": {**ACCEPTED, "would_continue_activity_on_return": True},
}
RULE_TABLE = [
    (
        "2 continuation rule",
        CONTINUING_JOURNALIST,
        "well_founded_fear",
        Finding.MET,
        "HJ (Iran) [2010] UKSC 31 para 82",
    ),
    (
        "2 continuation rule",
        CONTINUING_JOURNALIST,
        "persecution",
        Finding.MET,
        "CJEU C-71/11 and C-99/11 Y and Z",
    ),
    (
        "3 past persecution presumes state protection is lacking",
        {
            "threats": [{"kind": "physical_attack", "actor": "company", "linked_to_work": True}],
            "claim": ACCEPTED,
        },
        "state_protection",
        Finding.MET,
        "QD art 4(4)",
    ),
    (
        "3 past persecution presumes a well-founded fear",
        {
            "threats": [
                {
                    "date": "2020-01-01",
                    "kind": "physical_attack",
                    "actor": "company",
                    "linked_to_work": True,
                }
            ],
            "claim": ACCEPTED,
        },
        "well_founded_fear",
        Finding.MET,
        "8 CFR 1208.13(b)(1) and (b)(3)(ii)",
    ),
    (
        "4 relocation burden: no area identified",
        {"threats": [{"kind": "raid", "actor": "company"}], "claim": ACCEPTED},
        "internal_relocation",
        Finding.MET,
        "Januzi v SSHD [2006] UKHL 5",
    ),
    (
        "5 no firm no on unassessed facts",
        {"threats": [{"kind": "online_harassment"}], "context": {"civic_space": "open"}},
        "well_founded_fear",
        Finding.UNCLEAR,
        "UNHCR Note on Burden and Standard of Proof (1998)",
    ),
    (
        "6 risk without past harm",
        {
            "context": {"diaspora_monitored": True},
            "claim": {
                **ACCEPTED,
                "feared_harms": [
                    {
                        "kind": "arbitrary_detention",
                        "actor": "state_security",
                        "basis": ["activity_abroad_known", "similarly_placed_harmed"],
                        "known_to_actor": True,
                    }
                ],
            },
        },
        "well_founded_fear",
        Finding.MET,
        "BA (Iran) CG [2011] UKUT 36",
    ),
    (
        "6 risk without past harm: serious harm is persecution",
        {
            "claim": {
                **ACCEPTED,
                "feared_harms": [
                    {
                        "kind": "torture",
                        "actor": "police",
                        "basis": ["own_profile", "similarly_placed_harmed"],
                        "known_to_actor": True,
                    }
                ],
            },
        },
        "persecution",
        Finding.MET,
        "S.F. and Others v Sweden (ECtHR 2012)",
    ),
    (
        "7 persecutory pending prosecution",
        {
            "prosecutions": [{"stage": "charged", "underlying_activity_protected": True}],
            "claim": ACCEPTED,
        },
        "well_founded_fear",
        Finding.MET,
        "QD art 9(2)(b)-(d)",
    ),
    (
        "7 discriminatory application shows nexus",
        {
            "prosecutions": [{"stage": "charged", "applied_discriminatorily": True}],
            "claim": ACCEPTED,
        },
        "nexus",
        Finding.MET,
        "QD art 9(2)(c)",
    ),
    (
        "7 conviction in absentia without a retrial",
        {"prosecutions": [{"stage": "in_absentia"}], "claim": ACCEPTED},
        "persecution",
        Finding.MET,
        "Sejdovic v Italy (GC 2006)",
    ),
    (
        "9 nexus attaches to the persecutory harm",
        {
            "threats": [
                {"kind": "physical_attack", "actor": "company", "linked_to_work": False},
                {"kind": "online_harassment", "actor": "company", "linked_to_work": True},
            ],
            "claim": {"credibility": "accepted", "grounds": ["political_opinion"]},
        },
        "nexus",
        Finding.UNCLEAR,
        "1951 Convention art 1A(2)",
    ),
    (
        "10 official duties",
        {
            "threats": [{"kind": "physical_attack", "actor": "armed_group"}],
            "claim": {**ACCEPTED, "harm_only_private_or_official_duty": True},
        },
        "nexus",
        Finding.NOT_MET,
        "Matter of N-M-, 25 I&N Dec. 526 (BIA 2011)",
    ),
    (
        "10 art 33(2) is not an exclusion clause",
        {"claim": {**ACCEPTED, "exclusion_indicators": ["danger_to_host_security"]}},
        "exclusion",
        Finding.MET,
        "QD art 14(4)-(6)",
    ),
]


@pytest.mark.parametrize(
    ("rule", "sections", "element", "expected", "source"),
    RULE_TABLE,
    ids=[f"{row[0]}-{row[2]}" for row in RULE_TABLE],
)
def test_rule_table(rule, sections, element, expected, source):
    """Each rule's finding, with the rule's source in the element's own sources."""
    result = protection_of(defender=ABROAD, **sections)

    assert result.elements[element].finding == expected, rule
    assert source in result.elements[element].sources


def test_rule_8_past_state_torture_is_a_current_art_3_risk():
    """
    Rule 8: past torture by state agents presumes a current art 3 risk unless the state dispels
    it, even at a low score (R.C. v Sweden (2010) paras 53-55; J.K. and Others v Sweden (GC 2016)).
    """
    result = protection_of(
        defender=ABROAD,
        threats=[{"date": "2019-05-01", "kind": "surveillance", "actor": "police"}],
        claim={**ACCEPTED, "past_torture": True},
    )

    element = result.elements["complementary_protection"]
    assert element.finding == Finding.MET
    assert any("R.C. v Sweden" in reason for reason in element.reasons)


def test_rule_10_danger_to_host_without_art_3_risk_is_refugee_with_a_caution():
    """
    Rule 10: with every inclusion element met and no art 3 risk, art 33(2) danger leaves a
    refugee, with the caution that the host may refuse or revoke status (QD art 14(4)-(6)).
    """
    result = protection_of(
        defender=ABROAD,
        threats=[
            {"kind": "arbitrary_detention", "actor": "state_security", "linked_to_work": True}
        ],
        claim={
            **ACCEPTED,
            "persecutor_motive_evidence": "direct",
            "exclusion_indicators": ["danger_to_host_security"],
        },
    )

    assert result.outcome == ProtectionOutcome.REFUGEE
    assert any("QD art 14(4)-(6)" in reason for reason in result.reasons)


def test_rule_11_outcome_on_unassessed_account_says_so():
    """Rule 11: an outcome resting on facts not yet found credible says "if the account is accepted"."""
    result = protection_of(
        defender=ABROAD,
        threats=[
            {"kind": "arbitrary_detention", "actor": "state_security", "linked_to_work": True}
        ],
        claim={"grounds": ["political_opinion"], "persecutor_motive_evidence": "direct"},
    )

    assert result.outcome == ProtectionOutcome.REFUGEE
    assert result.reasons[0].startswith("If the account is accepted:")


@pytest.mark.parametrize(("country", "rating"), [("IR", "closed"), ("GT", "repressed")])
def test_rule_11_civicus_fallback_for_listed_countries(country, rating):
    """Rule 11: Iran and Guatemala now have a CIVICUS Monitor rating to fall back on, with its source."""
    facts = make_facts(context={"country": country})
    risk = assess_risk(facts, civic_space_ratings=civicus_ratings())

    assert any(f"civic space {rating}" in reason for reason in risk.reasons)
    assert any("CIVICUS" in reason for reason in risk.reasons)


# --- properties -------------------------------------------------------------------------------------


def _with_claim(facts, **changes):
    return dataclasses.replace(facts, claim=dataclasses.replace(facts.claim, **changes))


def _protection(facts):
    risk = assess_risk_on_return(facts) or assess_risk(facts)
    return assess_protection(facts, hrd=screen_defender(facts), risk=risk)


@PROPERTY_SETTINGS
@given(
    facts=case_facts(abroad=True),
    exclusion=st.lists(st.sampled_from(EXCLUSION_INDICATORS), max_size=2, unique=True),
    cessation=st.lists(st.sampled_from(CESSATION_INDICATORS), max_size=2, unique=True),
)
def test_absolute_risk_always_bars_return_whatever_limits_it(facts, exclusion, cessation):
    """
    For a defender abroad, an adviser's finding of a torture risk plus any exclusion, 33(2) or
    cessation indicators gives at least `non_refoulement_only` (rule 1; Chahal; Saadi v Italy).
    """
    at_risk = _with_claim(
        facts,
        torture_risk_by_or_with_state=True,
        exclusion_indicators=tuple(exclusion),
        cessation_indicators=tuple(cessation),
    )

    assert _protection(at_risk).outcome in POSITIVE_OUTCOMES


@PROPERTY_SETTINGS
@given(facts=case_facts(abroad=True), jurisdiction=st.sampled_from(["EU", "UK", "CA", "AU", "NZ"]))
def test_death_penalty_where_abolished_bars_return(facts, jurisdiction):
    """Rule 1: the death penalty bars return absolutely where Protocol 13 or ICCPR-OP2 binds."""
    if facts.claim.credibility == "rejected" or facts.claim.evidence == "insufficient":
        facts = _with_claim(facts, credibility="accepted", evidence=None)
    at_risk = _with_claim(facts, death_penalty_risk=True, jurisdiction=jurisdiction)

    assert _protection(at_risk).outcome in POSITIVE_OUTCOMES


@PROPERTY_SETTINGS
@given(facts=case_facts(abroad=True))
def test_continuation_rule(facts):
    """
    Rule 2: where the persecutor harms people for this work and the defender would go on with
    it, the harm is persecutory (HJ (Iran) para 82; RT (Zimbabwe); Y and Z).
    """
    context = dataclasses.replace(facts.context, similarly_placed_harmed=True)
    continuing = _with_claim(
        dataclasses.replace(facts, context=context), would_continue_activity_on_return=True
    )

    elements = _protection(continuing).elements
    assert elements["persecution"].finding == Finding.MET
    if continuing.claim.subjective_fear is not False:
        assert elements["well_founded_fear"].finding == Finding.MET


@PROPERTY_SETTINGS
@given(facts=case_facts(abroad=True))
def test_past_persecution_carries_its_presumptions(facts):
    """
    Rule 3: past persecution presumes a well-founded fear, no state protection and no relocation
    alternative unless good reasons show otherwise (QD art 4(4); 8 CFR 1208.13(b)).
    """
    past = _with_claim(facts, past_persecution=True)

    elements = _protection(past).elements
    if past.claim.subjective_fear is not False:
        assert elements["well_founded_fear"].finding == Finding.MET
    assert elements["state_protection"].finding != Finding.UNCLEAR
    assert elements["internal_relocation"].finding == Finding.MET


@PROPERTY_SETTINGS
@given(facts=case_facts(), unassessed=st.sampled_from([None, "not_assessed"]))
def test_no_firm_no_on_unassessed_facts(facts, unassessed):
    """Rule 5: with credibility unassessed, never `no_protection_need_shown` (Handbook paras 195-205)."""
    unsettled = _with_claim(facts, credibility=unassessed)

    assert _protection(unsettled).outcome != ProtectionOutcome.NO_PROTECTION_NEED_SHOWN


# --- fictional defenders end to end ------------------------------------------------------------------


def test_defender_facing_death_penalty_and_torture_with_1f_indicator(assessment_validator):
    """
    A defender abroad, tortured by state security, with a death threat still live and a treason
    conviction in absentia, before an EU state, carrying a 1F indicator. Exclusion bars refugee
    status (art 1F) and QD art 17 bars subsidiary protection, but the past state torture (R.C. v
    Sweden), the death penalty under Protocol 13 and the risk to life from the state are absolute
    bars (ECHR art 3; Chahal; Al-Saadoon): `non_refoulement_only`, naming the exclusion.
    """
    result = run("death_penalty_with_exclusion")

    assert list(assessment_validator.iter_errors(result)) == []
    assert result["protection"]["outcome"] == "non_refoulement_only"
    assert "exclusion (serious non political crime)" in result["protection"]["reasons"][0]


def test_same_defender_with_danger_to_host_instead(assessment_validator):
    """
    The same defender with an art 33(2) indicator instead: 33(2) is not an exclusion clause, every
    inclusion element is met, so the person is a refugee (C-391/16 M and Others) and the host may
    only refuse or revoke status (QD art 14(4)-(6)); return stays barred by ECHR art 3.
    """
    result = run("death_penalty_danger_to_host")

    assert list(assessment_validator.iter_errors(result)) == []
    assert result["protection"]["outcome"] == "refugee"
    assert "QD art 14(4)-(6)" in result["protection"]["reasons"][1]


def test_journalist_who_would_keep_working(assessment_validator):
    """
    A journalist whose state harms journalists who keep working, who would keep working, and for
    whom the only "safe" area requires stopping: the continuation rule makes the fear well founded
    and the harm persecutory (HJ (Iran); RT (Zimbabwe)), and the area is no alternative (SZATV):
    refugee, although the threat score alone is low.
    """
    result = run("journalist_who_would_keep_working")

    assert list(assessment_validator.iter_errors(result)) == []
    assert result["protection"]["outcome"] == "refugee"
    assert result["protection"]["elements"]["internal_relocation"]["finding"] == "met"


def test_diaspora_activist_with_no_past_harm(assessment_validator):
    """
    An activist abroad with no past harm, whose public activity abroad is known to a state that
    monitors its diaspora and detains returnees like her: the fear is founded without past harm
    (Handbook paras 94-96; QD art 5(2); S.F. v Sweden; BA (Iran)); detention by state security is
    serious harm, the state is the actor: refugee.
    """
    result = run("diaspora_activist_no_past_harm")

    assert list(assessment_validator.iter_errors(result)) == []
    assert result["protection"]["outcome"] == "refugee"
    assert result["risk_on_return"]["level"] in ("high", "critical")


def test_past_persecution_with_no_safe_area_named(assessment_validator):
    """
    A land defender attacked by organised crime for her work before she left: the engine finds
    past persecution, which presumes a well-founded fear and no state protection (QD art 4(4));
    no relocation area is identified, so relocation cannot defeat the claim (GIP No. 4 paras
    33-35; Januzi): refugee.
    """
    result = run("past_persecution_no_safe_area_named")

    assert list(assessment_validator.iter_errors(result)) == []
    assert result["protection"]["outcome"] == "refugee"
    elements = result["protection"]["elements"]
    assert elements["state_protection"]["finding"] == "met"
    assert "Januzi v SSHD [2006] UKHL 5" in elements["internal_relocation"]["sources"]
