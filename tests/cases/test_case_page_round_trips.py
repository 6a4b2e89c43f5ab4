"""
The case page's reads cost few round trips (issue 17): the case's query is compiled once per
process and keeps need-to-know, and the record tables' reads go to PostgreSQL together, in one
pipeline, and are prepared once they recur.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse

from haven.accounts.round_trips import read_together
from haven.audit import services as audit_services
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.cases.selectors import CaseNotFoundError, case_get, case_records
from haven.cases.selectors.records import _RECORD_READS
from haven.cases.services import note_add, threat_record
from haven.organisations.models import Role
from tests.acting import acting
from tests.cases.factories import assigned_case, membership_of
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def _in_pipeline() -> bool:
    """Whether the statement now being sent waits in a psycopg pipeline for the others."""
    if connection.vendor != "postgresql":
        return False
    from psycopg import pq

    return connection.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF


@contextmanager
def _round_trips() -> Iterator[list[bool]]:
    """
    Whether each statement run inside the block was sent in a pipeline; count the round trips
    with ``_trips``. Django logs each statement of a pipeline on its own, as if it were a trip.
    """
    pipelined: list[bool] = []

    def record(execute, sql, params, many, context):
        pipelined.append(_in_pipeline())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield pipelined


def _trips(pipelined: list[bool]) -> int:
    """A statement on its own is one trip; statements pipelined one after another, one for all."""
    return sum(
        1 for index, piped in enumerate(pipelined) if not (piped and index and pipelined[index - 1])
    )


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

    with _round_trips() as pipelined:
        together = read_together(calls)

    assert [[row.pk for row in rows] for rows in together] == [
        [row.pk for row in rows] for rows in alone
    ]
    assert [note.author_name for note in together[1]] == [note.author_name for note in alone[1]]
    assert [threat.details for threat in together[0]] == [threat.details for threat in alone[0]]
    assert len(pipelined) == 2
    assert _trips(pipelined) == (1 if connection.vendor == "postgresql" else 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite prepares on its own")
def test_reads_sent_together_are_prepared_once_they_recur(organisation, caseworker):
    """
    PostgreSQL plans a read sent together with others only until it has recurred on the
    connection (``PREPARE_THRESHOLD``): then it runs its prepared statement, planning spared.
    """
    case = _case_with_records(organisation, caseworker)
    values = {"case": case.pk, "organisation": case.organisation_id}
    calls = [(_RECORD_READS["threats"], values), (_RECORD_READS["notes"], values)]
    statements = {read.statement(**given)[0] for read, given in calls}

    for _view in range(connection.settings_dict["OPTIONS"]["prepare_threshold"] + 1):
        together = read_together(calls)

    assert [len(rows) for rows in together] == [3, 3]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = {row[0] for row in cursor.fetchall()}
    # psycopg sends Django's %s placeholders as $1, $2, ...
    assert {_numbered(sql) for sql in statements} <= prepared


def _numbered(sql: str) -> str:
    """``sql`` with its ``%s`` placeholders as PostgreSQL receives them."""
    parts = sql.split("%s")
    return "".join(
        part + (f"${index}" if index < len(parts) else "")
        for index, part in enumerate(parts, start=1)
    )


def test_the_case_page_reads_its_records_in_one_round_trip_on_postgresql(
    organisation, caseworker, sign_in_as
):
    """More record tables holding rows cost more statements, never more round trips there."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    client.get(url)
    with _round_trips() as few:
        client.get(url)
    note_add(membership=acting(caseworker), case=case, body="Fictional note.")
    threat_record(membership=acting(caseworker), case=case, details={"kind": "raid"})

    with _round_trips() as more:
        page = client.get(url)

    assert page.status_code == 200
    assert "Fictional note." in page.content.decode()
    assert len(more) == len(few) + 2
    assert _trips(more) - _trips(few) == (0 if connection.vendor == "postgresql" else 2)


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="no round trips to spare on SQLite")
def test_the_audit_chains_head_rides_with_the_records_for_the_views_event(organisation, caseworker):
    """
    The case page records its view right after reading the records: the chain head is read in
    their round trip, kept for that one event, and forgotten once the event is recorded.
    """
    case = _case_with_records(organisation, caseworker)
    membership = membership_of(caseworker, organisation)
    found = case_get(membership=membership, case_id=case.pk, with_records=True)

    with _round_trips() as pipelined:
        case_records(membership=membership, case=found)

    assert _trips(pipelined) == 1
    assert audit_services._head_read_ahead.get() == audit_services._head()
    record_event(EventType.CASE_VIEWED, organisation=organisation.pk)
    assert audit_services._head_read_ahead.get() is None
