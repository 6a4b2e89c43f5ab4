"""
Tension, seen early: a programme that expects return, for a defender who may not be able to go back.

Temporary relocation programmes are built on return (Shelter City admits defenders "willing and
able to return"; consulates are told the defender will leave). The right to seek asylum cannot be
signed away (UDHR art 14(1); EU Charter art 18). Jones (2015) calls this the "fundamental tension"
between the two regimes. ``haven.domain.pathways.flag_tension`` sees it once the defender is in a
programme; this module sees it earlier, for each programme a defender applies to or is matched
with, so staff can act before the application is submitted or the offer made.

The tension is flagged when the programme expects return (or its rule is not recorded) and any of
these pulls the other way: the risk on return is high or critical (the engine's or the staff's
view), the defender's own view of their risk is high or critical, the defender does not intend to
return, or they wish for asylum, resettlement or onward relocation. It then lists what staff owe
the defender (asylum-bridge reference, section 1): informed consent, independent legal advice, no
pressure either way, no abrupt cut-off, confidentiality, and asking the programme for its asylum
policy when it is not recorded.

Pure: no Django, no database. The caller gathers the levels; this module only decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from haven.domain.vocabulary import RiskLevel

#: Wishes that point away from return (the case-facts ``wishes`` vocabulary).
WISHES_AWAY_FROM_RETURN: Final = frozenset({"asylum", "resettlement", "onward_relocation"})

#: Levels at which a risk pulls against return.
SERIOUS_LEVELS: Final = frozenset({RiskLevel.HIGH.value, RiskLevel.CRITICAL.value})


class Pull(StrEnum):
    """What stands against the return a programme expects."""

    RISK_ON_RETURN = "risk_on_return"
    """The engine finds the risk on return high or critical."""
    STAFF_RISK = "staff_risk"
    """The staff recorded the risk as high or critical."""
    OWN_VIEW = "own_view"
    """The defender's own view of their risk is high or critical."""
    NO_INTENTION_TO_RETURN = "no_intention_to_return"
    """The defender said they do not intend to return."""
    WISHES_ELSEWHERE = "wishes_elsewhere"
    """The defender wishes for asylum, resettlement or onward relocation."""


class Owed(StrEnum):
    """What staff owe a defender when the tension is flagged (asylum-bridge reference, section 1)."""

    ASK_POLICY = "ask_policy"
    """The programme's asylum policy is not recorded: ask the programme before the defender decides."""
    INFORMED_CONSENT = "informed_consent"
    """Before departure, tell the defender what the programme does if a claim is made."""
    INDEPENDENT_ADVICE = "independent_advice"
    """Offer legal advice independent of the programme, the host and the funder."""
    NO_PRESSURE = "no_pressure"
    """Neither discourage a claim nor steer towards one."""
    NO_ABRUPT_CUT_OFF = "no_abrupt_cut_off"
    """If support ends, give notice and hand over to legal aid and state reception."""
    CONFIDENTIALITY = "confidentiality"
    """Nothing about a possible claim reaches the host or funder without consent."""


@dataclass(frozen=True)
class TensionInput:
    """What the tension depends on, for one defender and one programme."""

    expects_return: bool | None
    """The programme's return rule: True, False, or None when the catalogue does not say."""
    asylum_policy_recorded: bool = False
    risk_on_return: str | None = None
    staff_risk: str | None = None
    own_risk: str | None = None
    intends_to_return: bool | None = None
    wishes: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ReturnTension:
    flag: bool
    pulls: tuple[Pull, ...] = ()
    owed: tuple[Owed, ...] = ()
    return_rule_recorded: bool = True
    wishes_away: tuple[str, ...] = ()


def _serious(level: str | None) -> bool:
    return level in SERIOUS_LEVELS


def most_severe(levels: Iterable[str | None]) -> str | None:
    """The most severe of ``levels`` (unknown values and ``None`` ignored), or ``None``."""
    order = [level.value for level in RiskLevel]
    known = [level for level in levels if level in order]
    return max(known, key=order.index) if known else None


def return_tension(data: TensionInput) -> ReturnTension:
    """Flag the tension between ``data``'s programme and what the defender faces or wants."""
    if data.expects_return is False:
        return ReturnTension(False)
    pulls: list[Pull] = []
    if _serious(data.risk_on_return):
        pulls.append(Pull.RISK_ON_RETURN)
    if _serious(data.staff_risk):
        pulls.append(Pull.STAFF_RISK)
    if _serious(data.own_risk):
        pulls.append(Pull.OWN_VIEW)
    if data.intends_to_return is False:
        pulls.append(Pull.NO_INTENTION_TO_RETURN)
    away = tuple(sorted(data.wishes & WISHES_AWAY_FROM_RETURN))
    if away:
        pulls.append(Pull.WISHES_ELSEWHERE)
    recorded = data.expects_return is not None
    if not pulls:
        return ReturnTension(False, return_rule_recorded=recorded)
    owed = [] if data.asylum_policy_recorded else [Owed.ASK_POLICY]
    owed += [
        Owed.INFORMED_CONSENT,
        Owed.INDEPENDENT_ADVICE,
        Owed.NO_PRESSURE,
        Owed.NO_ABRUPT_CUT_OFF,
        Owed.CONFIDENTIALITY,
    ]
    return ReturnTension(True, tuple(pulls), tuple(owed), recorded, away)
