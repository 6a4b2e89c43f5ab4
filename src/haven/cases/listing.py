"""
The case list's columns a person reads (country, profile, risk, stage) and its sort orders.

Stage (the lifecycle status) is a plain column, so the database sorts it and pages through it
like the default order. Country and profile live in the case's encrypted facts and the risk level
in its latest assessment's encrypted ``staff_risk_level``: the database cannot sort on them, and
keeping them in plain columns would let anyone holding a copy of the database read who is at
what risk where. So the server decrypts those three values for the member's filtered list (their
keys in one query, the latest assessments in one more), sorts in Python and cuts the page out of
it. That costs time in proportion to the list, which is why it is refused above
``SORT_DECRYPT_LIMIT`` cases with a message asking for a filter first; the number of queries stays
the same whatever the list's length (``tests/cases/test_case_list_sort.py``).

Every page, whatever its order, shows the three values of its own rows: up to 50 cases
decrypted, with the same constant number of queries.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import (
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.forms import Form
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from haven.accounts import reading
from haven.cases.addresses import row_url
from haven.cases.countries import country_name
from haven.cases.errors import CaseError
from haven.cases.models import Assessment, Assignment, CaseStatus
from haven.cases.models import Case as CaseRecord
from haven.cases.pagination import COUNT_CAP, KeysetPage, SortKey, keyset_page
from haven.cases.selectors import CASE_KEYS, CASE_LIST_ORDER
from haven.cases.vocabulary import term
from haven.domain.risk import LEVELS
from haven.vault.models import DataKey

#: Above this many cases in the filtered list, sorting on an encrypted column is refused.
SORT_DECRYPT_LIMIT = 1_000
#: The columns a list may be sorted on, in the order of the table's headings.
SORT_COLUMNS = ("country", "profile", "risk", "stage")
ENCRYPTED_SORTS = ("country", "profile", "risk")

UNKNOWN_SORT = _(
    "The case list cannot be sorted by “%(column)s”. It can be sorted by country, profile, risk "
    "or stage; it is shown in its usual order."
)
TOO_MANY_TO_SORT = _(
    "There are more than %(limit)s cases in this list, too many to sort by %(column)s: their "
    "values are encrypted and would all have to be opened. Narrow the list with the filters "
    "first; it is shown in its usual order."
)
COLUMN_LABELS = {
    "country": _("country"),
    "profile": _("profile"),
    "risk": _("risk"),
    "stage": _("stage"),
}

#: Lifecycle stages in the order a case moves through them.
STAGE_RANK = SqlCase(
    *(When(status=status.value, then=Value(rank)) for rank, status in enumerate(CaseStatus)),
    default=Value(len(CaseStatus)),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class ListSort:
    """A sort the list was asked for: a column of ``SORT_COLUMNS`` (None: the usual order)."""

    column: str | None = None
    descending: bool = False

    @property
    def parameter(self) -> str:
        """The ``sort`` query parameter that asks for this order ("" for the usual one)."""
        if self.column is None:
            return ""
        return f"-{self.column}" if self.descending else self.column

    def link_for(self, column: str) -> str:
        """The ``sort`` value a column's heading links to: ascending, or reversed if current."""
        if self.column == column and not self.descending:
            return f"-{column}"
        return column


class SortError(CaseError):
    """A sort the list cannot do; the list is shown in its usual order with the message."""


def parse_sort(raw: str | None) -> ListSort:
    """``country``, ``-risk``, ...: a ``ListSort``, or SortError naming the unknown column."""
    text = (raw or "").strip()
    if not text:
        return ListSort()
    descending = text.startswith("-")
    column = text[1:] if descending else text
    if column not in SORT_COLUMNS:
        # The column is shown back only cut short: it is the member's own typing, escaped.
        raise SortError(UNKNOWN_SORT, column=column[:40])
    return ListSort(column=column, descending=descending)


@dataclass(frozen=True)
class ListSummary:
    """What one row shows beyond its plain columns, decrypted for members who may see the case."""

    country: str | None
    profiles: tuple[str, ...]
    risk: str | None

    @property
    def country_label(self) -> str:
        return country_name(self.country) if self.country else ""

    @property
    def profile_labels(self) -> str:
        return ", ".join(term(profile) for profile in self.profiles)


def _summary(facts: Any, risk: str | None) -> ListSummary:
    facts = facts if isinstance(facts, dict) else {}
    defender = facts.get("defender") if isinstance(facts.get("defender"), dict) else {}
    context = facts.get("context") if isinstance(facts.get("context"), dict) else {}
    country = context.get("country") or defender.get("current_country")
    listed = defender.get("profiles")
    profiles: list[Any] = listed if isinstance(listed, list) else []
    return ListSummary(
        country=country if isinstance(country, str) else None,
        profiles=tuple(str(profile) for profile in profiles),
        risk=risk if risk in LEVELS else None,
    )


#: What a summary reads of a case: its facts and the keys they are decrypted with (every column
#: of the data key and of its organisation key, as ``select_related(CASE_KEYS)`` reads them),
#: not the columns the row already has from the list's own query.
SUMMARY_COLUMNS = (
    "id",
    "organisation_id",
    "facts",
    *(f"data_key__{field.name}" for field in DataKey._meta.concrete_fields),
    CASE_KEYS,
)


def case_summaries(case_ids: list[Any]) -> dict[Any, ListSummary]:
    """Decrypt the facts and latest staff risk level of the given cases: two or three queries."""
    if not case_ids:
        return {}
    latest = Subquery(
        Assessment.objects.filter(case=OuterRef("pk")).order_by("-recorded_at").values("pk")[:1]
    )
    cases = list(
        CaseRecord.objects.filter(pk__in=case_ids)
        .select_related(CASE_KEYS)
        .only(*SUMMARY_COLUMNS)
        .annotate(latest_assessment=latest)
    )
    by_case = {case.pk: case for case in cases}
    assessments = list(
        Assessment.objects.filter(
            pk__in=[case.latest_assessment for case in cases if case.latest_assessment]
        ).only("id", "organisation_id", "case_id", "staff_risk_level")
    )
    for assessment in assessments:
        # Each assessment is under its case's key, already loaded with the case.
        assessment.case = by_case[assessment.case_id]
    risks = {assessment.case_id: assessment.staff_risk_level for assessment in assessments}
    return {case.pk: _summary(case.facts, risks.get(case.pk)) for case in cases}


def attach_summaries(rows: list[Any]) -> None:
    """Give each row of a page its ``summary`` (country, profiles, risk)."""
    summaries = case_summaries([row.pk for row in rows])
    empty = ListSummary(country=None, profiles=(), risk=None)
    for row in rows:
        row.summary = summaries.get(row.pk, empty)


def attach_case_links(rows: list[Any]) -> None:
    """Give each row ``url``, the address of its case page, its route reversed once per process
    (``addresses.row_url``) instead of once per row by fifty ``{% url %}`` tags."""
    case_page = row_url("cases:detail", "case_id")
    for row in rows:
        row.url = case_page(row.pk)


def attach_due_dates(rows: list[Any]) -> None:
    """
    Give each row ``due_shown``: its due date ("" for none) exactly as ``|date:"DATE_FORMAT"``
    writes it, through ``reading.date``, which works the format and its words out once per
    language where the filter does it again for every date (fifty rows a page).
    """
    for row in rows:
        row.due_shown = reading.date(row.next_due_on) if row.next_due_on else ""


def attach_shown_dates(rows: list[Any]) -> None:
    """The case list's two dates a row: ``due_shown`` and ``opened_shown`` (the day opened)."""
    attach_due_dates(rows)
    for row in rows:
        row.opened_shown = reading.date(timezone.localtime(row.created_at))


def attach_assignee_names(rows: list[Any]) -> None:
    """
    Give each row of a page ``assignee_names``: the user names of its assignees, first assigned
    first, in one query for the page. A row shows names only, so the query reads the name column
    alone rather than three model instances per assignee (and a related manager per row).
    """
    names: dict[Any, list[str]] = {row.pk: [] for row in rows}
    if names:
        assignees = (
            Assignment.objects.filter(case_id__in=list(names))
            .order_by("assigned_at")
            .values_list("case_id", "membership__user__username")
        )
        for case_id, username in assignees:
            names[case_id].append(username)
    for row in rows:
        row.assignee_names = names[row.pk]


def _sort_value(summary: ListSummary, column: str) -> Any:
    """The value a row sorts by, or None when it has none (those go last either way)."""
    if column == "country":
        return summary.country_label.casefold() or None
    if column == "profile":
        labels = sorted(term(profile).casefold() for profile in summary.profiles)
        return labels[0] if labels else None
    return LEVELS.index(summary.risk) if summary.risk else None


def _decrypted_sort_page(
    cases: QuerySet[Any],
    sort: ListSort,
    *,
    size: int,
    after: str | None,
    before: str | None,
    last: bool,
) -> KeysetPage:
    column = sort.column or ""
    ordered = list(cases.order_by(*(key.order(forward=True) for key in CASE_LIST_ORDER)))
    summaries = case_summaries([case.pk for case in ordered])
    with_value: list[tuple[Any, Any]] = []
    without: list[tuple[Any, Any]] = []
    for case in ordered:
        case.summary = summaries[case.pk]
        value = _sort_value(case.summary, column)
        (with_value if value is not None else without).append((value, case))
    # A stable sort keeps the usual order among equal values; rows without a value go last.
    with_value.sort(key=lambda pair: pair[0], reverse=sort.descending)
    rows = [case for _value, case in with_value] + [case for _value, case in without]
    positions = {str(case.pk): number for number, case in enumerate(rows)}
    if before and str(before) in positions:
        end = positions[str(before)]
        start = max(0, end - size)
    elif after and str(after) in positions:
        start = positions[str(after)] + 1
        end = start + size
    elif last:
        start = max(0, len(rows) - size)
        end = len(rows)
    else:
        start, end = 0, size
    page = rows[start:end]
    attach_assignee_names(page)
    attach_shown_dates(page)
    attach_case_links(page)
    return KeysetPage(
        rows=page,
        has_previous=start > 0,
        has_next=end < len(rows),
        count=min(len(rows), COUNT_CAP),
        count_is_capped=len(rows) > COUNT_CAP,
    )


def sorted_case_page(
    cases: QuerySet[Any],
    sort: ListSort,
    *,
    size: int,
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
) -> KeysetPage:
    """
    One page of the filtered list ``cases`` (from ``selectors.case_list``) in ``sort``'s order,
    each row with its ``summary``. Raises SortError when an encrypted column is asked of a list
    over ``SORT_DECRYPT_LIMIT`` cases (one counting query, nothing decrypted).
    """
    if sort.column in ENCRYPTED_SORTS:
        if cases.order_by().values("pk")[: SORT_DECRYPT_LIMIT + 1].count() > SORT_DECRYPT_LIMIT:
            raise SortError(
                TOO_MANY_TO_SORT, limit=SORT_DECRYPT_LIMIT, column=COLUMN_LABELS[sort.column]
            )
        return _decrypted_sort_page(cases, sort, size=size, after=after, before=before, last=last)
    keys: tuple[SortKey, ...]
    if sort.column == "stage":
        keys = (SortKey("stage_rank", descending=sort.descending), *CASE_LIST_ORDER)
        rows = cases.annotate(stage_rank=STAGE_RANK)
    else:
        keys, rows = CASE_LIST_ORDER, cases
    page = keyset_page(rows, keys, size=size, after=after, before=before, last=last)
    attach_assignee_names(page.rows)
    attach_shown_dates(page.rows)
    attach_case_links(page.rows)
    attach_summaries(page.rows)
    return page


@dataclass(frozen=True)
class HeadingLink:
    """One sortable column heading: its label, its link and which way the list is sorted by it."""

    column: str
    href: str
    #: "ascending", "descending" or "none", for ``aria-sort``.
    state: str


def heading_links(sort: ListSort, query: str) -> dict[str, HeadingLink]:
    """Each sortable column's heading link, keeping the list's filters (``query``)."""
    links = {}
    for column in SORT_COLUMNS:
        parameters = f"{query}&" if query else ""
        state = "none"
        if sort.column == column:
            state = "descending" if sort.descending else "ascending"
        links[column] = HeadingLink(
            column=column, href=f"?{parameters}sort={sort.link_for(column)}", state=state
        )
    return links


#: ``blank_fields``' markup, by form class and language.
_BLANK_FIELDS: dict[tuple[type[Form], str | None], SafeString] = {}


def blank_fields(form_class: type[Form]) -> SafeString:
    """
    ``forms/fields.html`` for an unbound ``form_class`` (no data, no initial values, no errors),
    written once per language in each process: the case list's filter and search forms are the
    same markup on every plain visit, and writing their option lists through the widget templates
    cost about as much as the table's fifty rows (issue 17). The markup holds labels, choices and
    help only, nothing of a case or of the member; a bound form is rendered afresh.
    """
    key = (form_class, get_language())
    found = _BLANK_FIELDS.get(key)
    if found is None:
        found = _BLANK_FIELDS[key] = render_to_string("forms/fields.html", {"form": form_class()})
    return found
