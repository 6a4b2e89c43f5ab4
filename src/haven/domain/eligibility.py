"""
Programme eligibility in three-valued logic, applying exactly the rules the programme catalogue
(``haven/data/programmes.json``) is written for: each catalogue field is a programme's published
condition (who it takes, for how long, whether it expects return), read from its own pages. The
table of rules is in ``docs/decision-logic.md``, section 7.

Each rule is a small function returning a ``RuleResult``: ``True`` (passes), ``False`` (fails) or
``None`` (unclear), with a reason naming the catalogue field it reads. They combine as the
catalogue notes say: not eligible if any rule fails; otherwise unclear if any rule is unclear;
otherwise eligible. A ``null`` in the catalogue and an absent fact both mean "not known", and an
unknown makes a rule unclear only where the answer could change the verdict.

Rules pass silently only when they do not apply; every verdict lists every reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from haven.domain.facts import CaseFacts
from haven.domain.hrd import HrdScreening
from haven.domain.messages import Codes, gettext_noop, say
from haven.domain.vocabulary import HrdStatus, ProtectionOutcome, Verdict

SOURCE = "programme catalogue rule"


@dataclass(frozen=True)
class RuleResult:
    """What one rule finds: passes (``True``), fails (``False``) or unclear (``None``), and why."""

    passed: bool | None
    reason: str

    @classmethod
    def said(cls, passed: bool | None, key: str, text: str, **params: str) -> RuleResult:
        """A finding with its keyed reason (``say``; mark ``text`` with gettext_noop)."""
        return cls(passed, say(key, text, **params))


@dataclass(frozen=True)
class Eligibility:
    """One programme's verdict with every reason, failures first."""

    programme_id: str
    eligible: Verdict
    reasons: tuple[str, ...]

    @classmethod
    def combine(cls, programme_id: str, results: Sequence[RuleResult]) -> Eligibility:
        """Not eligible if any rule fails; otherwise unclear if any is unclear; else eligible."""
        failed = [result.reason for result in results if result.passed is False]
        unclear = [result.reason for result in results if result.passed is None]
        passed = [result.reason for result in results if result.passed is True]
        verdict = (
            Verdict.NOT_ELIGIBLE if failed else Verdict.UNCLEAR if unclear else Verdict.ELIGIBLE
        )
        return cls(programme_id, verdict, (*failed, *unclear, *passed))


@dataclass(frozen=True)
class EligibilityInput:
    """What the rules read: the facts plus two engine results they depend on."""

    facts: CaseFacts
    hrd: HrdScreening
    protection_outcome: ProtectionOutcome


Rule = Callable[[Mapping[str, Any], EligibilityInput], RuleResult | None]


def _words(codes: Sequence[str]) -> str:
    return Codes(codes)


def defender_rule(programme: Mapping[str, Any], data: EligibilityInput) -> RuleResult:
    """Every programme is for human rights defenders working peacefully."""
    if data.hrd.status == HrdStatus.NOT_DEFENDER:
        return RuleResult.said(
            False,
            "eligibility.not_defender",
            gettext_noop(
                "Not eligible: the screening finds the person is not a human rights defender."
            ),
        )
    if data.facts.defender.peaceful_means is False:
        return RuleResult.said(
            False,
            "eligibility.not_peaceful",
            gettext_noop("Not eligible: the defender does not work by peaceful means."),
        )
    if data.hrd.status == HrdStatus.UNCLEAR:
        return RuleResult.said(
            None,
            "eligibility.screening_unclear",
            gettext_noop("Unclear: the defender screening is unclear."),
        )
    return RuleResult.said(
        True, "eligibility.defender", gettext_noop("A human rights defender working peacefully.")
    )


def profiles_rule(programme: Mapping[str, Any], data: EligibilityInput) -> RuleResult:
    """``eligible_profiles``: any defender if it lists ``any_hrd``."""
    listed = programme.get("eligible_profiles")
    if listed is None:
        return RuleResult.said(
            None,
            "eligibility.profiles_unrecorded",
            gettext_noop(
                "Unclear: the programme's eligible profiles are not recorded (eligible_profiles)."
            ),
        )
    if "any_hrd" in listed:
        return RuleResult.said(
            True,
            "eligibility.any_profile",
            gettext_noop("Open to any defender (eligible_profiles)."),
        )
    profiles = data.facts.defender.profiles
    if not profiles:
        return RuleResult.said(
            None,
            "eligibility.profiles_unknown",
            gettext_noop(
                "Unclear: open only to %(profiles)s, and the defender's profiles are not recorded (eligible_profiles)."
            ),
            profiles=_words(listed),
        )
    matching = [profile for profile in profiles if profile in listed]
    if matching:
        return RuleResult.said(
            True,
            "eligibility.profile_eligible",
            gettext_noop("Profile %(profiles)s is eligible (eligible_profiles)."),
            profiles=_words(matching),
        )
    return RuleResult.said(
        False,
        "eligibility.profile_not_eligible",
        gettext_noop("Not eligible: open only to %(profiles)s (eligible_profiles)."),
        profiles=_words(listed),
    )


def nationalities_rule(programme: Mapping[str, Any], data: EligibilityInput) -> RuleResult | None:
    """``eligible_nationalities``: ``null`` means any nationality."""
    listed = programme.get("eligible_nationalities")
    if listed is None:
        return None
    nationalities = data.facts.defender.nationalities
    if not nationalities:
        why = (
            say("eligibility.stateless", gettext_noop("the defender is stateless"))
            if data.facts.defender.stateless
            else say(
                "eligibility.nationalities_unrecorded",
                gettext_noop("the defender's nationalities are not recorded"),
            )
        )
        return RuleResult.said(
            None,
            "eligibility.nationality_unclear",
            gettext_noop(
                "Unclear: open only to some nationalities, and %(why)s (eligible_nationalities)."
            ),
            why=why,
        )
    matching = [code for code in nationalities if code in listed]
    if matching:
        return RuleResult.said(
            True,
            "eligibility.nationality_eligible",
            gettext_noop("Nationality %(nationalities)s is eligible (eligible_nationalities)."),
            nationalities=", ".join(matching),
        )
    return RuleResult.said(
        False,
        "eligibility.nationality_not_eligible",
        gettext_noop(
            "Not eligible: nationality %(nationalities)s is not among those the programme accepts (eligible_nationalities)."
        ),
        nationalities=", ".join(nationalities),
    )


def languages_rule(programme: Mapping[str, Any], data: EligibilityInput) -> RuleResult | None:
    """``languages_required``: ``[]`` means none; the defender must work in one of them."""
    required = programme.get("languages_required")
    if required == []:
        return None
    if required is None:
        return RuleResult.said(
            None,
            "eligibility.languages_unrecorded",
            gettext_noop(
                "Unclear: the programme's language requirement is not recorded (languages_required)."
            ),
        )
    languages = data.facts.defender.languages
    if languages is None:
        return RuleResult.said(
            None,
            "eligibility.languages_unknown",
            gettext_noop(
                "Unclear: the programme needs one of %(languages)s, and the defender's languages are not recorded (languages_required)."
            ),
            languages=", ".join(required),
        )
    shared = [code for code in languages if code in required]
    if shared:
        return RuleResult.said(
            True,
            "eligibility.languages_shared",
            gettext_noop("Works in %(languages)s (languages_required)."),
            languages=", ".join(shared),
        )
    return RuleResult.said(
        False,
        "eligibility.languages_not_eligible",
        gettext_noop(
            "Not eligible: the programme needs one of %(languages)s (languages_required)."
        ),
        languages=", ".join(required),
    )


def return_intent_rule(programme: Mapping[str, Any], data: EligibilityInput) -> RuleResult | None:
    """``requires_return_intent``: unknown only matters to a defender who does not intend to return."""
    required = programme.get("requires_return_intent")
    intends = data.facts.defender.intends_to_return
    if required is True:
        if intends is False:
            return RuleResult.said(
                False,
                "eligibility.return_intent_missing",
                gettext_noop(
                    "Not eligible: the programme requires an intention to return, and the defender does not intend to return (requires_return_intent)."
                ),
            )
        if intends is None:
            return RuleResult.said(
                None,
                "eligibility.return_intent_unrecorded",
                gettext_noop(
                    "Unclear: the programme requires an intention to return, and the defender's intention is not recorded (requires_return_intent)."
                ),
            )
        return RuleResult.said(
            True,
            "eligibility.return_intent",
            gettext_noop("Intends to return, as the programme requires (requires_return_intent)."),
        )
    if required is None and intends is False:
        return RuleResult.said(
            None,
            "eligibility.return_rule_unrecorded",
            gettext_noop(
                "Unclear: the defender does not intend to return, and whether the programme requires it is not recorded (requires_return_intent)."
            ),
        )
    return None


def family_rule(programme: Mapping[str, Any], data: EligibilityInput) -> RuleResult | None:
    """``family_allowed``: only matters when a dependant would come along."""
    accompanying = [
        dependant for dependant in data.facts.defender.dependants if dependant.would_accompany
    ]
    if not accompanying:
        return None
    allowed = programme.get("family_allowed")
    if allowed is False:
        return RuleResult.said(
            False,
            "eligibility.family_not_allowed",
            gettext_noop(
                "Not eligible with family: the programme does not take dependants, and a dependant would accompany the defender; the defender may still go alone (family_allowed)."
            ),
        )
    if allowed is None:
        return RuleResult.said(
            None,
            "eligibility.family_unrecorded",
            gettext_noop(
                "Unclear: a dependant would accompany the defender, and whether the programme takes family is not recorded (family_allowed)."
            ),
        )
    return RuleResult.said(
        True,
        "eligibility.family_allowed",
        gettext_noop("The programme takes accompanying family (family_allowed)."),
    )


def duration_rule(programme: Mapping[str, Any], data: EligibilityInput) -> RuleResult | None:
    """``duration_months_min`` against the months the defender can be away."""
    available = data.facts.defender.available_months
    if available is None:
        return None
    minimum = programme.get("duration_months_min")
    if minimum is None:
        return RuleResult.said(
            None,
            "eligibility.duration_unrecorded",
            gettext_noop(
                "Unclear: the defender can be away %(months)s months, and the programme's minimum stay is not recorded (duration_months_min)."
            ),
            months=f"{available:g}",
        )
    if available < minimum:
        return RuleResult.said(
            False,
            "eligibility.duration_short",
            gettext_noop(
                "Not eligible: the defender can be away %(months)s months, below the minimum stay of %(minimum)s (duration_months_min)."
            ),
            months=f"{available:g}",
            minimum=f"{minimum:g}",
        )
    return RuleResult.said(
        True,
        "eligibility.duration",
        gettext_noop("Can stay the minimum of %(minimum)s months (duration_months_min)."),
        minimum=f"{minimum:g}",
    )


def refugee_status_rule(programme: Mapping[str, Any], data: EligibilityInput) -> RuleResult | None:
    """``requires_refugee_status``: read against the protection engine's outcome."""
    if programme.get("requires_refugee_status") is not True:
        return None
    outcome = data.protection_outcome
    if outcome == ProtectionOutcome.REFUGEE:
        return RuleResult.said(
            True,
            "eligibility.refugee_status",
            gettext_noop(
                "The protection assessment points to refugee status, which the programme requires (requires_refugee_status)."
            ),
        )
    if outcome == ProtectionOutcome.FURTHER_EVIDENCE_NEEDED:
        return RuleResult.said(
            None,
            "eligibility.refugee_status_open",
            gettext_noop(
                "Unclear: the programme requires refugee status, and the protection assessment needs further evidence (requires_refugee_status)."
            ),
        )
    return RuleResult.said(
        False,
        "eligibility.refugee_status_missing",
        gettext_noop(
            "Not eligible: the programme requires refugee status, and the protection assessment gives %(outcome)s (requires_refugee_status)."
        ),
        outcome=Codes([ProtectionOutcome(outcome)]),
    )


def outside_home_rule(programme: Mapping[str, Any], data: EligibilityInput) -> RuleResult | None:
    """``must_be_outside_home_country``."""
    if programme.get("must_be_outside_home_country") is not True:
        return None
    defender = data.facts.defender
    if defender.current_country is None:
        return RuleResult.said(
            None,
            "eligibility.whereabouts_unrecorded",
            gettext_noop(
                "Unclear: the programme takes only defenders outside their own country, and where the defender is now is not recorded (must_be_outside_home_country)."
            ),
        )
    if defender.current_country in defender.nationalities:
        return RuleResult.said(
            False,
            "eligibility.in_home_country",
            gettext_noop(
                "Not eligible: the programme takes only defenders outside their own country (must_be_outside_home_country)."
            ),
        )
    return RuleResult.said(
        True,
        "eligibility.outside_home",
        gettext_noop(
            "Outside their own country, as the programme requires (must_be_outside_home_country)."
        ),
    )


def host_countries_rule(programme: Mapping[str, Any], data: EligibilityInput) -> RuleResult | None:
    """``host_countries``: hosting a defender in their own country is not international relocation."""
    hosts = programme.get("host_countries") or []
    nationalities = set(data.facts.defender.nationalities)
    if hosts and nationalities and all(host in nationalities for host in hosts):
        return RuleResult.said(
            False,
            "eligibility.host_is_home",
            gettext_noop(
                "Not eligible: every host country is the defender's own (host_countries)."
            ),
        )
    return None


RULES: tuple[Rule, ...] = (
    defender_rule,
    profiles_rule,
    nationalities_rule,
    languages_rule,
    return_intent_rule,
    family_rule,
    duration_rule,
    refugee_status_rule,
    outside_home_rule,
    host_countries_rule,
)


def evaluate_programme(programme: Mapping[str, Any], data: EligibilityInput) -> Eligibility:
    """One programme's verdict with every reason, failures first."""
    results = [result for rule in RULES if (result := rule(programme, data)) is not None]
    return Eligibility.combine(str(programme["id"]), results)


def evaluate_catalogue(
    programmes: Sequence[Mapping[str, Any]], data: EligibilityInput
) -> tuple[Eligibility, ...]:
    """Every programme in the catalogue, in catalogue order."""
    return tuple(evaluate_programme(programme, data) for programme in programmes)
