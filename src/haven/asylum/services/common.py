"""
What every write to the asylum bridge shares: the case reached and locked (``case_for``), the
audit event naming the record written (``audit_record``), and the record that a member opened a
case's asylum records.
"""

from django.http import Http404

from haven.accounts.acting import record_action
from haven.asylum.access import may_reach_case_records
from haven.audit.events import EventType
from haven.cases.models import Case
from haven.organisations.models import Membership
from haven.organisations.policy import Permission


def case_for(membership: Membership, case: Case, permission: Permission) -> Case:
    """Re-read the case locked for this transaction; 404 for anyone who may not write to it."""
    if not may_reach_case_records(membership, permission, case):
        raise Http404
    locked: Case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("data_key__organisation_key")
        .get(pk=case.pk)
    )
    return locked


def audit_record(event: EventType, membership: Membership, case: Case, record: object) -> None:
    """Audit a write to one of the case's asylum records: the event names the record's id only."""
    record_action(event, membership, case, {"record": str(getattr(record, "pk", ""))})


def asylum_records_viewed(*, membership: Membership, case: Case) -> None:
    """
    Record that a member opened a case's asylum records, as ``case_viewed`` does for the case
    page (T3: bulk browsing by an insider shows in the audit log). Permission: ASYLUM_VIEW on the
    case. Side effect: one ``asylum.records_viewed`` event with no data.
    """
    if not may_reach_case_records(membership, Permission.ASYLUM_VIEW, case):
        raise Http404
    record_action(EventType.ASYLUM_RECORDS_VIEWED, membership, case, {})
