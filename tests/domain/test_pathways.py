"""The two-regime map, ranked pathways and tension between the regimes."""

from haven.domain.assessment import assess
from tests.domain.builders import make_facts

IN_PROGRAMME = {
    "status": "in_relocation",
    "programme_id": "fictional_city",
    "host_country": "XA",
    "end_date": "2026-12-20",
    "visa": "short_stay",
    "programme_requires_return": True,
}
ABROAD = {
    "nationalities": ["ZZ"],
    "current_country": "XA",
    "activities": ["press_freedom"],
    "peaceful_means": True,
    "accepts_universality": True,
}
CLAIM = {"grounds": ["political_opinion"], "persecutor_motive_evidence": "direct"}
GRAVE = [
    {"kind": "death_threat", "actor": "state_security", "ongoing": True, "linked_to_work": True}
]


def test_tension_when_programme_expects_return_and_risk_is_high():
    """A programme expecting return while risk on return is high flags tension with the four duties owed to the defender."""
    result = assess(
        make_facts(
            defender={**ABROAD, "intends_to_return": True},
            threats=GRAVE,
            context={"country": "ZZ", "civic_space": "closed"},
            relocation=IN_PROGRAMME,
        )
    )

    tension = result["tension"]
    assert tension["flag"] is True
    actions = " ".join(tension["actions"])
    assert "right to seek asylum" in actions
    assert "independent legal advice" in actions
    assert "informed consent" in actions
    assert "short stay" in actions
    assert "30 days left" in actions


def test_tension_when_defender_does_not_wish_to_return():
    """Not intending to return is enough to flag tension, whatever the risk."""
    result = assess(
        make_facts(
            defender={**ABROAD, "intends_to_return": False},
            context={"country": "ZZ"},
            relocation=IN_PROGRAMME,
        )
    )

    assert result["tension"]["flag"] is True
    assert result["regimes"]["relocation"]["status"] == "contested"


def test_no_tension_without_a_programme():
    """Without a relocation programme there is nothing to pull against."""
    result = assess(make_facts(defender=ABROAD, threats=GRAVE, context={"country": "ZZ"}))

    assert result["tension"]["flag"] is False
    assert result["regimes"]["relocation"]["status"] == "outside"


def test_no_tension_when_programme_does_not_expect_return():
    """A programme that does not expect return raises no tension."""
    relocation = {**IN_PROGRAMME, "programme_requires_return": False}
    result = assess(
        make_facts(
            defender={**ABROAD, "intends_to_return": False},
            threats=GRAVE,
            context={"country": "ZZ"},
            relocation=relocation,
        )
    )

    assert result["tension"]["flag"] is False


def test_catalogue_supplies_return_rule_and_asylum_policy():
    """When the facts leave the return rule out, the catalogue's rule and asylum policy are used."""
    relocation = {
        key: value for key, value in IN_PROGRAMME.items() if key != "programme_requires_return"
    }
    catalogue = [
        {
            "id": "fictional_city",
            "requires_return_intent": True,
            "asylum_policy": "Fictional policy text.",
        }
    ]

    result = assess(
        make_facts(
            defender={**ABROAD, "intends_to_return": False},
            context={"country": "ZZ"},
            relocation=relocation,
        ),
        programmes=catalogue,
    )

    assert result["tension"]["flag"] is True
    assert any("Fictional policy text." in action for action in result["tension"]["actions"])


def test_pathways_are_ranked_best_first():
    """Recommended pathways come before possible ones, and those before unsuitable ones."""
    order = {"recommended": 0, "possible": 1, "not_suitable": 2}
    result = assess(
        make_facts(
            defender=ABROAD,
            threats=GRAVE,
            context={"country": "ZZ", "civic_space": "closed"},
            relocation=IN_PROGRAMME,
        )
    )

    ranks = [order[item["suitability"]] for item in result["pathways"]]
    assert sorted(ranks) == ranks
    assert len(result["pathways"]) == 10


def test_return_is_not_suitable_with_critical_risk_on_return():
    """Return with protection is not suitable while risk on return is high or critical."""
    result = assess(
        make_facts(
            defender=ABROAD,
            threats=GRAVE,
            context={"country": "ZZ", "civic_space": "closed"},
            relocation=IN_PROGRAMME,
            claim=CLAIM,
        )
    )

    by_name = {item["pathway"]: item for item in result["pathways"]}
    assert by_name["return_with_protection"]["suitability"] == "not_suitable"
    assert by_name["extension"]["suitability"] == "recommended"
    assert by_name["asylum"]["suitability"] == "recommended"


def test_low_risk_at_home_recommends_in_country_protection():
    """At home with low risk, protection where the defender lives comes first."""
    result = assess(
        make_facts(
            defender={"nationalities": ["ZZ"], "current_country": "ZZ"},
            threats=[{"kind": "online_harassment"}],
            context={"country": "ZZ"},
        )
    )

    assert result["pathways"][0]["pathway"] == "in_country_protection"
    assert result["pathways"][0]["suitability"] == "recommended"


def test_wish_orders_within_a_rank():
    """Within one rank, the pathway the defender wishes for comes first and says so."""
    facts = make_facts(
        defender={**ABROAD, "wishes": ["asylum"]},
        threats=GRAVE,
        context={"country": "ZZ", "civic_space": "closed"},
        relocation=IN_PROGRAMME,
        claim=CLAIM,
    )

    first = assess(facts)["pathways"][0]

    assert first["pathway"] == "asylum"
    assert "The defender wishes for this." in first["reasons"]


def test_refugee_regime_standing_follows_the_outcome():
    """Refugee-regime standing is within for protection outcomes and contested when evidence is needed."""
    strong = assess(
        make_facts(
            defender=ABROAD,
            threats=GRAVE,
            context={"country": "ZZ", "civic_space": "closed"},
            claim={"grounds": ["political_opinion"]},
        )
    )
    rejected = assess(
        make_facts(
            defender=ABROAD,
            threats=GRAVE,
            context={"country": "ZZ"},
            claim={"credibility": "rejected"},
        )
    )

    assert strong["regimes"]["refugee"]["status"] == "within"
    assert rejected["regimes"]["refugee"]["status"] == "contested"
