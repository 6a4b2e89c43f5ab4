"""Hypothesis strategies for valid ``haven.case-facts/1`` documents and their parts."""

import datetime

from hypothesis import strategies as st

from haven.domain.facts import CaseFacts, Threat, parse_facts

ASSESSED_ON = datetime.date(2026, 11, 20)

THREAT_KINDS = [
    "killing_attempt", "death_threat", "physical_attack", "sexual_violence", "torture",
    "enforced_disappearance", "abduction", "arbitrary_detention", "judicial_harassment",
    "surveillance", "raid", "smear_campaign", "online_harassment", "travel_ban", "asset_freeze",
    "loss_of_livelihood", "threats_to_family", "intimidation", "property_destruction", "forced_eviction",
]  # fmt: skip
ACTORS = [
    "state_security", "police", "military", "judiciary", "government_official", "ruling_party",
    "paramilitary", "armed_group", "organised_crime", "company", "private_security",
    "political_party", "community", "family", "religious_group", "unknown",
]  # fmt: skip
CAPACITIES = [
    "network_support", "legal_support", "international_visibility", "security_training",
    "safe_accommodation", "protective_accompaniment", "emergency_fund", "digital_security",
    "psychosocial_support",
]  # fmt: skip
VULNERABILITIES = [
    "works_alone", "isolated_location", "known_address", "family_exposed", "no_legal_support",
    "insecure_communications", "health", "no_documents", "economic_dependence", "stigmatised_identity",
]  # fmt: skip
EXCLUSION_INDICATORS = [
    "crime_against_humanity_or_war_crime", "serious_non_political_crime",
    "acts_contrary_to_un_purposes", "un_agency_protection", "rights_of_national_elsewhere",
    "danger_to_host_security",
]  # fmt: skip
JURISDICTIONS = ["UNHCR", "EU", "UK", "US", "CA", "AU", "NZ"]


def optional(strategy):
    return st.none() | strategy


def drop_none(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if value is not None}


@st.composite
def threats(draw, *, abroad: bool = True):
    """One threat dated on or before the assessment date; after departure only when abroad."""
    date = draw(optional(st.dates(min_value=datetime.date(2018, 1, 1), max_value=ASSESSED_ON)))
    return drop_none(
        {
            "kind": draw(st.sampled_from(THREAT_KINDS)),
            "date": date.isoformat() if date else None,
            "actor": draw(optional(st.sampled_from(ACTORS))),
            "linked_to_work": draw(optional(st.booleans())),
            "directed_at": draw(
                optional(
                    st.sampled_from(
                        ["defender", "family", "colleague", "organisation", "community"]
                    )
                )
            ),
            "ongoing": draw(optional(st.booleans())),
            "after_departure": draw(optional(st.booleans())) if abroad else None,
            "authority_response": draw(
                optional(st.sampled_from(["hostile", "effective", "ineffective"]))
            ),
        }
    )


@st.composite
def prosecutions(draw):
    return drop_none(
        {
            "charge": draw(
                optional(
                    st.sampled_from(
                        ["terrorism", "extremism", "foreign_agent", "defamation", "tax_or_fraud"]
                    )
                )
            ),
            "underlying_activity_protected": draw(optional(st.booleans())),
            "law_meets_rights_standards": draw(optional(st.booleans())),
            "fair_trial_available": draw(optional(st.booleans())),
            "penalty_disproportionate": draw(optional(st.booleans())),
            "stage": draw(
                optional(
                    st.sampled_from(
                        [
                            "investigation",
                            "warrant",
                            "charged",
                            "on_trial",
                            "convicted",
                            "in_absentia",
                        ]
                    )
                )
            ),
            "max_penalty_years": draw(optional(st.integers(min_value=0, max_value=25))),
        }
    )


@st.composite
def case_documents(draw, *, abroad: bool | None = None):
    """A schema-valid, consistent case-facts document (fictional: codes only, no names)."""
    is_abroad = draw(st.booleans()) if abroad is None else abroad
    claim = drop_none(
        {
            "jurisdiction": draw(optional(st.sampled_from(JURISDICTIONS))),
            "credibility": draw(
                optional(
                    st.sampled_from(["accepted", "partly_accepted", "rejected", "not_assessed"])
                )
            ),
            "evidence": draw(
                optional(st.sampled_from(["sufficient", "insufficient", "not_assessed"]))
            ),
            "subjective_fear": draw(optional(st.booleans())),
            "grounds": draw(
                optional(
                    st.lists(
                        st.sampled_from(["political_opinion", "race", "religion"]), unique=True
                    )
                )
            ),
            "opinion_imputed_by_persecutor": draw(optional(st.booleans())),
            "persecutor_motive_evidence": draw(
                optional(st.sampled_from(["direct", "circumstantial", "none"]))
            ),
            "past_persecution": draw(optional(st.booleans())),
            "exclusion_indicators": draw(
                optional(st.lists(st.sampled_from(EXCLUSION_INDICATORS), unique=True, max_size=2))
            ),
            "torture_risk_by_or_with_state": draw(optional(st.booleans())),
            "death_penalty_risk": draw(optional(st.booleans())),
        }
    )
    return drop_none(
        {
            "schema": "haven.case-facts/1",
            "assessed_on": ASSESSED_ON.isoformat(),
            "defender": drop_none(
                {
                    "nationalities": ["ZZ"] if draw(st.booleans()) else None,
                    "current_country": "XA" if is_abroad else "ZZ",
                    "activities": draw(
                        optional(
                            st.lists(
                                st.sampled_from(["press_freedom", "land_and_environment"]),
                                unique=True,
                            )
                        )
                    ),
                    "peaceful_means": draw(optional(st.booleans())),
                    "accepts_universality": draw(optional(st.booleans())),
                    "visibility": draw(optional(st.sampled_from(["low", "medium", "high"]))),
                    "intends_to_return": draw(optional(st.booleans())),
                }
            ),
            "threats": draw(st.lists(threats(abroad=is_abroad), max_size=4)),
            "prosecutions": draw(st.lists(prosecutions(), max_size=2)),
            "vulnerabilities": draw(
                st.lists(st.sampled_from(VULNERABILITIES), unique=True, max_size=4)
            ),
            "capacities": draw(st.lists(st.sampled_from(CAPACITIES), unique=True, max_size=4)),
            "context": drop_none(
                {
                    "country": "ZZ",
                    "civic_space": draw(
                        optional(
                            st.sampled_from(
                                ["open", "narrowed", "obstructed", "repressed", "closed"]
                            )
                        )
                    ),
                    "impunity_for_attacks_on_defenders": draw(optional(st.booleans())),
                    "diaspora_monitored": draw(optional(st.booleans())),
                    "armed_conflict": draw(optional(st.booleans())),
                }
            ),
            "claim": claim,
        }
    )


@st.composite
def case_facts(draw, *, abroad: bool | None = None) -> CaseFacts:
    return parse_facts(draw(case_documents(abroad=abroad)))


@st.composite
def threat_values(draw, *, abroad: bool = True) -> Threat:
    """A single ``Threat`` value, built through the parser so it is always valid."""
    document = {"schema": "haven.case-facts/1", "threats": [draw(threats(abroad=abroad))]}
    return parse_facts(document).threats[0]
