"""
Thirteen fictional defenders end to end. Each expected outcome is argued from the law in the
docstring; the facts files live in tests/domain/cases/.
"""

from haven.domain.assessment import assess
from haven.domain.facts import parse_facts
from haven.reference import civicus_ratings, seed_programmes
from tests.domain.conftest import load_case


def run(name: str, **options) -> dict:
    return assess(parse_facts(load_case(name)), civic_space_ratings=civicus_ratings(), **options)


def pathway(result: dict, name: str) -> str:
    return next(item["suitability"] for item in result["pathways"] if item["pathway"] == name)


def test_journalist_prosecuted_as_foreign_agent(assessment_validator):
    """
    A journalist abroad, convicted in absentia under a foreign-agent law for protected work with no
    fair trial: prosecution is persecution (Handbook paras 56-60; QD art 9(2)(c)), the state is the
    persecutor so protection and internal relocation fall away (GIP No. 4 para 7): refugee.
    """
    result = run("journalist_foreign_agent")

    assert list(assessment_validator.iter_errors(result)) == []
    assert result["hrd"]["status"] == "defender"
    assert result["protection"]["outcome"] == "refugee"
    assert pathway(result, "return_with_protection") == "not_suitable"
    assert result["tension"]["flag"] is False


def test_land_defender_on_shelter_city_with_paramilitary_threats():
    """
    A land defender on a programme expecting return, threatened by paramilitaries the state does not
    stop (QD art 7), where safety elsewhere needs her to stop her work (SZATV): refugee, and the
    tension between the regimes must be flagged with the duties owed to her.
    """
    result = run("land_defender_in_relocation", programmes=seed_programmes())

    assert result["protection"]["outcome"] == "refugee"
    assert result["tension"]["flag"] is True
    assert result["regimes"]["relocation"]["status"] == "contested"
    assert pathway(result, "extension") == "recommended"


def test_thin_facts_give_unclear_screening_and_ask_for_evidence():
    """With only a profile and one online threat, nothing can be settled: unclear, further evidence."""
    result = run("thin_facts_activist")

    assert result["hrd"]["status"] == "unclear"
    assert result["protection"]["outcome"] == "further_evidence_needed"


def test_lawyer_still_at_home():
    """A lawyer raided and detained by state security but still at home is outside art 1A(2): not applicable, and leaving is advised."""
    result = run("lawyer_still_at_home")

    assert result["protection"]["outcome"] == "not_applicable"
    assert pathway(result, "temporary_international_relocation") == "recommended"
    assert pathway(result, "in_country_protection") == "not_suitable"
    assert "risk_on_return" not in result


def test_excluded_person_facing_torture():
    """Art 1F excludes from refugee status, but ECHR art 3 and CAT art 3 stay absolute (Chahal): non-refoulement only."""
    assert run("former_commander_torture_risk")["protection"]["outcome"] == "non_refoulement_only"


def test_excluded_person_without_absolute_risk():
    """Art 1F(b) without a risk of torture leaves no protection in the Convention or QD art 15 (QD art 17)."""
    assert (
        run("serious_crime_no_torture_risk")["protection"]["outcome"] == "no_protection_need_shown"
    )


def test_rejected_account():
    """A rejected core account means further evidence is needed before protection can be shown (Handbook paras 195-205)."""
    result = run("account_rejected")

    assert result["protection"]["outcome"] == "further_evidence_needed"
    assert result["regimes"]["refugee"]["status"] == "contested"


def test_legitimate_prosecution_is_not_persecution():
    """A fair prosecution for tax fraud under a legitimate law is not persecution (Handbook para 56)."""
    result = run("legitimate_tax_prosecution")

    assert result["protection"]["elements"]["persecution"]["finding"] == "not_met"
    assert result["protection"]["outcome"] == "no_protection_need_shown"


def test_reasonable_safe_area_defeats_the_claim():
    """Against a private actor without national reach, a reachable safe area where the work can go on is an internal protection alternative (GIP No. 4; QD art 8)."""
    result = run("safe_area_available")

    assert result["protection"]["elements"]["internal_relocation"]["finding"] == "not_met"
    assert result["protection"]["outcome"] == "no_protection_need_shown"


def test_bad_faith_activity_abroad_in_new_zealand():
    """New Zealand's good-faith limit (Refugee Appeal 2254/94): a claim resting only on non-genuine activity abroad fails."""
    result = run("bad_faith_posts_new_zealand")

    assert result["protection"]["elements"]["sur_place"]["finding"] == "not_met"
    assert result["protection"]["outcome"] != "refugee"


def test_dual_national_must_lack_protection_in_both_states():
    """A defender persecuted in one state of nationality must also lack protection in the other (art 1A(2) second paragraph; Ward)."""
    result = run("dual_national_defender")

    assert result["protection"]["elements"]["state_protection"]["finding"] == "unclear"
    assert result["protection"]["outcome"] == "further_evidence_needed"


def test_woman_defender_who_will_not_return():
    """
    Smears and online harassment alone fall below persecution (Handbook paras 53-55), but she does not
    intend to return from a programme expecting it: the tension is flagged and her higher view of
    her own risk is shown beside the engine's, not overruled.
    """
    result = run("woman_hrd_not_returning", programmes=seed_programmes())

    assert result["tension"]["flag"] is True
    defender_view = next(view for view in result["risk_views"] if view["source"] == "defender")
    assert defender_view["level"] == "high"
    assert "above" in defender_view["divergence"]


def test_civilian_in_exceptional_indiscriminate_violence():
    """Without a Convention nexus, exceptional indiscriminate violence in armed conflict still gives subsidiary protection (QD art 15(c); Elgafaji)."""
    assert (
        run("civilian_in_exceptional_violence")["protection"]["outcome"]
        == "complementary_protection"
    )
