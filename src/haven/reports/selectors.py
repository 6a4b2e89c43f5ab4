"""
The analyst's report: cases and placements counted, never listed.

Cases are counted from ``CaseTally``, which the database keeps in step with the cases table, so
the page reads a few hundred rows however large the organisation; applications are grouped in one
read. Nothing here decrypts a field or reads a row of a person.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.cases.models import CaseStatus, Urgency
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.programmes.models import Application, ApplicationStatus
from haven.reports.models import CaseTally
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
