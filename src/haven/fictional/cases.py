"""
A seeded generator of clearly fictional cases in the ``haven.case-import/1`` format.

Each case is built around a lifecycle status from ``haven.domain.lifecycle``, taken in turn so
that any batch of at least fourteen cases shows every status; the facts are then drawn to fit
that status (a case in the return review has a relocation in progress, a case in the asylum
bridge has a claim assessed by a legal adviser, and so on). In every other round of statuses,
the cases abroad carry a tension worth showing: a programme that requires return for a defender
who does not intend to return, threats to the family after departure, or a wish for asylum
while the stay is ending.

The statuses stay outside the import document, which the schema closes to extra keys; they are
returned beside it, keyed by each case's ``external_reference``.
"""

import random
from datetime import date, timedelta
from typing import Any, NamedTuple

from haven.domain.lifecycle import CaseStatus
from haven.fictional.identities import fictional_identity
from haven.fictional.places import (
    ORIGINS,
    HostProgramme,
    OriginCountry,
    civic_space,
    programmes,
    visa_for,
)

DEFAULT_ASSESSED_ON = date(2026, 11, 20)

_PROFILE_ACTIVITIES: dict[str, str] = {
    "journalist": "press_freedom",
    "lawyer": "justice_and_accountability",
    "woman_hrd": "women_rights",
    "lgbti": "lgbti_rights",
    "environmental": "land_and_environment",
    "land": "land_and_environment",
    "indigenous": "indigenous_rights",
    "academic": "academic_freedom",
    "writer": "cultural_rights",
    "artist": "cultural_rights",
    "trade_unionist": "labour_rights",
    "health_worker": "health_rights",
    "anti_corruption": "anti_corruption",
    "political_activist": "civil_political_rights",
    "ngo_worker": "civil_political_rights",
    "community_leader": "economic_social_rights",
}
_PROFILES = tuple(_PROFILE_ACTIVITIES)
_THREATS = (
    "death_threat",
    "physical_attack",
    "arbitrary_detention",
    "judicial_harassment",
    "surveillance",
    "raid",
    "smear_campaign",
    "online_harassment",
    "threats_to_family",
    "intimidation",
    "abduction",
    "travel_ban",
)
_CHARGES = ("extremism", "foreign_agent", "terrorism", "defamation", "public_order", "tax_or_fraud")
_VULNERABILITIES = (
    "works_alone",
    "isolated_location",
    "known_address",
    "family_exposed",
    "no_legal_support",
    "insecure_communications",
    "economic_dependence",
    "stigmatised_identity",
)
_CAPACITIES = (
    "network_support",
    "legal_support",
    "international_visibility",
    "security_training",
    "digital_security",
    "psychosocial_support",
    "emergency_fund",
)
_NOTE_OPENINGS = (
    "Fictional demo case. First contact through a partner network;",
    "Fictional demo case. Referred by a fictional lawyers' collective;",
    "Fictional demo case. Self-referred through the secure form;",
)
_NOTE_FOLLOW_UPS = (
    "the defender asks that calls happen only on the agreed app.",
    "check-ins are weekly; next one on the usual day.",
    "family members are aware of the application and agree.",
    "prefers written messages; no calls during work hours.",
)

# The relocation fact that fits each lifecycle status; where two fit, the case picks one.
_RELOCATION_FOR_STATUS: dict[CaseStatus, tuple[str, ...]] = {
    CaseStatus.INTAKE: ("none",),
    CaseStatus.SCREENING: ("none",),
    CaseStatus.NOT_ELIGIBLE: ("none",),
    CaseStatus.ASSESSMENT: ("none",),
    CaseStatus.PATHWAY_PLANNING: ("none",),
    CaseStatus.APPLYING: ("applied",),
    CaseStatus.RELOCATION_PREPARATION: ("accepted",),
    CaseStatus.IN_RELOCATION: ("in_relocation",),
    CaseStatus.RETURN_REVIEW: ("in_relocation",),
    CaseStatus.ONWARD_RELOCATION: ("in_relocation",),
    CaseStatus.ASYLUM_BRIDGE: ("in_relocation", "none"),
    CaseStatus.RETURNED_FOLLOW_UP: ("returned",),
    CaseStatus.CLOSED: ("returned", "none"),
    CaseStatus.ERASED: ("none", "returned"),
}

_WISHES_FOR_STATUS: dict[CaseStatus, tuple[str, ...]] = {
    CaseStatus.IN_RELOCATION: ("respite", "stay_and_continue"),
    CaseStatus.RETURN_REVIEW: ("extend", "return", "undecided"),
    CaseStatus.ONWARD_RELOCATION: ("onward_relocation",),
    CaseStatus.ASYLUM_BRIDGE: ("asylum",),
    CaseStatus.RETURNED_FOLLOW_UP: ("return", "stay_and_continue"),
}

_TENSION_STATUSES = frozenset(
    {
        CaseStatus.IN_RELOCATION,
        CaseStatus.RETURN_REVIEW,
        CaseStatus.ASYLUM_BRIDGE,
        CaseStatus.ONWARD_RELOCATION,
    }
)
_CLAIM_STATUSES = frozenset(
    {
        CaseStatus.PATHWAY_PLANNING,
        CaseStatus.RETURN_REVIEW,
        CaseStatus.ASYLUM_BRIDGE,
        CaseStatus.ONWARD_RELOCATION,
    }
)


class FictionalCases(NamedTuple):
    """An import document and, outside it, each case's lifecycle status by external reference."""

    document: dict[str, Any]
    statuses: dict[str, CaseStatus]


def _days_before(rng: random.Random, day: date, low: int, high: int) -> date:
    return day - timedelta(days=rng.randint(low, high))


def _threats(
    rng: random.Random, origin: OriginCountry, assessed_on: date, *, after_departure: bool
) -> list[dict[str, Any]]:
    threats: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 4)):
        threat: dict[str, Any] = {
            "date": _days_before(rng, assessed_on, 30, 700).isoformat(),
            "kind": rng.choice(_THREATS),
            "actor": rng.choice(origin.typical_actors),
            "linked_to_work": rng.random() < 0.9,
            "directed_at": rng.choice(("defender", "defender", "family", "colleague")),
            "ongoing": rng.random() < 0.5,
        }
        if rng.random() < 0.6:
            threat["reported_to_authorities"] = reported = rng.random() < 0.5
            if reported:
                threat["authority_response"] = rng.choice(("none", "ineffective", "hostile"))
        threats.append(threat)
    if after_departure:
        threats.append(
            {
                "date": _days_before(rng, assessed_on, 5, 40).isoformat(),
                "kind": "threats_to_family",
                "actor": origin.typical_actors[0],
                "linked_to_work": True,
                "directed_at": "family",
                "ongoing": True,
                "after_departure": True,
            }
        )
    return threats


def _prosecutions(rng: random.Random, civic: str | None) -> list[dict[str, Any]]:
    if civic not in ("closed", "repressed") or rng.random() < 0.5:
        return []
    return [
        {
            "charge": rng.choice(_CHARGES),
            "underlying_activity_protected": True,
            "law_meets_rights_standards": False,
            "fair_trial_available": civic != "closed",
            "stage": rng.choice(("investigation", "charged", "on_trial", "in_absentia")),
            "max_penalty_years": rng.choice((3, 5, 8, 12, 20)),
        }
    ]


def _context(rng: random.Random, origin: OriginCountry) -> dict[str, Any]:
    context: dict[str, Any] = {"country": origin.code, "armed_conflict": origin.armed_conflict}
    civic = civic_space(origin.code)
    if civic is not None:
        context["civic_space"] = civic
    hostile_state = civic in ("closed", "repressed")
    context["national_protection_mechanism"] = (
        "none" if civic == "closed" else rng.choice(("none", "ineffective"))
    )
    context["impunity_for_attacks_on_defenders"] = hostile_state or origin.armed_conflict
    context["actor_national_reach"] = hostile_state
    context["diaspora_monitored"] = civic == "closed"
    if origin.armed_conflict:
        context["indiscriminate_violence"] = rng.choice(("low", "high"))
    return context


def _claim(rng: random.Random, status: CaseStatus) -> dict[str, Any]:
    assessed = status is CaseStatus.ASYLUM_BRIDGE
    return {
        "jurisdiction": rng.choice(("EU", "UK", "UNHCR")),
        "credibility": "accepted" if assessed else "not_assessed",
        "evidence": "sufficient" if assessed else "not_assessed",
        "subjective_fear": True,
        "grounds": ["political_opinion"],
        "opinion_imputed_by_persecutor": rng.random() < 0.7,
        "persecutor_motive_evidence": rng.choice(("direct", "circumstantial")),
        "would_continue_activity_on_return": True,
    }


def _relocation(
    rng: random.Random,
    relocation_status: str,
    programme: HostProgramme,
    origin: OriginCountry,
    assessed_on: date,
) -> dict[str, Any]:
    relocation: dict[str, Any] = {"status": relocation_status}
    if relocation_status == "none":
        return relocation
    relocation["programme_id"] = programme.programme_id
    relocation["host_country"] = programme.host_country
    relocation["visa"] = visa_for(origin, programme)
    if programme.requires_return is not None:
        relocation["programme_requires_return"] = programme.requires_return
    if relocation_status == "in_relocation":
        relocation["end_date"] = (assessed_on + timedelta(days=rng.randint(10, 80))).isoformat()
        relocation["extensions_used"] = rng.choice((0, 0, 1))
    elif relocation_status == "returned":
        relocation["end_date"] = _days_before(rng, assessed_on, 30, 300).isoformat()
        relocation["extensions_used"] = 0
    return relocation


def _programme_for(
    rng: random.Random, profiles: list[str], *, requiring_return: bool
) -> HostProgramme:
    candidates = [p for p in programmes() if p.requires_return or not requiring_return]
    fitting = [p for p in candidates if p.profiles & {"any_hrd", *profiles}]
    return rng.choice(fitting or candidates)


def _dependant(rng: random.Random, defender_age: int) -> dict[str, Any]:
    relation = rng.choice(("child", "partner", "parent"))
    if relation == "child":
        age = rng.randint(1, min(17, max(1, defender_age - 18)))
    elif relation == "partner":
        age = max(18, defender_age + rng.randint(-6, 6))
    else:
        age = min(110, defender_age + rng.randint(20, 35))
    return {
        "relation": relation,
        "age": age,
        "would_accompany": rng.random() < 0.5,
        "at_risk": rng.random() < 0.6,
    }


def _case(
    rng: random.Random, number: int, status: CaseStatus, assessed_on: date, *, cycle: int
) -> dict[str, Any]:
    origin = ORIGINS[rng.randrange(len(ORIGINS))]
    profiles = rng.sample(_PROFILES, rng.randint(1, 3))
    relocation_status = rng.choice(_RELOCATION_FOR_STATUS[status])
    tension = status in _TENSION_STATUSES and relocation_status == "in_relocation"
    tension = tension and cycle % 2 == 0
    programme = _programme_for(rng, profiles, requiring_return=tension)
    birth_year = rng.randint(1958, 2002)
    identity = fictional_identity(rng, number=number, birth_year=birth_year)
    abroad = relocation_status == "in_relocation"

    defender: dict[str, Any] = {
        "nationalities": [origin.code],
        "habitual_residence": origin.code,
        "current_country": programme.host_country if abroad else origin.code,
        "languages": sorted({*origin.languages, *rng.sample(("en", "fr", "es"), 1)}),
        "gender": "woman"
        if "woman_hrd" in profiles
        else rng.choice(("woman", "man", "non_binary", "undisclosed")),
        "birth_year": birth_year,
        "profiles": profiles,
        "activities": sorted({_PROFILE_ACTIVITIES[p] for p in profiles}),
        "peaceful_means": status is not CaseStatus.NOT_ELIGIBLE,
        "accepts_universality": status is not CaseStatus.NOT_ELIGIBLE,
        "organisation_backing": rng.random() < 0.7,
        "visibility": rng.choice(("low", "medium", "high")),
        "valid_passport": rng.random() < 0.85,
        "travel_ban": rng.random() < 0.1,
        "own_risk_level": rng.choice(("medium", "high", "high", "critical")),
    }
    if rng.random() < 0.4:
        defender["dependants"] = [_dependant(rng, assessed_on.year - birth_year)]
    if rng.random() < 0.3:
        defender["health_needs"] = [rng.choice(("psychosocial", "medical"))]
    wishes = _WISHES_FOR_STATUS.get(status)
    if tension:
        defender["intends_to_return"] = False
        defender["wishes"] = ["asylum"] if status is CaseStatus.ASYLUM_BRIDGE else ["extend"]
    else:
        defender["intends_to_return"] = rng.choice((True, True, None))
        defender["wishes"] = [rng.choice(wishes or ("respite", "undecided", "stay_and_continue"))]
    if relocation_status in ("applied", "accepted"):
        defender["available_from"] = (assessed_on + timedelta(days=rng.randint(15, 90))).isoformat()
        defender["available_months"] = programme.months

    facts: dict[str, Any] = {
        "schema": "haven.case-facts/1",
        "assessed_on": assessed_on.isoformat(),
        "defender": defender,
    }
    if status is not CaseStatus.INTAKE:
        facts["threats"] = _threats(
            rng,
            origin,
            assessed_on,
            after_departure=tension and status is not CaseStatus.IN_RELOCATION,
        )
        civic = civic_space(origin.code)
        prosecutions = _prosecutions(rng, civic)
        if prosecutions:
            facts["prosecutions"] = prosecutions
        facts["vulnerabilities"] = rng.sample(_VULNERABILITIES, rng.randint(1, 3))
        facts["capacities"] = rng.sample(_CAPACITIES, rng.randint(0, 3))
        facts["context"] = _context(rng, origin)
    if status in _CLAIM_STATUSES:
        facts["claim"] = _claim(rng, status)
    facts["relocation"] = _relocation(rng, relocation_status, programme, origin, assessed_on)

    notes = [f"{rng.choice(_NOTE_OPENINGS)} {rng.choice(_NOTE_FOLLOW_UPS)}"]
    return {
        "external_reference": f"FICT-CASE-{number:04d}",
        "identity": {
            "legal_name": identity.legal_name,
            "other_names": list(identity.other_names),
            "birth_date": identity.birth_date.isoformat(),
            "phone": identity.phone,
            "email": identity.email,
            "document_number": identity.document_number,
            "address": identity.address,
        },
        "facts": facts,
        "notes": notes,
    }


def generate_cases(
    count: int,
    *,
    seed: int,
    organisation: str | None = None,
    assessed_on: date = DEFAULT_ASSESSED_ON,
) -> FictionalCases:
    """
    Return ``count`` fictional cases as an import document, and their lifecycle statuses.

    The same ``count``, ``seed`` and ``assessed_on`` always give the same document, so tests and
    the demo can name cases by their ``external_reference``.
    """
    if count < 0:
        raise ValueError("count must be zero or more")
    rng = random.Random(seed)  # noqa: S311 (fictional data, not a secret)
    all_statuses = list(CaseStatus)
    cases: list[dict[str, Any]] = []
    statuses: dict[str, CaseStatus] = {}
    for index in range(count):
        status = all_statuses[index % len(all_statuses)]
        case = _case(rng, index + 1, status, assessed_on, cycle=index // len(all_statuses))
        cases.append(case)
        statuses[case["external_reference"]] = status
    document: dict[str, Any] = {"schema": "haven.case-import/1", "cases": cases}
    if organisation is not None:
        document["organisation"] = organisation
    return FictionalCases(document, statuses)
