"""Recording a case view costs the audit chain's own statements, with no extra savepoint."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.audit.models import AuditEvent
from haven.audit.verification import verify_chain
from haven.cases.services import case_viewed
from tests.cases.factories import assigned_case, membership_of

pytestmark = pytest.mark.django_db


def test_a_case_view_opens_only_the_audit_chains_own_atomic_block(organisation, caseworker):
    """
    Inside the test's transaction every atomic block shows as a savepoint: ``record_event``'s is
    the only one (outside a transaction, on a page, it is the BEGIN and nothing nests in it).
    """
    case = assigned_case(organisation, caseworker)
    membership = membership_of(caseworker, organisation)

    with CaptureQueriesContext(connection) as captured:
        case_viewed(membership=membership, case=case, by_break_glass=False)

    savepoints = [q for q in captured.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1
    assert AuditEvent.objects.filter(event_type="case.viewed", object_id=str(case.pk)).exists()
    assert verify_chain().intact
