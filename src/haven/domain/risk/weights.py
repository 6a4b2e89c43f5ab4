"""
Every weight, multiplier, threshold and source of the risk score, named (the method is in
``haven.domain.risk``).
"""

from __future__ import annotations

from collections.abc import Mapping

from haven.domain.vocabulary import RISK_LEVEL_ORDER, RiskLevel

LEVELS = RISK_LEVEL_ORDER
LEVEL_THRESHOLDS = (
    (20.0, RiskLevel.CRITICAL),
    (10.0, RiskLevel.HIGH),
    (4.0, RiskLevel.MEDIUM),
)

SOURCE_METHOD = "Protection International, New Protection Manual for HRDs, ch. 1.2 (risk = threats x vulnerabilities / capacities)"
SOURCE_CIVICUS = "CIVICUS Monitor civic space ratings"

THREAT_SEVERITY: Mapping[str, float] = {
    "killing_attempt": 10,
    "enforced_disappearance": 10,
    "torture": 10,
    "sexual_violence": 9,
    "abduction": 9,
    "death_threat": 8,
    "physical_attack": 7,
    "arbitrary_detention": 7,
    "threats_to_family": 6,
    "raid": 5,
    "judicial_harassment": 5,
    "forced_eviction": 5,
    "property_destruction": 4,
    "travel_ban": 4,
    "asset_freeze": 4,
    "surveillance": 3,
    "intimidation": 3,
    "loss_of_livelihood": 3,
    "smear_campaign": 2,
    "online_harassment": 2,
}

#: Actors that command force or the machinery of the state weigh more: they can act on a threat.
ACTOR_WEIGHT: Mapping[str, float] = {
    "state_security": 1.3,
    "military": 1.3,
    "paramilitary": 1.3,
    "police": 1.2,
    "judiciary": 1.2,
    "government_official": 1.2,
    "ruling_party": 1.2,
    "armed_group": 1.2,
    "organised_crime": 1.2,
    "company": 1.1,
    "private_security": 1.1,
    "political_party": 1.1,
    "community": 1.0,
    "family": 1.0,
    "religious_group": 1.0,
    "unknown": 1.0,
}
STATE_ACTORS = frozenset(
    {"state_security", "military", "police", "judiciary", "government_official", "ruling_party"}
)

TARGET_WEIGHT: Mapping[str, float] = {
    "defender": 1.0,
    "family": 0.9,
    "colleague": 0.7,
    "organisation": 0.7,
    "community": 0.6,
}

#: Harms that put a life or liberty in immediate danger; against the defender within a year (or
#: still ongoing) they make the risk at least high, whatever else is recorded.
GRAVE_HARMS = frozenset(
    {
        "killing_attempt",
        "torture",
        "enforced_disappearance",
        "abduction",
        "sexual_violence",
        "death_threat",
    }
)

PROSECUTION_STAGE_SEVERITY: Mapping[str, float] = {
    "investigation": 3,
    "warrant": 6,
    "charged": 5,
    "on_trial": 6,
    "convicted": 7,
    "in_absentia": 6,
}
SERIOUS_CHARGES = frozenset({"terrorism", "extremism", "treason_espionage"})
ARREST_ON_ARRIVAL_STAGES = frozenset({"warrant", "convicted", "in_absentia"})

CIVIC_SPACE_WEIGHT: Mapping[str, float] = {
    "open": 0.9,
    "narrowed": 1.0,
    "obstructed": 1.1,
    "repressed": 1.25,
    "closed": 1.4,
}
PROTECTION_MECHANISM_WEIGHT: Mapping[str, float] = {
    "effective": 0.9,
    "ineffective": 1.05,
    "none": 1.1,
}
VISIBILITY_WEIGHT: Mapping[str, float] = {"low": 0.0, "medium": 0.1, "high": 0.2}

#: Threat factors beyond kind, actor and target (package docstring, "threat load").
ONGOING_WEIGHT = 1.25
UNLINKED_TO_WORK_WEIGHT = 0.6
LINK_TO_WORK_UNKNOWN_WEIGHT = 0.9
HOSTILE_AUTHORITIES_WEIGHT = 1.2
AFTER_DEPARTURE_ON_RETURN_WEIGHT = 1.3
#: Recency: (at most this many months old, weight); older threats weigh ``OLDER_THREAT_WEIGHT``,
#: undated ones ``UNDATED_THREAT_WEIGHT``. An ongoing threat is always current.
RECENCY_WEIGHTS: tuple[tuple[float, float], ...] = ((6, 1.0), (12, 0.8), (24, 0.6))
OLDER_THREAT_WEIGHT = 0.4
UNDATED_THREAT_WEIGHT = 0.8
CURRENT_THREAT_WEIGHT = 1.0
DAYS_PER_MONTH = 30.44

#: Prosecution factors: a stage not recorded weighs ``UNKNOWN_STAGE_SEVERITY``.
UNKNOWN_STAGE_SEVERITY = 4.0
SERIOUS_CHARGE_WEIGHT = 1.2
#: Maximum penalty: (at least this many years, weight), largest first.
PENALTY_WEIGHTS: tuple[tuple[int, float], ...] = ((10, 1.3), (3, 1.15))
PROTECTED_ACTIVITY_WEIGHT = 1.2
NO_FAIR_TRIAL_WEIGHT = 1.1
ARREST_ON_ARRIVAL_WEIGHT = 1.3

#: Combined load: the largest weight counts fully, the second by half, each other by a quarter.
LOAD_SHARE_FIRST = 1.0
LOAD_SHARE_SECOND = 0.5
LOAD_SHARE_REST = 0.25

VULNERABILITY_STEP = 0.1
CAPACITY_STEP = 0.1

#: Context multipliers (package docstring, "context"), and those only risk on return applies.
IMPUNITY_WEIGHT = 1.15
ARMED_CONFLICT_WEIGHT = 1.1
SIMILARLY_PLACED_HARMED_WEIGHT = 1.15
DIASPORA_MONITORED_WEIGHT = 1.2
ACTIVITY_ABROAD_KNOWN_WEIGHT = 1.2
CONTINUES_WORK_ON_RETURN_WEIGHT = 1.1

#: A founded feared harm (``founded_feared_harms``) weighs like an undated threat of its kind from
#: its actor: it has not happened, but the facts show why it would.
FEARED_HARM_WEIGHT = 0.8
#: What shows the actor knows, or will probably learn, of the defender or their activity.
KNOWLEDGE_BASES = frozenset(
    {"activity_abroad_known", "monitoring_of_diaspora", "returnee_screening"}
)
#: What shows the actor harms people placed like the defender, or the defender themselves.
HARM_PATTERN_BASES = frozenset(
    {"similarly_placed_harmed", "pending_prosecution", "past_pattern_against_defender"}
)

#: A grave harm at most this many months old (or ongoing) sets a floor of ``RiskLevel.HIGH``.
GRAVE_HARM_FLOOR_MONTHS = 12
