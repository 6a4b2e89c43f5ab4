"""
The analyst's report: cases, stays and placements counted, never listed.

Cases are counted from ``CaseTally``, which the database keeps in step with the cases table, so
the page reads a few hundred rows however large the organisation; applications and stays are
grouped in one read each, and the time spent in each stage comes from ``StageTally``, which a
trigger keeps as cases move (``haven.reports.stages``). Nothing here decrypts a field or reads a row of a person: a stay's
outcome is encrypted (it can say "sought asylum"), so this report counts stays by their plain
stage, host country and programme only.
"""

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from haven.cases.countries import country_name
from haven.cases.models import CASE_STATUS_CHOICES, CaseStatus, Urgency
from haven.cases.vocabulary import term
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.programmes.models import Application, ApplicationStatus
from haven.relocations.models import STAY_STATUSES, Stay, StayStatus
from haven.reports.models import CaseTally, ProfileTally, StageTally
from haven.reports.tables import ReportTable, report_table

MONTHS_SHOWN = 12
COUNT_COLUMN: list[tuple[str, str | Promise]] = [("count", _("Cases"))]
STAY_COLUMN: list[tuple[str, str | Promise]] = [("count", _("Stays"))]
STAGE_TIMES: list[tuple[str, str | Promise]] = [
    ("week", _("Under a week")),
    ("month", _("1 to 4 weeks")),
    ("quarter", _("1 to 3 months")),
    ("longer", _("Over 3 months")),
]
#: Stays grouped for the table by programme: still to come or under way, ended, cancelled.
STAY_PHASES: list[tuple[str, str | Promise]] = [
    ("open", _("Planned or under way")),
    ("ended", _("Ended")),
    ("cancelled", _("Cancelled")),
]
NOT_RECORDED = _("Not recorded")
#: Tables counted by the hourly job (``haven.reports.profiles``), not kept live.
PROFILE_TABLES = ("cases-by-risk", "cases-by-country", "cases-by-profile")
RISK_ORDER = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class AnalystReport:
    organisation_name: str
    as_of: date
    tables: tuple[ReportTable, ...]
    #: When the risk, country and profile tables were counted (None: not yet).
    profiles_counted_at: datetime | None = None
    profile_tables: tuple[str, ...] = PROFILE_TABLES

    def table(self, slug: str) -> ReportTable:
        for table in self.tables:
            if table.slug == slug:
                return table
        raise Http404


def _months_back(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    result = []
    for _step in range(months):
        result.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(result))


Labelled = Sequence[tuple[str, str | Promise]]


def _by_programme(
    slug: str,
    title: Promise,
    counts: Mapping[tuple[str, str], int],
    programme_names: Mapping[str, str],
    columns: Labelled,
) -> ReportTable:
    """A table with a row per programme that has something to count, in the order of their names."""
    return report_table(
        slug=slug,
        title=title,
        row_heading=_("Programme"),
        counts=counts,
        rows=sorted(programme_names.items(), key=lambda item: item[1]),
        columns=columns,
    )


def _one_way(
    slug: str,
    title: Promise,
    heading: Promise,
    counts: Counter[str],
    keys: Labelled,
    column: Labelled = COUNT_COLUMN,
) -> ReportTable:
    return report_table(
        slug=slug,
        title=title,
        row_heading=heading,
        counts={(key, "count"): counts.get(key, 0) for key, _label in keys},
        rows=keys,
        columns=column,
    )


def _time_in_stage(organisation_id: uuid.UUID) -> dict[tuple[str, str], int]:
    """Counts of stage stays by (stage, bucket) for one organisation, from ``StageTally``."""
    rows = StageTally.objects.filter(organisation_id=organisation_id, moves__gt=0).values_list(
        "stage", "bucket", "moves"
    )
    return {(stage, bucket): moves for stage, bucket, moves in rows}


def _stay_phase(status: str) -> str:
    if status == StayStatus.ENDED:
        return "ended"
    if status == StayStatus.CANCELLED:
        return "cancelled"
    return "open"


def _stay_tables(organisation_id: uuid.UUID) -> tuple[ReportTable, ...]:
    """Stays by stage, host country and programme: one grouped read of plain columns."""
    groups = (
        Stay.objects.filter(organisation_id=organisation_id)
        .exclude(case__status=CaseStatus.ERASED)
        .values("status", "host_country", "programme_id", "programme__name")
        .annotate(stays=Count("id"))
        .order_by()
    )
    by_stage: Counter[str] = Counter()
    by_country: Counter[str] = Counter()
    by_programme: Counter[tuple[str, str]] = Counter()
    programme_names: dict[str, str] = {}
    for group in groups:
        by_stage[group["status"]] += group["stays"]
        by_country[group["host_country"]] += group["stays"]
        key = str(group["programme_id"])
        programme_names[key] = group["programme__name"]
        by_programme[(key, _stay_phase(group["status"]))] += group["stays"]
    country_rows = sorted(
        ((code, str(countries.name(code)) or code) for code in by_country), key=lambda r: r[1]
    )
    return (
        _one_way(
            "stays-by-stage",
            _("Stays by stage"),
            _("Stage"),
            by_stage,
            list(STAY_STATUSES.choices),
            STAY_COLUMN,
        ),
        _one_way(
            "stays-by-country",
            _("Stays by host country"),
            _("Host country"),
            by_country,
            country_rows,
            STAY_COLUMN,
        ),
        _by_programme(
            "stays-by-programme",
            _("Stays by programme"),
            by_programme,
            programme_names,
            STAY_PHASES,
        ),
    )


def _profile_tables(organisation_id: uuid.UUID) -> tuple[datetime | None, tuple[ReportTable, ...]]:
    """Cases by risk level, country and profile, from the job's snapshot: one read."""
    rows = ProfileTally.objects.filter(organisation_id=organisation_id).values_list(
        "dimension", "value", "cases", "computed_at"
    )
    counts: dict[str, Counter[str]] = {
        "risk": Counter(),
        "country": Counter(),
        "profile": Counter(),
    }
    counted_at: datetime | None = None
    for dimension, value, number, computed_at in rows:
        if dimension in counts:
            counts[dimension][value] += number
        counted_at = computed_at if counted_at is None else max(counted_at, computed_at)

    def labelled(dimension: str, name: object) -> Labelled:
        values = [value for value in counts[dimension] if value]
        if dimension == "risk":
            values.sort(
                key=lambda v: (RISK_ORDER.index(v) if v in RISK_ORDER else len(RISK_ORDER), v)
            )
        named = [(value, str(name(value))) for value in values]  # type: ignore[operator]
        if dimension != "risk":
            named.sort(key=lambda pair: pair[1].casefold())
        if counts[dimension][""]:
            named.append(("", str(NOT_RECORDED)))
        return named

    return counted_at, (
        _one_way(
            "cases-by-risk",
            _("Cases by risk level (latest assessment)"),
            _("Risk level"),
            counts["risk"],
            labelled("risk", term),
        ),
        _one_way(
            "cases-by-country",
            _("Cases by country"),
            _("Country"),
            counts["country"],
            labelled("country", country_name),
        ),
        _one_way(
            "cases-by-profile",
            _("Cases by profile (a case with several profiles counts under each)"),
            _("Profile"),
            counts["profile"],
            labelled("profile", term),
        ),
    )


def analyst_report(*, membership: Membership) -> AnalystReport:
    """
    The organisation's aggregate report, every table suppressed (no count from 1 to 4 anywhere).

    Permission: ``reports.view`` (analysts and coordinators); anyone else gets 404.
    """
    if not may(membership, Permission.VIEW_REPORTS):
        raise Http404
    organisation = membership.organisation
    today = timezone.localdate()

    months = _months_back(today, MONTHS_SHOWN)
    shown_months = {month.isoformat()[:7] for month in months}
    # The database keeps these counts as cases change (``haven.reports.tally``): a few hundred
    # rows to read whatever the number of cases.
    tallies = (
        CaseTally.objects.filter(organisation_id=organisation.pk, cases__gt=0)
        .exclude(status=CaseStatus.ERASED)
        .values_list("status", "urgency", "month", "cases")
    )
    by_status: Counter[str] = Counter()
    by_urgency: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    status_by_urgency: Counter[tuple[str, str]] = Counter()
    for status, urgency, month, count in tallies:
        by_status[status] += count
        by_urgency[urgency] += count
        status_by_urgency[(status, urgency)] += count
        if month in shown_months:
            by_month[month] += count

    applications = (
        Application.objects.filter(organisation=organisation)
        .values("programme_id", "programme__name", "status")
        .annotate(applications=Count("id"))
        .order_by()
    )
    programme_names: dict[str, str] = {}
    by_programme: Counter[tuple[str, str]] = Counter()
    for group in applications:
        key = str(group["programme_id"])
        programme_names[key] = group["programme__name"]
        by_programme[(key, group["status"])] += group["applications"]

    statuses = [
        (value, label) for value, label in CASE_STATUS_CHOICES if value != CaseStatus.ERASED
    ]
    urgencies = list(Urgency.choices)
    month_rows: Labelled = [(month.isoformat()[:7], month.strftime("%Y-%m")) for month in months]
    application_statuses = [
        (value, label)
        for value, label in ApplicationStatus.choices
        if value in {s for _p, s in by_programme}
    ] or list(ApplicationStatus.choices)[:1]

    stage_times = _time_in_stage(organisation.pk)
    counted_at, profile_tables = _profile_tables(organisation.pk)
    stages_left = {stage for stage, _bucket in stage_times}

    tables = (
        _one_way("cases-by-status", _("Cases by stage"), _("Stage"), by_status, statuses),
        _one_way("cases-by-urgency", _("Cases by urgency"), _("Urgency"), by_urgency, urgencies),
        report_table(
            slug="stage-by-urgency",
            title=_("Stage and urgency"),
            row_heading=_("Stage"),
            counts=status_by_urgency,
            rows=statuses,
            columns=urgencies,
        ),
        _one_way("cases-by-month", _("Cases opened each month"), _("Month"), by_month, month_rows),
        _by_programme(
            "applications-by-programme",
            _("Applications by programme and status"),
            by_programme,
            programme_names,
            application_statuses,
        ),
        report_table(
            slug="time-in-stage",
            title=_("Time spent in each stage, by cases that moved on"),
            row_heading=_("Stage"),
            counts=stage_times,
            rows=[(value, label) for value, label in statuses if value in stages_left],
            columns=STAGE_TIMES,
        ),
        *profile_tables,
        *_stay_tables(organisation.pk),
    )
    return AnalystReport(organisation.name, today, tables, counted_at)
