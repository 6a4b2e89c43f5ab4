"""
The host state's asylum rules, and the dates they set for a relocated defender.

A defender abroad on a relocation programme who cannot safely go home may need to claim asylum
where they are. Some host states give one month from entry (Spain, Costa Rica), thirty days (Kenya,
Mexico in working days) or five (South Africa); the United States one year from the last arrival.
Elsewhere there is no fixed deadline, but a claim made while the stay is still lawful avoids the
accelerated procedure (Asylum Procedures Directive art 31(8)(h)), and a Schengen visa issued by
another Dublin state makes that state responsible (Dublin III art 12). Missing one of these dates
can cost the claim, so Haven computes them from the stay and warns the case team and the defender at
90, 30 and 7 days.

The rules are data (``haven/data/host_states.json``, versioned like the programme catalogue) read by
``haven.reference`` and passed in; this module only computes. Every date is advice for counsel to
confirm, never a legal determination.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Final

WARNING_DAYS: Final = (90, 30, 7)
"""Days before a deadline at which the case team and the defender are warned."""

DUBLIN_VISA_WINDOW_MONTHS: Final = 6
"""Dublin III art 12(4): an expired visa still decides responsibility for six months."""

US_REASONABLE_PERIOD_MONTHS: Final = 6
"""About six months after lawful status ends has been treated as the outer 'reasonable period' (unconfirmed)."""


class DeadlineKind(StrEnum):
    FILING = "filing"
    """The host state's own time limit for making a claim."""
    LAWFUL_STAY = "lawful_stay"
    """The end of the lawful stay: claiming before it avoids the accelerated procedure."""
    DUBLIN_RESPONSIBILITY = "dublin_responsibility"
    """Until this date the visa's issuing state is normally responsible for the claim."""
    REASONABLE_PERIOD = "reasonable_period"
    """United States: the reasonable period for filing after lawful status ends."""


class WarningLevel(StrEnum):
    DAYS_90 = "90_days"
    DAYS_30 = "30_days"
    DAYS_7 = "7_days"
    PASSED = "passed"


@dataclass(frozen=True)
class Notice:
    """A sentence for people: a message key and its parameters, with the English text beside them."""

    key: str
    params: Mapping[str, str] = field(default_factory=dict)
    text: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeadlineRule:
    kind: str
    amount: int = 0
    hard: bool = False
    from_events: bool = False
    only_if_unlawful_stay: bool = False


@dataclass(frozen=True)
class HostStateRules:
    code: str
    name: str
    jurisdiction: str
    where_to_claim: str
    deadline: DeadlineRule
    delay_penalty: str
    visa_holder_can_claim: bool
    visa_lapses_on_claim: bool
    claim_while_lawful: bool
    checks: tuple[str, ...]
    sources: tuple[str, ...]

    @classmethod
    def from_entry(cls, code: str, entry: Mapping[str, Any]) -> HostStateRules:
        """One state's rules from its catalogue entry; a missing required key fails loudly."""
        rule = entry["deadline"]
        return cls(
            code=code,
            name=entry["name"],
            jurisdiction=entry["jurisdiction"],
            where_to_claim=entry["where_to_claim"],
            deadline=DeadlineRule(
                kind=rule["kind"],
                amount=int(rule.get("amount", 0)),
                hard=bool(rule.get("hard", False)),
                from_events=bool(rule.get("from_events", False)),
                only_if_unlawful_stay=bool(rule.get("only_if_unlawful_stay", False)),
            ),
            delay_penalty=entry["delay_penalty"],
            visa_holder_can_claim=bool(entry["visa_holder_can_claim"]),
            visa_lapses_on_claim=bool(entry["visa_lapses_on_claim"]),
            claim_while_lawful=bool(entry["claim_while_lawful"]),
            checks=tuple(entry.get("checks", ())),
            sources=tuple(entry.get("sources", ())),
        )


@dataclass(frozen=True)
class HostStateCatalogue:
    version: str
    dublin_area: frozenset[str]
    states: Mapping[str, HostStateRules]

    def rules_for(self, country: str) -> HostStateRules | None:
        return self.states.get(country.upper())


@dataclass(frozen=True)
class StayDates:
    """What the deadlines depend on, taken from the stay and the visa records."""

    host_state: str
    last_arrival: date | None = None
    visa_issuing_state: str | None = None
    visa_expiry: date | None = None
    status_end: date | None = None
    fear_events_on: date | None = None
    """The latest incident abroad that caused fear, for host states whose clock can run from it."""

    @property
    def events_after_arrival(self) -> date | None:
        """The incident abroad that caused fear, when it came after the last arrival."""
        if self.last_arrival is None or self.fear_events_on is None:
            return None
        return self.fear_events_on if self.fear_events_on > self.last_arrival else None


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due_on: date
    hard: bool
    explanation: Notice


@dataclass(frozen=True)
class DeadlineWarning:
    deadline: Deadline
    level: WarningLevel
    days_left: int

    @classmethod
    def due(cls, deadline: Deadline, today: date) -> DeadlineWarning | None:
        """The warning due today on ``deadline``: within 90, 30 or 7 days of it, or past it."""
        days_left = (deadline.due_on - today).days
        if days_left < 0:
            level = WarningLevel.PASSED
        elif days_left <= WARNING_DAYS[2]:
            level = WarningLevel.DAYS_7
        elif days_left <= WARNING_DAYS[1]:
            level = WarningLevel.DAYS_30
        elif days_left <= WARNING_DAYS[0]:
            level = WarningLevel.DAYS_90
        else:
            return None
        return cls(deadline, level, days_left)


@dataclass(frozen=True)
class HostStateAdvice:
    """Everything the host state's rules say about one stay: dated deadlines and undated cautions."""

    catalogue_version: str
    host_state: str
    rules: HostStateRules | None
    deadlines: tuple[Deadline, ...]
    cautions: tuple[Notice, ...]


def parse_catalogue(data: Mapping[str, Any]) -> HostStateCatalogue:
    """Build the catalogue from its JSON form; a malformed file fails loudly, not silently."""
    return HostStateCatalogue(
        version=str(data["version"]),
        dublin_area=frozenset(data["dublin_area"]),
        states={
            code: HostStateRules.from_entry(code, entry) for code, entry in data["states"].items()
        },
    )


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def add_working_days(start: date, days: int) -> date:
    """Monday to Friday only; public holidays are not counted out, so the result errs early."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def _filing_deadline(rules: HostStateRules, stay: StayDates) -> Deadline | None:
    rule = rules.deadline
    if rule.kind == "none" or stay.last_arrival is None:
        return None
    events = stay.events_after_arrival if rule.from_events else None
    runs_from_events = events is not None
    start = events or stay.last_arrival
    if rule.kind == "calendar_months_from_entry":
        due = add_months(start, rule.amount)
    elif rule.kind == "days_from_entry":
        due = start + timedelta(days=rule.amount)
    elif rule.kind == "working_days_from_entry":
        due = add_working_days(start, rule.amount)
    elif rule.kind == "years_from_last_arrival":
        due = add_months(start, 12 * rule.amount)
    else:
        raise ValueError(f"unknown deadline kind in the host-state catalogue: {rule.kind!r}")
    if rule.only_if_unlawful_stay and stay.visa_expiry is not None and stay.visa_expiry >= due:
        return None
    params = {"state": rules.name, "date": due.isoformat()}
    if runs_from_events:
        key = "host_state.filing_deadline_from_events"
        text = (
            f"{rules.name}: the time to claim runs from the events abroad that caused the fear, "
            f"so a claim is due by {due.isoformat()}. {rules.delay_penalty}"
        )
    elif rule.only_if_unlawful_stay:
        key = "host_state.accelerated_if_unlawful"
        text = (
            f"{rules.name}: if the stay is no longer lawful, a claim after {due.isoformat()} may "
            f"be decided in the accelerated procedure. {rules.delay_penalty}"
        )
    else:
        key = "host_state.filing_deadline"
        text = f"{rules.name}: a claim is due by {due.isoformat()}. {rules.delay_penalty}"
    return Deadline(DeadlineKind.FILING, due, rule.hard, Notice(key, params, text, rules.sources))


def host_state_advice(catalogue: HostStateCatalogue, stay: StayDates) -> HostStateAdvice:
    """Return the dated deadlines and the undated cautions for a defender staying in a host state."""
    host = stay.host_state.upper()
    rules = catalogue.rules_for(host)
    if rules is None:
        caution = Notice(
            "host_state.unknown",
            {"state": host},
            f"Haven has no asylum rules recorded for {host}: ask counsel about any time limit.",
        )
        return HostStateAdvice(catalogue.version, host, None, (), (caution,))

    deadlines: list[Deadline] = []
    cautions: list[Notice] = []
    filing = _filing_deadline(rules, stay)
    if filing is not None:
        deadlines.append(filing)
    if rules.claim_while_lawful and stay.visa_expiry is not None:
        deadlines.append(
            Deadline(
                DeadlineKind.LAWFUL_STAY,
                stay.visa_expiry,
                False,
                Notice(
                    "host_state.claim_while_lawful",
                    {"state": rules.name, "date": stay.visa_expiry.isoformat()},
                    f"{rules.name}: the visa ends on {stay.visa_expiry.isoformat()}; a claim made "
                    "while the stay is still lawful avoids the accelerated procedure.",
                    ("Asylum Procedures Directive art 31(8)(h)", *rules.sources),
                ),
            )
        )
    if rules.deadline.kind == "years_from_last_arrival" and stay.status_end is not None:
        reasonable = add_months(stay.status_end, US_REASONABLE_PERIOD_MONTHS)
        deadlines.append(
            Deadline(
                DeadlineKind.REASONABLE_PERIOD,
                reasonable,
                False,
                Notice(
                    "host_state.reasonable_period",
                    {"state": rules.name, "date": reasonable.isoformat()},
                    f"{rules.name}: lawful status ends on {stay.status_end.isoformat()}; a late "
                    f"claim relying on that status should follow within a reasonable period, "
                    f"treated as about six months (until {reasonable.isoformat()}).",
                    ("8 CFR 208.4(a)(5)(iv)",),
                ),
            )
        )
    issuer = (stay.visa_issuing_state or "").upper()
    if (
        issuer
        and issuer != host
        and host in catalogue.dublin_area
        and issuer in catalogue.dublin_area
        and stay.visa_expiry is not None
    ):
        until = add_months(stay.visa_expiry, DUBLIN_VISA_WINDOW_MONTHS)
        deadlines.append(
            Deadline(
                DeadlineKind.DUBLIN_RESPONSIBILITY,
                until,
                False,
                Notice(
                    "host_state.dublin_issuing_state",
                    {"state": rules.name, "issuer": issuer, "date": until.isoformat()},
                    f"The visa was issued by {issuer}: a claim made in {rules.name} until "
                    f"{until.isoformat()} will normally be transferred to {issuer}, which is "
                    "responsible for it.",
                    ("Dublin III art 12(2)", "Dublin III art 12(4)"),
                ),
            )
        )
    if rules.visa_lapses_on_claim:
        cautions.append(
            Notice(
                "host_state.visa_lapses",
                {"state": rules.name},
                f"{rules.name}: a visa or residence title of up to six months lapses when the "
                "claim is made.",
                rules.sources[:1],
            )
        )
    if rules.deadline.kind == "none":
        cautions.append(
            Notice(
                "host_state.no_fixed_deadline",
                {"state": rules.name},
                f"{rules.name}: no fixed deadline. {rules.delay_penalty}",
                rules.sources,
            )
        )
    cautions.append(
        Notice(
            "host_state.leaving_abandons",
            {"state": rules.name},
            "Leaving the host state while a claim is pending is usually treated as abandoning it.",
            ("8 CFR 208.8",),
        )
    )
    deadlines.sort(key=lambda deadline: deadline.due_on)
    return HostStateAdvice(catalogue.version, host, rules, tuple(deadlines), tuple(cautions))


def jurisdiction_warning(
    catalogue: HostStateCatalogue, host_state: str, recorded_jurisdiction: str | None
) -> Notice | None:
    """Say so when the assessment uses another standard than the one the host state applies."""
    rules = catalogue.rules_for(host_state)
    if rules is None or recorded_jurisdiction is None:
        return None
    if recorded_jurisdiction == rules.jurisdiction:
        return None
    return Notice(
        "host_state.jurisdiction_differs",
        {"state": rules.name, "recorded": recorded_jurisdiction, "expected": rules.jurisdiction},
        f"The defender is in {rules.name}, where claims are decided under the {rules.jurisdiction} "
        f"standard, but the assessment was made under {recorded_jurisdiction}.",
    )
