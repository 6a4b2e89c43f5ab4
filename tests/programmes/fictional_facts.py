"""Case facts of fictional defenders, as plain dicts (no Django), for the programmes tests."""

from typing import Any

THREAT_AT_HOME = {
    "kind": "death_threat",
    "date": "2026-10-01",
    "linked_to_work": True,
    "ongoing": True,
}


def fictional_facts(*, threats: list[dict[str, Any]] | None = None, **defender: Any) -> dict:
    """Facts of a fictional environmental defender in Colombia whom the engines find eligible."""
    person = {
        "nationalities": ["CO"],
        "current_country": "CO",
        "languages": ["es", "en"],
        "profiles": ["environmental"],
        "activities": ["land_and_environment"],
        "peaceful_means": True,
        "accepts_universality": True,
        "intends_to_return": True,
    }
    person.update(defender)
    return {
        "schema": "haven.case-facts/1",
        "assessed_on": "2026-11-20",
        "defender": person,
        "threats": [THREAT_AT_HOME] if threats is None else threats,
        "context": {"country": "CO"},
    }


def _ongoing(kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "date": "2026-11-01",
        "linked_to_work": True,
        "ongoing": True,
        "directed_at": "defender",
    }


#: Threats the risk engine rates critical for a highly visible defender.
CRITICAL_THREATS = [
    _ongoing(kind)
    for kind in (
        "killing_attempt",
        "death_threat",
        "abduction",
        "threats_to_family",
        "surveillance",
    )
]
