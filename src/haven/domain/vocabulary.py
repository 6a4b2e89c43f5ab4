"""
The words the engines answer in, as enums rather than bare strings.

Each enum is a ``StrEnum`` whose values are exactly the codes of ``spec/assessment.schema.json``,
so a member serialises to the same JSON as the string it replaces and compares equal to it; a
typo in a code becomes an ``AttributeError`` at import instead of a silently wrong branch.

``Verdict`` is the one exception to "value = JSON": the schema writes a programme's eligibility
as ``true``, ``false`` or ``"unclear"``, so ``Verdict.as_json`` gives that form.
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class RiskLevel(StrEnum):
    """A risk level, from low to critical; ``rank`` orders them."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return RISK_LEVEL_ORDER.index(self)


RISK_LEVEL_ORDER: tuple[RiskLevel, ...] = tuple(RiskLevel)


@unique
class HrdStatus(StrEnum):
    """Whether the screening finds a human rights defender."""

    DEFENDER = "defender"
    NOT_DEFENDER = "not_defender"
    UNCLEAR = "unclear"


@unique
class Finding(StrEnum):
    """One protection element's answer; ``MET`` always means *favours protection*."""

    MET = "met"
    NOT_MET = "not_met"
    UNCLEAR = "unclear"
    NOT_APPLICABLE = "not_applicable"


@unique
class ProtectionOutcome(StrEnum):
    """What the protection engine advises, from the strongest status to none."""

    REFUGEE = "refugee"
    COMPLEMENTARY_PROTECTION = "complementary_protection"
    NON_REFOULEMENT_ONLY = "non_refoulement_only"
    FURTHER_EVIDENCE_NEEDED = "further_evidence_needed"
    NO_PROTECTION_NEED_SHOWN = "no_protection_need_shown"
    NOT_APPLICABLE = "not_applicable"

    @property
    def words(self) -> str:
        """The outcome in plain words, as reasons quote it."""
        return self.value.replace("_", " ")


#: Outcomes under which return is barred in some form.
POSITIVE_OUTCOMES: tuple[ProtectionOutcome, ...] = (
    ProtectionOutcome.REFUGEE,
    ProtectionOutcome.COMPLEMENTARY_PROTECTION,
    ProtectionOutcome.NON_REFOULEMENT_ONLY,
)


@unique
class Suitability(StrEnum):
    """How well a pathway suits the defender, best first (the ranking order)."""

    RECOMMENDED = "recommended"
    POSSIBLE = "possible"
    NOT_SUITABLE = "not_suitable"


@unique
class PathwayName(StrEnum):
    """The ten protection pathways, in the fixed order that breaks ties in the ranking."""

    IN_COUNTRY_PROTECTION = "in_country_protection"
    INTERNAL_RELOCATION = "internal_relocation"
    REGIONAL_RELOCATION = "regional_relocation"
    TEMPORARY_INTERNATIONAL_RELOCATION = "temporary_international_relocation"
    EXTENSION = "extension"
    ONWARD_RELOCATION = "onward_relocation"
    RETURN_WITH_PROTECTION = "return_with_protection"
    ASYLUM = "asylum"
    RESETTLEMENT = "resettlement"
    HUMANITARIAN_VISA = "humanitarian_visa"


@unique
class RegimeStatus(StrEnum):
    """Where the defender stands in one of the two regimes."""

    WITHIN = "within"
    CONTESTED = "contested"
    OUTSIDE = "outside"


@unique
class Verdict(StrEnum):
    """A programme eligibility verdict in three-valued logic."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNCLEAR = "unclear"

    def as_json(self) -> bool | str:
        """The schema's form: ``true``, ``false`` or ``"unclear"``."""
        if self is Verdict.UNCLEAR:
            return self.value
        return self is Verdict.ELIGIBLE
