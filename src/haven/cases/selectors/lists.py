"""
The case list and "My cases": the columns a row shows, the lists' orders (each indexed), the
filters on plain columns, and keyset paging (``haven.cases.pagination``).
"""

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from haven.accounts.compiled import CompiledRead
from haven.accounts.round_trips import Call
from haven.cases.access import visible_cases_filter
from haven.cases.models import Assignment, Case, CaseStatus
from haven.cases.pagination import KeysetPage, SortKey, keyset_page
from haven.cases.selectors.common import CASES_PER_PAGE, CLOSED_STATUSES, _active
from haven.organisations.models import Membership

#: What a list row shows: the list reads these columns and no key table, for it decrypts nothing.
LIST_COLUMNS = (
    "id",
    "organisation_id",
    "code",
    "status",
    "urgency",
    "urgency_rank",
    "due_sort",
    "next_due_on",
    "risk_views_diverge",
    "created_at",
)
#: The case list's order (urgency, then the nearest due date, newest first); indexed as
#: ``case_list_order``.
CASE_LIST_ORDER = (
    SortKey("urgency_rank"),
    SortKey("due_sort"),
    SortKey("created_at", descending=True),
    SortKey("id", descending=True),
)
#: "My cases": divergent risk views first, then as the case list; indexed as ``case_my_cases_order``.
MY_CASES_ORDER = (SortKey("risk_views_diverge", descending=True), *CASE_LIST_ORDER)


def _listed_cases(membership: Membership) -> QuerySet[Case]:
    """The live cases the member may see, with only the columns a list shows."""
    return (
        Case.objects.filter(visible_cases_filter(membership))
        .exclude(status=CaseStatus.ERASED)
        .only(*LIST_COLUMNS)
    )


def case_list(
    *,
    membership: Membership | None,
    statuses: list[str] | None = None,
    urgency: str | None = None,
    assigned_to_me: bool = False,
    include_closed: bool = False,
) -> QuerySet[Case]:
    """
    Return the visible cases filtered on plain columns only, in the list's order.

    Nothing here reads an encrypted column: filters on status, urgency and assignment are all
    the list offers (A3: a threat kind or risk level would have to be decrypted to filter on).
    """
    if membership is None or not _active(membership):
        return Case.objects.none()
    cases = _listed_cases(membership)
    if statuses:
        cases = cases.filter(status__in=statuses)
    elif not include_closed:
        cases = cases.exclude(status__in=CLOSED_STATUSES)
    if urgency:
        cases = cases.filter(urgency=urgency)
    if assigned_to_me:
        cases = cases.filter(_assigned_to(membership))
    return cases.order_by(*(key.order(forward=True) for key in CASE_LIST_ORDER))


def case_list_page(
    *,
    membership: Membership | None,
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
    **filters: Any,
) -> KeysetPage:
    """
    One page of ``case_list`` (same filters) with its assignees: the page after the case
    ``after``, before the case ``before``, the last page, or the first. Its cost does not grow
    with the number of cases (``bench/cases.py``).
    """
    return keyset_page(
        with_assignees(case_list(membership=membership, **filters)),
        CASE_LIST_ORDER,
        size=CASES_PER_PAGE,
        after=after,
        before=before,
        last=last,
    )


def _assigned_to(membership: Membership) -> Exists:
    """Cases the member is assigned to, as a semi-join (see ``access.visible_cases_filter``)."""
    return Exists(Assignment.objects.filter(case_id=OuterRef("pk"), membership_id=membership.pk))


def with_assignees(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Add the assignees (and their user names) in one extra query for the whole page."""
    return cases.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("membership__user").order_by("assigned_at"),
        )
    )


def _my_cases_query(*, member: Any, organisation: Any) -> QuerySet[Case]:
    assigned = Exists(Assignment.objects.filter(case_id=OuterRef("pk"), membership_id=member))
    cases = (
        # Not staged: as in ``visible_cases_filter``, an unfinished import's cases are nobody's.
        Case.objects.filter(assigned, organisation_id=organisation, staged=False)
        .exclude(status__in=CLOSED_STATUSES)
        .only(*LIST_COLUMNS)
        .order_by(*(key.order(forward=True) for key in MY_CASES_ORDER))
    )
    return cases[:CASES_PER_PAGE]


#: "My cases", compiled at its first use (ids no row has stand for the member and its
#: organisation): the dashboard built and compiled it on every visit (issue 17).
_MY_CASES = CompiledRead(_my_cases_query, member=uuid.UUID(int=0), organisation=uuid.UUID(int=1))


def my_cases_read(*, membership: Membership | None) -> Call | None:
    """``my_cases``' read and its values, for ``read_together``; None when it reads nothing."""
    if membership is None or not _active(membership):
        return None
    return _MY_CASES, {"member": membership.pk, "organisation": membership.organisation_id}


def my_cases(*, membership: Membership | None) -> list[Case]:
    """
    The "My cases" list: the member's open assigned cases, divergent risk views first, then urgency
    and the nearest due date. Being assigned is itself what lets a member see a case (AZ-03), so
    the assignment semi-join and the rule's "not staged" are the whole visibility filter here.
    """
    call = my_cases_read(membership=membership)
    if call is None:
        return []
    read, values = call
    return read(**values)
