"""
Reads of cases and their records, one module per topic, re-exported here. Each takes the acting
member first and returns only what they may see (AZ-02, AZ-03); a case they may not see raises
``CaseNotFoundError`` (an ``Http404``), exactly like a missing one.

Reads of one case bring its keys in the same query (``select_related`` of the data key and its
organisation key). List reads decrypt nothing, so they load only the columns a row shows and no
key table, page through an index in the list's order (``haven.cases.pagination``) and prefetch
related rows: neither a page's query count nor its time grows with the number of cases (pinned in
``tests/cases/test_query_counts.py``, measured by ``bench/cases.py``).

Read first: ``common`` (the 404 and the check every read makes), ``case`` (the cases a member may
see, one case by id or code), ``lists`` (the case list, "My cases", their orders and paging),
``records`` (everything recorded on a case for its page, reading only the tables that hold a row).
Then ``facts`` (the defender and the facts document the engines use), ``assessments``,
``corrections``, ``team`` (assignment and break-glass), ``notifications`` and ``erasures``.
"""

from haven.cases.selectors.assessments import (
    assessment_decisions,
    assessment_get,
    case_assessments,
    latest_assessment,
)
from haven.cases.selectors.case import (
    attachment_get,
    case_by_code,
    case_get,
    consent_get,
    visible_cases,
)
from haven.cases.selectors.common import (
    CASE_KEYS,
    CASES_PER_PAGE,
    CLOSED_STATUSES,
    CaseNotFoundError,
)
from haven.cases.selectors.corrections import (
    CORRECTABLE_MODELS,
    correctable_record_get,
    record_corrections,
)
from haven.cases.selectors.erasures import (
    ERASURE_PEOPLE,
    case_erasures,
    erasure_get,
    erasures_pending,
)
from haven.cases.selectors.facts import case_facts, case_principal_defender
from haven.cases.selectors.lists import (
    CASE_LIST_ORDER,
    LIST_COLUMNS,
    MY_CASES_ORDER,
    case_list,
    case_list_page,
    my_cases,
    my_cases_read,
    with_assignees,
)
from haven.cases.selectors.notifications import unread_notifications_read
from haven.cases.selectors.records import (
    RECORD_TABLES,
    UNSHOWN_COLUMNS,
    CaseRecords,
    TimelineEntry,
    case_records,
)
from haven.cases.selectors.team import case_assignable_members, is_assigned, sees_by_break_glass

__all__ = [
    "CASES_PER_PAGE",
    "CASE_KEYS",
    "CASE_LIST_ORDER",
    "CLOSED_STATUSES",
    "CORRECTABLE_MODELS",
    "ERASURE_PEOPLE",
    "LIST_COLUMNS",
    "MY_CASES_ORDER",
    "RECORD_TABLES",
    "UNSHOWN_COLUMNS",
    "CaseNotFoundError",
    "CaseRecords",
    "TimelineEntry",
    "assessment_decisions",
    "assessment_get",
    "attachment_get",
    "case_assessments",
    "case_assignable_members",
    "case_by_code",
    "case_erasures",
    "case_facts",
    "case_get",
    "case_list",
    "case_list_page",
    "case_principal_defender",
    "case_records",
    "consent_get",
    "correctable_record_get",
    "erasure_get",
    "erasures_pending",
    "is_assigned",
    "latest_assessment",
    "my_cases",
    "my_cases_read",
    "record_corrections",
    "sees_by_break_glass",
    "unread_notifications_read",
    "visible_cases",
    "with_assignees",
]
