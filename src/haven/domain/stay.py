"""
The rules of one temporary relocation stay, as pure functions: dates that make sense, the
programme's maximum, when check-ins, the return review and follow-ups fall due, which stage the
stay is in given its records, and the relocation facts the engines read.

Values marked "design default" are Haven's proposals, not documented practice of the
programmes, so each can be overridden by the caller (per programme). Every refusal is a
``StayProblem`` code; the Django side turns codes into translated sentences, so this module stays
free of Django.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum, unique

from haven.domain.lifecycle import RELOCATION_MACHINE, RelocationStatus

__all__ = [
    "DEFAULT_RULES",
    "Incident",
    "StayProblem",
    "StayRecords",
    "StayRules",
    "VisaOutcome",
    "VisaRoute",
    "add_months",
    "arrival_alert_at",
    "cancel_target",
    "check_in_schedule",
    "document_reminders",
    "extension_problems",
    "follow_up_schedule",
    "next_due",
    "passport_too_short",
    "relocation_facts",
    "return_review_due_on",
    "stay_problems",
    "stay_status",
    "travel_plan_shred_on",
]

SOURCE = "Relocation practice reference, sections 2 and 3 (design defaults)"


@unique
class StayProblem(StrEnum):
    """Why a date or an extension is refused; the web layer words each one."""

    END_NOT_AFTER_START = "end_not_after_start"
    LONGER_THAN_PROGRAMME = "longer_than_programme"
    EXTENSION_NOT_LATER = "extension_not_later"
    EXTENSION_PAST_MAXIMUM = "extension_past_maximum"
    ARRIVAL_BEFORE_START = "arrival_before_start"
    RETURN_BEFORE_ARRIVAL = "return_before_arrival"
    DECISION_BEFORE_LODGING = "decision_before_lodging"
    VALIDITY_ENDS_BEFORE_START = "validity_ends_before_start"


@unique
class VisaRoute(StrEnum):
    """The visa a stay's travellers enter the host state on, as the stay's visa record names it."""

    VISA_FREE = "visa_free"
    SCHENGEN_SHORT_STAY = "schengen_short_stay"
    SCHENGEN_LIMITED = "schengen_limited_territorial"
    NATIONAL_LONG_STAY = "national_long_stay"
    HUMANITARIAN = "humanitarian_admission"
    OTHER_SHORT_STAY = "other_short_stay"
    OTHER_LONG_STAY = "other_long_stay"


@unique
class VisaOutcome(StrEnum):
    """Where a stay's visa application stands."""

    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"
    NOT_REQUIRED = "not_required"


@dataclass(frozen=True)
class StayRules:
    """The schedule a programme follows; every value is a design default unless configured."""

    #: Host check-ins: within 72 hours of arrival, weekly for the first month, then fortnightly.
    first_check_in_days: int = 3
    weekly_check_ins: int = 4
    later_check_in_days: int = 14
    #: Return review: six weeks before the end of a stay of up to three months, else three months.
    short_stay_months: int = 3
    short_stay_review_weeks: int = 6
    long_stay_review_months: int = 3
    #: Follow-ups after return: within a day, after a week, then 1, 3, 6 and 12 months.
    follow_up_days: tuple[int, ...] = (1, 7)
    follow_up_months: tuple[int, ...] = (1, 3, 6, 12)
    #: Arrival is overdue once the day after the planned arrival has begun (no landing time known).
    arrival_grace_days: int = 1
    #: A programme's own return-review offset in weeks before the planned end; None: the above.
    return_review_weeks: int | None = None
    #: With a scheduled landing time, arrival is overdue this many hours after it.
    arrival_alert_hours: int = 6
    #: The travel plan (route, transits, flights) is shredded this many days after arrival.
    travel_plan_shred_days: int = 30
    #: The passport should stay valid this many months after the planned end.
    passport_margin_months: int = 6
    #: Visa expiry reminders, in days before the visa ends (latest first reached wins).
    visa_warning_days: tuple[int, ...] = (30, 14)


DEFAULT_RULES = StayRules()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return ``day`` moved by whole calendar months, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(f"no valid day in {year}-{month}")  # unreachable: day 28 always exists


def _latest_end(start: datetime.date, maximum_months: float | None) -> datetime.date | None:
    if maximum_months is None:
        return None
    whole = int(maximum_months)
    days = round((maximum_months - whole) * 30)
    return add_months(start, whole) + datetime.timedelta(days=days)


def _past_maximum(start: datetime.date, end: datetime.date, maximum_months: float | None) -> bool:
    """
    Whether a stay from ``start`` ends after the programme's maximum allows, counted from its
    start: the one limit a planned stay and an extension share. No maximum recorded, no limit.
    """
    latest = _latest_end(start, maximum_months)
    return latest is not None and end > latest


def stay_problems(
    *, start: datetime.date, end: datetime.date, maximum_months: float | None
) -> list[StayProblem]:
    """Why a planned stay cannot be recorded: an end not after the start, or past the maximum."""
    if end <= start:
        return [StayProblem.END_NOT_AFTER_START]
    if _past_maximum(start, end, maximum_months):
        return [StayProblem.LONGER_THAN_PROGRAMME]
    return []


def extension_problems(
    *,
    start: datetime.date,
    current_end: datetime.date,
    requested_end: datetime.date,
    maximum_months: float | None,
) -> list[StayProblem]:
    """
    Why an extension cannot be requested or granted: it must end later than the stay now does,
    and the whole stay, counted from its start, must stay within the programme's maximum.
    """
    if requested_end <= current_end:
        return [StayProblem.EXTENSION_NOT_LATER]
    if _past_maximum(start, requested_end, maximum_months):
        return [StayProblem.EXTENSION_PAST_MAXIMUM]
    return []


def check_in_schedule(
    *, arrived_on: datetime.date, end: datetime.date, rules: StayRules = DEFAULT_RULES
) -> list[datetime.date]:
    """The dates wellbeing check-ins fall due, from arrival to the end of the stay."""
    due = [arrived_on + datetime.timedelta(days=rules.first_check_in_days)]
    due += [
        arrived_on + datetime.timedelta(weeks=week + 1) for week in range(rules.weekly_check_ins)
    ]
    step = datetime.timedelta(days=rules.later_check_in_days)
    day = arrived_on + datetime.timedelta(weeks=rules.weekly_check_ins) + step
    while day < end:
        due.append(day)
        day += step
    return sorted({day for day in due if day <= end})


def follow_up_schedule(
    *, returned_on: datetime.date, rules: StayRules = DEFAULT_RULES
) -> list[datetime.date]:
    """The dates follow-ups after return fall due."""
    days = [returned_on + datetime.timedelta(days=offset) for offset in rules.follow_up_days]
    months = [add_months(returned_on, offset) for offset in rules.follow_up_months]
    return days + months


def next_due(schedule: Sequence[datetime.date], done: int) -> datetime.date | None:
    """
    The next date still owed when ``done`` items of the schedule were recorded: each record
    answers the earliest open due date, so the defender is never asked twice for one.
    """
    return schedule[done] if done < len(schedule) else None


def return_review_due_on(
    *, start: datetime.date, end: datetime.date, rules: StayRules = DEFAULT_RULES
) -> datetime.date:
    """
    When the return review falls due: the programme's own offset when it sets one, otherwise
    earlier before a long stay ends than before a short one.
    """
    if rules.return_review_weeks is not None:
        return end - datetime.timedelta(weeks=rules.return_review_weeks)
    if end <= add_months(start, rules.short_stay_months):
        return end - datetime.timedelta(weeks=rules.short_stay_review_weeks)
    return add_months(end, -rules.long_stay_review_months)


def arrival_alert_at(
    expected: datetime.datetime, *, rules: StayRules = DEFAULT_RULES
) -> datetime.datetime:
    """The moment an unconfirmed arrival becomes an alert: the scheduled landing plus N hours."""
    return expected + datetime.timedelta(hours=rules.arrival_alert_hours)


def travel_plan_shred_on(
    arrived_on: datetime.date, *, rules: StayRules = DEFAULT_RULES
) -> datetime.date:
    """The day the travel plan is shredded: a set number of days after the arrival."""
    return arrived_on + datetime.timedelta(days=rules.travel_plan_shred_days)


def passport_too_short(
    *,
    planned_end: datetime.date,
    passport_expires_on: datetime.date | None,
    rules: StayRules = DEFAULT_RULES,
) -> bool:
    """Whether the passport ends within ``passport_margin_months`` of the stay's planned end."""
    return passport_expires_on is not None and passport_expires_on < add_months(
        planned_end, rules.passport_margin_months
    )


def document_reminders(
    *,
    passport_alert_on: datetime.date | None,
    visa_expires_on: datetime.date | None,
    today: datetime.date,
    rules: StayRules = DEFAULT_RULES,
) -> list[tuple[str, datetime.date]]:
    """
    What is owed about travel documents, as (kind, since) pairs:

    - ``passport_expiring``: since the day a passport too short for the stay was first seen
      (``passport_too_short``), until it is replaced or the stay ends;
    - ``visa_expiring``: the visa (the earliest of the travellers') ends in at most 30 or 14
      days; ``since`` is the latest warning day already reached, so each warning is a distinct
      reminder and My cases shows one item.
    """
    owed: list[tuple[str, datetime.date]] = []
    if passport_alert_on is not None and passport_alert_on <= today:
        owed.append(("passport_expiring", passport_alert_on))
    if visa_expires_on is not None:
        reached = [
            visa_expires_on - datetime.timedelta(days=days)
            for days in rules.visa_warning_days
            if visa_expires_on - datetime.timedelta(days=days) <= today
        ]
        if reached:
            owed.append(("visa_expiring", max(reached)))
    return owed


@dataclass(frozen=True)
class StayRecords:
    """What the records of one stay show, in the plain values the status and facts rules need."""

    visa_outcome: str | None = None  # a ``VisaOutcome`` value; None: no visa record
    travel_plan_recorded: bool = False
    arrived_on: datetime.date | None = None
    extension_pending: bool = False
    extensions_granted: int = 0
    ended_on: datetime.date | None = None
    cancelled: bool = False


def cancel_target(status: RelocationStatus, *, arrived: bool) -> RelocationStatus | None:
    """
    Where cancelling takes a stay, by the relocation machine (``RELOCATION_MACHINE``): before the
    arrival to ``cancelled``; after it the stay has happened, so it ends (early). None when the
    machine has no such move from ``status`` (a stay already ended or cancelled, or one with an
    extension waiting for its decision).
    """
    target = RelocationStatus.ENDED if arrived else RelocationStatus.CANCELLED
    moves = RELOCATION_MACHINE.transitions_from(status)
    return target if any(move.target == target for move in moves) else None


def stay_status(records: StayRecords) -> RelocationStatus:
    """The stage a stay is in, read from its records (never ticked by hand)."""
    if records.cancelled:
        return RelocationStatus.CANCELLED
    if records.ended_on is not None:
        return RelocationStatus.ENDED
    if records.arrived_on is not None:
        if records.extension_pending:
            return RelocationStatus.EXTENSION_REQUESTED
        return RelocationStatus.EXTENDED if records.extensions_granted else RelocationStatus.IN_STAY
    visa_ready = records.visa_outcome in (VisaOutcome.GRANTED, VisaOutcome.NOT_REQUIRED)
    if visa_ready and records.travel_plan_recorded:
        return RelocationStatus.TRAVELLING
    visa_stages: Mapping[str, RelocationStatus] = {
        VisaOutcome.PENDING: RelocationStatus.VISA_APPLIED,
        VisaOutcome.GRANTED: RelocationStatus.VISA_GRANTED,
        VisaOutcome.REFUSED: RelocationStatus.VISA_REFUSED,
    }
    return visa_stages.get(records.visa_outcome or "", RelocationStatus.PLANNED)


#: The case-facts visa value of each visa route.
VISA_FACTS: dict[str, str] = {
    VisaRoute.VISA_FREE: "visa_free",
    VisaRoute.SCHENGEN_SHORT_STAY: "short_stay",
    VisaRoute.SCHENGEN_LIMITED: "short_stay",
    VisaRoute.NATIONAL_LONG_STAY: "long_stay",
    VisaRoute.HUMANITARIAN: "residence_permit",
    VisaRoute.OTHER_SHORT_STAY: "short_stay",
    VisaRoute.OTHER_LONG_STAY: "long_stay",
}


@dataclass(frozen=True)
class Incident:
    """A security incident during the stay, in the case-facts threat vocabulary."""

    kind: str
    happened_on: datetime.date
    home_state_link: bool
    reported_to_police: bool


def relocation_facts(
    *,
    status: RelocationStatus,
    programme_id: str,
    host_country: str,
    end: datetime.date,
    visa_route: str | None,
    requires_return: bool | None,
    extensions_used: int,
) -> dict[str, object]:
    """
    The ``relocation`` part of the case facts, derived from the stay so nobody enters it twice.

    A stay not yet begun is "accepted", one under way "in_relocation", one ended "returned".
    """
    facts_status = "accepted"
    if status in (
        RelocationStatus.IN_STAY,
        RelocationStatus.EXTENSION_REQUESTED,
        RelocationStatus.EXTENDED,
    ):
        facts_status = "in_relocation"
    elif status == RelocationStatus.ENDED:
        facts_status = "returned"
    facts: dict[str, object] = {
        "status": facts_status,
        "programme_id": programme_id,
        "end_date": end.isoformat(),
        "extensions_used": extensions_used,
    }
    if host_country:
        facts["host_country"] = host_country
    if visa_route in VISA_FACTS:
        facts["visa"] = VISA_FACTS[visa_route]
    if requires_return is not None:
        facts["programme_requires_return"] = requires_return
    return facts


def incident_threats(incidents: Iterable[Incident]) -> list[dict[str, object]]:
    """
    Incidents abroad as case-facts threats marked ``after_departure``: the risk-on-return and
    sur place engines weigh them like any other threat. One linked to the home state names the
    state's security apparatus as the actor; otherwise the actor is unknown.
    """
    return [
        {
            "kind": incident.kind,
            "date": incident.happened_on.isoformat(),
            "actor": "state_security" if incident.home_state_link else "unknown",
            "after_departure": True,
            "directed_at": "defender",
            "reported_to_authorities": incident.reported_to_police,
        }
        for incident in incidents
    ]


def sur_place_facts(*, public_activity: bool, incidents: Sequence[Incident]) -> dict[str, bool]:
    """
    The sur place facts the stay shows: public activity abroad, and whether the persecutor knows
    of it (an incident linked to the home state says it does). Genuineness is a human judgement
    and is never set here.
    """
    facts: dict[str, bool] = {}
    if public_activity:
        facts["activities_abroad"] = True
    if any(incident.home_state_link for incident in incidents):
        facts["known_to_persecutor"] = True
    return facts
