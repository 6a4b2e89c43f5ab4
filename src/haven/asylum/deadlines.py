"""
The host state's rules and the deadlines they set, for the case team and the defender only.

The dates come from ``haven.domain.host_states`` (the rules are data in
``haven/data/host_states.json``, versioned), fed with the stay in ``haven.relocations``: the host
country, the confirmed arrival (the last entry), the visa's end and the state that issued it (Dublin
III art 12: a Schengen visa from another state makes that state responsible), and the latest
incident abroad (in Spain the month can run from the events that caused the fear). Without a stay under way, the host
state is where the defender is, when that is outside the country of risk; no entry date is
recorded there, so the rules are shown and no date is guessed.

Warnings fall at 90, 30 and 7 days before each date, and once it has passed. They are shown on
the case page, to members who may see the case (the case team: coordinators, assigned caseworkers
and legal advisers), and on the defender's own portal page. Host partners, analysts and other
organisations never see them: the panel asks ``may(membership, CASE_VIEW, case)``, the portal shows
only the signed-in defender's own case, and nothing here is written to logs or audit data.
Every date is advice for counsel to confirm, never a legal determination.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.accounts import reading
from haven.asylum.jurisdiction import current_host, jurisdiction_notices
from haven.cases.countries import country_name
from haven.cases.models import Case
from haven.cases.panels import Panel, register_panel
from haven.domain.host_states import (
    Deadline,
    DeadlineWarning,
    HostStateRules,
    Notice,
    StayDates,
    WarningLevel,
    host_state_advice,
)
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.reference import host_state_catalogue
from haven.relocations.models import (
    Stay,
    StayEvent,
    StayEventKind,
    StayStatus,
    VisaApplication,
    VisaOutcome,
)
from haven.vault.keyring import keyring_scope

TEMPLATE = "asylum/_host_state.html"

NOTICE_WORDS: Mapping[str, Any] = {
    "host_state.filing_deadline": _("%(state)s: a claim is due by %(date)s."),
    "host_state.filing_deadline_from_events": _(
        "%(state)s: the time to claim runs from the events abroad that caused the fear, so a "
        "claim is due by %(date)s."
    ),
    "host_state.accelerated_if_unlawful": _(
        "%(state)s: if the stay is no longer lawful, a claim after %(date)s may be decided in the "
        "accelerated procedure."
    ),
    "host_state.claim_while_lawful": _(
        "%(state)s: the visa ends on %(date)s; a claim made while the stay is still lawful avoids "
        "the accelerated procedure."
    ),
    "host_state.reasonable_period": _(
        "%(state)s: once lawful status ends, a late claim relying on it should follow within a "
        "reasonable period, treated as about six months (until %(date)s)."
    ),
    "host_state.dublin_issuing_state": _(
        "The visa was issued by %(issuer)s: a claim made in %(state)s until %(date)s will "
        "normally be transferred to %(issuer)s, which is responsible for it."
    ),
    "host_state.visa_lapses": _(
        "%(state)s: a visa or residence title of up to six months lapses when the claim is made."
    ),
    "host_state.no_fixed_deadline": _("%(state)s: no fixed deadline."),
    "host_state.leaving_abandons": _(
        "Leaving the host state while a claim is pending is usually treated as abandoning it."
    ),
    "host_state.unknown": _(
        "Haven has no asylum rules recorded for %(state)s: ask counsel about any time limit."
    ),
}

ENTRY_NOT_RECORDED = _(
    "The date the defender entered %(state)s is not recorded here, so no deadline can be "
    "computed: ask the defender, and ask counsel."
)

#: Each warning level in words, and the badge it wears (the site's risk colours).
LEVEL_DISPLAY: Mapping[WarningLevel, tuple[str | Promise, str]] = {
    WarningLevel.DAYS_90: (_("Within 90 days"), "medium"),
    WarningLevel.DAYS_30: (_("Within 30 days"), "high"),
    WarningLevel.DAYS_7: (_("Within 7 days"), "critical"),
    WarningLevel.PASSED: (_("Passed"), "critical"),
}
#: A deadline with no warning due yet: no words, the lowest badge.
NO_WARNING_DISPLAY: tuple[str | Promise, str] = ("", "low")


@dataclass(frozen=True)
class DeadlineLine:
    """One dated deadline in words, with its warning when one is due today."""

    sentence: str
    due_on: datetime.date
    hard: bool
    days_left: int
    warning: WarningLevel | None
    sources: tuple[str, ...]

    @property
    def level(self) -> str:
        """The warning level's code, or "" when no warning is due yet."""
        return self.warning.value if self.warning else ""

    @property
    def level_words(self) -> str:
        """The warning in words and its badge follow from the level (``LEVEL_DISPLAY``)."""
        return str(self._display[0])

    @property
    def badge(self) -> str:
        return self._display[1]

    @property
    def _display(self) -> tuple[str | Promise, str]:
        return LEVEL_DISPLAY[self.warning] if self.warning else NO_WARNING_DISPLAY


@dataclass(frozen=True)
class HostStateView:
    """What the host state's rules say for one case, in words."""

    host_state: str
    from_stay: bool
    entered_on: datetime.date | None
    rules: HostStateRules | None
    warnings: tuple[DeadlineLine, ...]
    later: tuple[DeadlineLine, ...]
    cautions: tuple[str, ...]
    catalogue_version: str

    @property
    def hard_warnings(self) -> tuple[DeadlineLine, ...]:
        return tuple(line for line in self.warnings if line.hard)


def _words(notice: Notice) -> str:
    params = dict(notice.params)
    if "state" in params:
        params["state"] = country_name(_code_for(params["state"]))
    if "issuer" in params:
        params["issuer"] = country_name(params["issuer"])
    if "date" in params:
        params["date"] = reading.date(datetime.date.fromisoformat(params["date"]))
    template = NOTICE_WORDS.get(notice.key)
    return str(template) % params if template is not None else notice.text


def _code_for(english_name: str) -> str:
    """The catalogue names states in English; the reader gets their own language's name."""
    for code, rules in host_state_catalogue().states.items():
        if rules.name == english_name:
            return code
    return english_name


def _stay_dates(stays: list[Stay]) -> dict[Any, StayDates]:
    """
    The dates of several stays under way, in three queries whatever their number: the stays'
    own columns, their latest granted visas, and their incidents (the latest is the date of the
    events that caused the fear; its date is encrypted, read under the case's key).
    """
    visas: dict[Any, VisaApplication] = {}
    granted = VisaApplication.objects.filter(stay__in=stays, outcome=VisaOutcome.GRANTED)
    for visa in granted.order_by("recorded_at").only("stay", "valid_until", "issuing_state"):
        visas[visa.stay_id] = visa  # the latest recorded wins
    fear: dict[Any, datetime.date] = {}
    with keyring_scope():
        incidents = StayEvent.objects.filter(
            stay__in=stays, kind=StayEventKind.INCIDENT
        ).select_related("case__data_key__organisation_key")
        for event in incidents:
            text = (event.details or {}).get("date")
            if text:
                happened = datetime.date.fromisoformat(text)
                fear[event.stay_id] = max(happened, fear.get(event.stay_id, happened))
    return {
        stay.pk: StayDates(
            host_state=stay.host_country.upper(),
            last_arrival=stay.arrived_on,
            visa_expiry=visas[stay.pk].valid_until if stay.pk in visas else None,
            status_end=visas[stay.pk].valid_until if stay.pk in visas else None,
            visa_issuing_state=(visas[stay.pk].issuing_state or None) if stay.pk in visas else None,
            fear_events_on=fear.get(stay.pk),
        )
        for stay in stays
    }


def stay_dates(case: Case) -> tuple[StayDates, bool] | None:
    """
    The dates the host state's rules read, and whether they come from a stay under way.

    A stay counts from the confirmed arrival until it ends (its arrival is the last entry, its
    granted visa's end the end of lawful status). Otherwise the host state is where the defender
    is, when that is outside the country of risk, with no entry date.
    """
    host = current_host(case)
    if host is None:
        return None
    if host.stay is None:
        return StayDates(host_state=host.state), False
    return _stay_dates([host.stay])[host.stay.pk], True


def _line(deadline: Deadline, today: datetime.date) -> DeadlineLine:
    warning = DeadlineWarning.due(deadline, today)
    return DeadlineLine(
        sentence=_words(deadline.explanation),
        due_on=deadline.due_on,
        hard=deadline.hard,
        days_left=(deadline.due_on - today).days,
        warning=warning.level if warning is not None else None,
        sources=deadline.explanation.sources,
    )


def _view(dates: StayDates, from_stay: bool, today: datetime.date | None) -> HostStateView:
    today = today or timezone.localdate()
    catalogue = host_state_catalogue()
    advice = host_state_advice(catalogue, dates)
    lines = [_line(deadline, today) for deadline in advice.deadlines]
    cautions = [_words(notice) for notice in advice.cautions]
    if advice.rules is not None and dates.last_arrival is None:
        cautions.insert(0, str(ENTRY_NOT_RECORDED) % {"state": country_name(dates.host_state)})
    return HostStateView(
        host_state=dates.host_state,
        from_stay=from_stay,
        entered_on=dates.last_arrival,
        rules=advice.rules,
        warnings=tuple(line for line in lines if line.level),
        later=tuple(line for line in lines if not line.level),
        cautions=tuple(cautions),
        catalogue_version=catalogue.version,
    )


def host_state_view(case: Case, today: datetime.date | None = None) -> HostStateView | None:
    """The host state's rules and deadlines for ``case``, or ``None`` when it is in no host state."""
    found = stay_dates(case)
    if found is None:
        return None
    return _view(*found, today)


@dataclass(frozen=True)
class CaseWarning:
    case: Case
    line: DeadlineLine


def team_warnings(cases: list[Case], today: datetime.date | None = None) -> list[CaseWarning]:
    """
    The deadline warnings due today on ``cases``, for the dashboard's My cases.

    ``cases`` must be cases the member may see (My cases: their own assigned cases, AZ-03). Only
    cases with a stay under way can have a dated deadline; their stays, visas and incidents are
    read in three queries, so the dashboard does not grow with the number of cases or stays.
    """
    current: dict[Any, Stay] = {}
    stays = Stay.objects.filter(case_id__in=[case.pk for case in cases]).exclude(
        status=StayStatus.CANCELLED
    )
    for each in stays.order_by("created_at"):
        current[each.case_id] = each  # the latest stay, as ``current_stay`` reads it
    under_way = [s for s in current.values() if s.arrived_on is not None and s.ended_on is None]
    # With no stay under way there are no dates to read: Django would build (and then not send)
    # the two queries of ``_stay_dates``, which cost more than the rest of this function.
    dates = _stay_dates(under_way) if under_way else {}
    found = []
    for case in cases:
        latest = current.get(case.pk)
        if latest is None or latest.pk not in dates:
            continue
        view = _view(dates[latest.pk], True, today)
        found += [CaseWarning(case, line) for line in view.warnings]
    return sorted(found, key=lambda item: item.line.days_left)


def defender_warnings(case: Case | None) -> HostStateView | None:
    """For the defender's own portal page: the view only when a warning is due today."""
    if case is None:
        return None
    view = host_state_view(case)
    return view if view is not None and view.warnings else None


def case_panel(membership: Membership, case: Case, subject: Any) -> Panel | None:
    """The case page, for the case team only."""
    if not may(membership, Permission.CASE_VIEW, case):
        return None
    view = host_state_view(case)
    if view is None:
        return None
    notices = jurisdiction_notices(membership=membership, case=case, host_state=view.host_state)
    return Panel(TEMPLATE, {"host": view, "jurisdiction": notices})


def install() -> None:
    register_panel("case", case_panel)
