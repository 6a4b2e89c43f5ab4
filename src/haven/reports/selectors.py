"""
The analyst's report: cases and placements counted, never listed.

Each source table is read once, grouped by every dimension the report shows at the same time, and
the tables are summed from those groups in Python: one pass over the cases whatever the number of
tables, so the page costs about one scan of the cases table however large the organisation.
Nothing here decrypts a field or reads a row of a person.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case, CaseStatus, Urgency
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.programmes.models import Application, ApplicationStatus
from haven.reports.tables import ReportTable, report_table

MONTHS_SHOWN = 12
COUNT_COLUMN: list[tuple[str, str | Promise]] = [("count", _("Cases"))]


@dataclass(frozen=True)
class AnalystReport:
    organisation_name: str
    as_of: date
    tables: tuple[ReportTable, ...]

    def table(self, slug: str) -> ReportTable:
        for table in self.tables:
            if table.slug == slug:
                return table
        raise Http404


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _months_back(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    result = []
    for _step in range(months):
        result.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(result))


Labelled = Sequence[tuple[str, str | Promise]]


def _one_way(
    slug: str, title: Promise, heading: Promise, counts: Counter[str], keys: Labelled
) -> ReportTable:
    return report_table(
        slug=slug,
        title=title,
        row_heading=heading,
        counts={(key, "count"): counts.get(key, 0) for key, _label in keys},
        rows=keys,
        columns=COUNT_COLUMN,
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
    month_bounds = [
        (start, months[index + 1] if index + 1 < len(months) else None)
        for index, start in enumerate(months)
    ]
    # One pass over the cases: grouped by stage and urgency, with the months as conditional
    # counts (plain comparisons the database does natively, where truncating every row's date
    # would call a function per row).
    month_counts = {
        f"month_{index}": Count(
            "id",
            filter=Q(created_at__gte=_start_of(start))
            & (Q(created_at__lt=_start_of(end)) if end else Q()),
        )
        for index, (start, end) in enumerate(month_bounds)
    }
    grouped = (
        Case.objects.filter(organisation=organisation)
        .exclude(status=CaseStatus.ERASED)
        .values("status", "urgency")
        .annotate(cases=Count("id"), **month_counts)
        .order_by()
    )
    by_status: Counter[str] = Counter()
    by_urgency: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    status_by_urgency: Counter[tuple[str, str]] = Counter()
    for group in grouped:
        count = group["cases"]
        by_status[group["status"]] += count
        by_urgency[group["urgency"]] += count
        status_by_urgency[(group["status"], group["urgency"])] += count
        for index, (start, _end) in enumerate(month_bounds):
            by_month[start.isoformat()[:7]] += group[f"month_{index}"]

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

    statuses = [(value, label) for value, label in CaseStatus.choices if value != CaseStatus.ERASED]
    urgencies = list(Urgency.choices)
    month_rows: Labelled = [(month.isoformat()[:7], month.strftime("%Y-%m")) for month in months]
    application_statuses = [
        (value, label)
        for value, label in ApplicationStatus.choices
        if value in {s for _p, s in by_programme}
    ] or list(ApplicationStatus.choices)[:1]

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
        report_table(
            slug="applications-by-programme",
            title=_("Applications by programme and status"),
            row_heading=_("Programme"),
            counts=by_programme,
            rows=sorted(programme_names.items(), key=lambda item: item[1]),
            columns=application_statuses,
        ),
    )
    return AnalystReport(organisation.name, today, tables)
