"""
The case page's reads cost few round trips (issue 17): the case's query is compiled once per
process and keeps need-to-know, and the record tables' reads go to PostgreSQL together.
"""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.cases.selectors import CaseNotFoundError, case_get
from haven.cases.selectors.records import _RECORD_READS
from haven.cases.selectors.round_trips import STATEMENT_SEPARATOR, read_together
from haven.cases.services import note_add, threat_record
from haven.organisations.models import Role
from tests.acting import acting
from tests.cases.factories import assigned_case, membership_of
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def _case_with_records(organisation, caseworker):
    case = assigned_case(organisation, caseworker)
    for index in range(3):
        note_add(membership=acting(caseworker), case=case, body=f"Fictional note {index}.")
        threat_record(membership=acting(caseworker), case=case, details={"kind": "raid"})
    return case


def test_reads_sent_together_return_what_each_returns_alone(organisation, caseworker):
    case = _case_with_records(organisation, caseworker)
    values = {"case": case.pk, "organisation": case.organisation_id}
    calls = [(_RECORD_READS["threats"], values), (_RECORD_READS["notes"], values)]
    alone = [read(**given) for read, given in calls]

    with CaptureQueriesContext(connection) as captured:
        together = read_together(calls)

    assert [[row.pk for row in rows] for rows in together] == [
        [row.pk for row in rows] for rows in alone
    ]
    assert [note.author_name for note in together[1]] == [note.author_name for note in alone[1]]
    assert [threat.details for threat in together[0]] == [threat.details for threat in alone[0]]
    one_trip = connection.vendor == "postgresql"
    assert len(captured.captured_queries) == (1 if one_trip else 2)
    assert captured.captured_queries[0]["sql"].count(STATEMENT_SEPARATOR) == (1 if one_trip else 0)


def test_the_case_page_reads_its_records_in_one_round_trip_on_postgresql(
    organisation, caseworker, sign_in_as
):
    """More record tables holding rows cost more statements, never more round trips there."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    note_add(membership=acting(caseworker), case=case, body="Fictional note.")
    threat_record(membership=acting(caseworker), case=case, details={"kind": "raid"})

    with CaptureQueriesContext(connection) as more:
        page = client.get(url)

    assert page.status_code == 200
    assert "Fictional note." in page.content.decode()
    grown = len(more.captured_queries) - len(few.captured_queries)
    assert grown == (0 if connection.vendor == "postgresql" else 2)


def test_the_compiled_case_read_keeps_need_to_know(organisation, other_organisation, caseworker):
    """The same compiled query answers every member with their own values, never the first's."""
    case = assigned_case(organisation, caseworker)
    assigned = membership_of(caseworker, organisation)
    colleague = membership_of(
        make_member(organisation, Role.CASEWORKER, "colleague.caseworker"), organisation
    )
    coordinator = membership_of(
        make_member(organisation, Role.COORDINATOR, "the.coordinator"), organisation
    )
    outsider = membership_of(
        make_member(other_organisation, Role.COORDINATOR, "other.coordinator"), other_organisation
    )

    assert case_get(membership=assigned, case_id=case.pk, with_records=True).pk == case.pk
    assert case_get(membership=assigned, case_id=str(case.pk)).pk == case.pk
    assert case_get(membership=coordinator, case_id=case.pk, with_records=True).pk == case.pk
    for member in (colleague, outsider):
        with pytest.raises(CaseNotFoundError):
            case_get(membership=member, case_id=case.pk, with_records=True)
    for unknown in (uuid.uuid4(), "not-a-case-id"):
        with pytest.raises(CaseNotFoundError):
            case_get(membership=assigned, case_id=unknown)
