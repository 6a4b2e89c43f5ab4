"""Protection elements, one table per element (the refugee-definition decision nodes 0-12)."""

import pytest

from haven.domain.hrd import screen_defender
from haven.domain.protection import assess_protection
from haven.domain.risk import assess_risk, assess_risk_on_return
from tests.domain.builders import make_facts

ABROAD = {
    "nationalities": ["ZZ"],
    "current_country": "XA",
    "activities": ["press_freedom"],
    "peaceful_means": True,
    "accepts_universality": True,
}
STATE_THREAT = {
    "kind": "arbitrary_detention",
    "actor": "state_security",
    "linked_to_work": True,
    "ongoing": True,
}
STRONG_CLAIM = {
    "grounds": ["political_opinion"],
    "persecutor_motive_evidence": "direct",
    "subjective_fear": True,
}


def protection_of(**sections):
    facts = make_facts(**sections)
    risk = assess_risk_on_return(facts) or assess_risk(facts)
    return assess_protection(facts, hrd=screen_defender(facts), risk=risk)


def finding(element, **sections):
    return protection_of(**sections).elements[element].finding


@pytest.mark.parametrize(
    ("defender", "expected"),
    [
        ({"nationalities": ["ZZ"], "current_country": "XA"}, "met"),
        ({"nationalities": ["ZZ"], "current_country": "ZZ"}, "not_met"),
        ({"nationalities": ["ZZ"]}, "unclear"),
        ({"stateless": True, "habitual_residence": "ZZ", "current_country": "XA"}, "met"),
    ],
)
def test_outside_country(defender, expected):
    """Outside the country of nationality, or habitual residence if stateless (Convention art 1A(2); Handbook paras 87-93)."""
    assert expected == finding("outside_country", defender=defender)


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ({"credibility": "accepted"}, "met"),
        ({"credibility": "partly_accepted"}, "met"),
        ({"credibility": "rejected"}, "not_met"),
        ({"credibility": "accepted", "evidence": "insufficient"}, "not_met"),
        ({"credibility": "not_assessed"}, "unclear"),
        ({}, "unclear"),
    ],
)
def test_credibility(claim, expected):
    """Credibility and evidence (Handbook paras 195-205; QD art 4(5)): not assessed is a caution, not a bar."""
    assert expected == finding("credibility", claim=claim)


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        (
            {
                "threats": [STATE_THREAT],
                "context": {"country": "ZZ", "civic_space": "closed"},
                "claim": {"subjective_fear": True},
            },
            "met",
        ),
        (
            {
                "threats": [{"kind": "online_harassment"}],
                "context": {"country": "ZZ"},
                "claim": {"past_persecution": True},
            },
            "met",
        ),
        (
            {
                "threats": [{"kind": "online_harassment"}],
                "context": {"country": "ZZ", "civic_space": "open"},
                "claim": {"credibility": "accepted"},
            },
            "not_met",
        ),
        # Rule 5: a low score on unassessed facts is no firm "no" (Handbook paras 195-196).
        (
            {
                "threats": [{"kind": "online_harassment"}],
                "context": {"country": "ZZ", "civic_space": "open"},
            },
            "unclear",
        ),
        ({"threats": [{"kind": "online_harassment"}]}, "unclear"),
        (
            {
                "threats": [STATE_THREAT],
                "context": {"country": "ZZ", "civic_space": "closed"},
                "claim": {"subjective_fear": False},
            },
            "unclear",
        ),
    ],
)
def test_well_founded_fear(sections, expected):
    """Well-founded fear: objective risk on the jurisdiction's standard, past persecution as a serious indication (Handbook paras 37-50; QD art 4(4))."""
    assert expected == finding("well_founded_fear", defender=ABROAD, **sections)


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({"threats": [{"kind": "torture"}]}, "met"),
        (
            {"prosecutions": [{"charge": "foreign_agent", "underlying_activity_protected": True}]},
            "met",
        ),
        ({"prosecutions": [{"charge": "tax_or_fraud", "fair_trial_available": False}]}, "met"),
        (
            {
                "prosecutions": [
                    {
                        "charge": "tax_or_fraud",
                        "underlying_activity_protected": False,
                        "law_meets_rights_standards": True,
                        "applied_discriminatorily": False,
                        "penalty_disproportionate": False,
                        "fair_trial_available": True,
                    }
                ]
            },
            "not_met",
        ),
        ({"prosecutions": [{"charge": "defamation"}]}, "unclear"),
        (
            {"threats": [{"kind": "surveillance"}, {"kind": "raid"}, {"kind": "smear_campaign"}]},
            "met",
        ),
        ({"threats": [{"kind": "surveillance"}]}, "unclear"),
    ],
)
def test_persecution(sections, expected):
    """Persecution: threats to life or freedom, prosecution as persecution, cumulative measures (Handbook paras 51-60; QD art 9)."""
    assert expected == finding("persecution", **sections)


def test_stopping_the_work_is_never_required():
    """A defender who would stop their work only out of fear still has a well-founded fear (HJ (Iran); RT (Zimbabwe))."""
    element = protection_of(
        threats=[STATE_THREAT], claim={"would_continue_activity_on_return": False}
    ).elements["persecution"]

    assert any("HJ (Iran)" in reason for reason in element.reasons)


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ({"grounds": ["political_opinion"]}, "met"),
        ({"opinion_imputed_by_persecutor": True}, "met"),
        ({}, "unclear"),
    ],
)
def test_convention_ground(claim, expected):
    """The five grounds, with political opinion imputed by the persecutor (Convention art 1A(2); QD art 10(2); Handbook para 80)."""
    assert expected == finding("convention_ground", claim=claim)


@pytest.mark.parametrize(
    ("jurisdiction", "claim", "expected"),
    [
        ("UNHCR", {"persecutor_motive_evidence": "direct"}, "met"),
        ("US", {"persecutor_motive_evidence": "circumstantial"}, "met"),
        ("US", {"persecutor_motive_evidence": "none"}, "not_met"),
        ("EU", {"persecutor_motive_evidence": "none"}, "unclear"),
        (
            "UNHCR",
            {"persecutor_motive_evidence": "direct", "harm_only_private_or_official_duty": True},
            "not_met",
        ),
    ],
)
def test_nexus(jurisdiction, claim, expected):
    """Nexus: the persecutor's motive matters (Elias-Zacarias); QD art 9(3) also links to absent protection; private or official-duty harm fails (Lepetiuk)."""
    assert expected == finding("nexus", claim={"jurisdiction": jurisdiction, **claim})


@pytest.mark.parametrize(
    ("jurisdiction", "sur_place", "expected"),
    [
        ("UNHCR", {"activities_abroad": True, "known_to_persecutor": True, "genuine": True}, "met"),
        ("UK", {"activities_abroad": True, "known_to_persecutor": True, "genuine": False}, "met"),
        (
            "NZ",
            {"activities_abroad": True, "known_to_persecutor": True, "genuine": False},
            "not_met",
        ),
        (
            "EU",
            {
                "activities_abroad": True,
                "known_to_persecutor": True,
                "genuine": False,
                "subsequent_application": True,
            },
            "not_met",
        ),
        ("UNHCR", {"activities_abroad": True}, "unclear"),
        ("UNHCR", {"activities_abroad": False}, "not_applicable"),
    ],
)
def test_sur_place_and_good_faith(jurisdiction, sur_place, expected):
    """Sur place activity and the good-faith rules by jurisdiction (Handbook paras 94-96; QD art 5; Danian; NZ 2254/94)."""
    assert expected == finding(
        "sur_place", defender=ABROAD, claim={"jurisdiction": jurisdiction, "sur_place": sur_place}
    )


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({"threats": [{"kind": "raid", "actor": "police"}]}, "met"),
        (
            {
                "threats": [{"kind": "raid", "actor": "company"}],
                "context": {"national_protection_mechanism": "ineffective"},
            },
            "met",
        ),
        (
            {
                "threats": [
                    {
                        "kind": "raid",
                        "actor": "company",
                        "reported_to_authorities": True,
                        "authority_response": "effective",
                    }
                ],
                "context": {"national_protection_mechanism": "effective"},
            },
            "not_met",
        ),
        ({"threats": [{"kind": "raid", "actor": "company"}]}, "unclear"),
    ],
)
def test_state_protection(sections, expected):
    """State protection: presumptively absent against the state; rebutted by ineffective mechanisms or impunity (QD art 7(2); Horvath; Ward)."""
    assert expected == finding("state_protection", **sections)


def test_state_protection_must_fail_in_every_nationality():
    """With two nationalities, protection in the other state must be assessed too (art 1A(2) second paragraph; Ward)."""
    assert (
        finding(
            "state_protection",
            defender={"nationalities": ["ZZ", "XB"]},
            context={"country": "ZZ"},
            threats=[{"kind": "raid", "actor": "police"}],
        )
        == "unclear"
    )


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({"threats": [{"kind": "raid", "actor": "military"}]}, "met"),
        (
            {
                "threats": [{"kind": "raid", "actor": "company"}],
                "context": {
                    "safe_area": {
                        "exists": True,
                        "accessible": True,
                        "requires_stopping_activity": True,
                    }
                },
            },
            "met",
        ),
        (
            {
                "threats": [{"kind": "raid", "actor": "company"}],
                "context": {"actor_national_reach": True},
            },
            "met",
        ),
        (
            {
                "threats": [{"kind": "raid", "actor": "company"}],
                "context": {
                    "actor_national_reach": False,
                    "safe_area": {
                        "exists": True,
                        "accessible": True,
                        "requires_stopping_activity": False,
                        "undue_hardship": False,
                    },
                },
            },
            "not_met",
        ),
        # Rule 4: no area identified, so relocation does not defeat the claim (UNHCR GIP No. 4
        # paras 33-35; QD art 8; Januzi [2006] UKHL 5).
        ({"threats": [{"kind": "raid", "actor": "company"}]}, "met"),
        (
            {
                "threats": [{"kind": "raid", "actor": "company"}],
                "context": {"safe_area": {"exists": True, "accessible": True}},
            },
            "met",
        ),
    ],
)
def test_internal_relocation(sections, expected):
    """Internal relocation: irrelevant against the state or national reach, unreasonable if the work must stop (GIP No. 4; QD art 8; SZATV)."""
    assert expected == finding("internal_relocation", **sections)


@pytest.mark.parametrize(
    ("indicators", "expected"),
    [
        ([], "met"),
        (["serious_non_political_crime"], "not_met"),
        (["un_agency_protection"], "not_met"),
        (["rights_of_national_elsewhere"], "not_met"),
        # Rule 10: art 33(2) is not an exclusion clause (QD art 14(4)-(6); C-391/16 M and Others).
        (["danger_to_host_security"], "met"),
    ],
)
def test_exclusion(indicators, expected):
    """Exclusion under 1F, 1D and 1E; art 33(2) danger needs individual assessment (Convention arts 1D-1F, 33(2); QD art 12)."""
    assert expected == finding("exclusion", claim={"exclusion_indicators": indicators})


@pytest.mark.parametrize(
    ("indicators", "expected"),
    [([], "met"), (["re_availed_protection"], "not_met"), (["changed_circumstances"], "not_met")],
)
def test_cessation(indicators, expected):
    """Cessation clauses (Convention art 1C; QD art 11; Handbook paras 111-139)."""
    assert expected == finding("cessation", claim={"cessation_indicators": indicators})


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({"claim": {"torture_risk_by_or_with_state": True}}, "met"),
        ({"claim": {"death_penalty_risk": True}}, "met"),
        ({"context": {"armed_conflict": True, "indiscriminate_violence": "exceptional"}}, "met"),
        ({"threats": [{"kind": "online_harassment"}]}, "not_met"),
    ],
)
def test_complementary_protection(sections, expected):
    """Complementary protection: QD art 15(a)-(c), ECHR art 3, CAT art 3 (Elgafaji for 15(c))."""
    assert expected == finding("complementary_protection", **sections)


def _refugee_case(**claim):
    return protection_of(
        defender=ABROAD,
        threats=[STATE_THREAT],
        context={"country": "ZZ", "civic_space": "closed"},
        claim={**STRONG_CLAIM, **claim},
    )


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ({}, "refugee"),
        ({"credibility": "not_assessed"}, "refugee"),
        ({"credibility": "rejected"}, "further_evidence_needed"),
        ({"evidence": "insufficient"}, "further_evidence_needed"),
        (
            {"exclusion_indicators": ["serious_non_political_crime"], "credibility": "accepted"},
            "no_protection_need_shown",
        ),
        # Rule 5: not a firm "no" while credibility is unassessed (Handbook paras 195-196).
        ({"exclusion_indicators": ["serious_non_political_crime"]}, "further_evidence_needed"),
        (
            {
                "exclusion_indicators": ["serious_non_political_crime"],
                "torture_risk_by_or_with_state": True,
            },
            "non_refoulement_only",
        ),
        (
            {"harm_only_private_or_official_duty": True, "torture_risk_by_or_with_state": True},
            "complementary_protection",
        ),
    ],
)
def test_outcome_table(claim, expected):
    """Outcomes follow the order a decision maker examines the elements (Chahal for the absolute bar)."""
    assert expected == _refugee_case(**claim).outcome


def test_inside_the_country_is_not_applicable():
    """A defender still at home is not yet within the refugee definition (art 1A(2))."""
    outcome = protection_of(
        defender={"nationalities": ["ZZ"], "current_country": "ZZ"}, threats=[STATE_THREAT]
    ).outcome

    assert outcome == "not_applicable"


@pytest.mark.parametrize("jurisdiction", ["UNHCR", "EU", "UK", "US", "CA", "AU", "NZ"])
def test_standard_of_proof_per_jurisdiction(jurisdiction):
    """Each jurisdiction states its own standard of proof (the first question of every claim)."""
    assert protection_of(claim={"jurisdiction": jurisdiction}).standard_of_proof.startswith(
        {
            "UNHCR": "UNHCR",
            "EU": "EU",
            "UK": "UK",
            "US": "US",
            "CA": "Canada",
            "AU": "Australia",
            "NZ": "New Zealand",
        }[jurisdiction]
    )


def test_every_element_carries_reasons_and_sources():
    """Every element explains itself with reasons and sources."""
    for name, element in _refugee_case().elements.items():
        assert element.reasons, name
        assert element.sources, name
