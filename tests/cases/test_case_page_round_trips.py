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
from haven.audit.models import AuditEvent, ChainHead
from haven.audit.services import record_event
from haven.audit.verification import verify_chain
from haven.cases.selectors import CaseNotFoundError, case_get, case_records, sees_by_break_glass
from haven.cases.selectors.case import case_by_break_glass
from haven.cases.selectors.records import _RECORD_READS
from haven.cases.services import break_glass_open, note_add, threat_record
from haven.organisations.models import Role
from tests.acting import acting
from tests.cases.factories import assigned_case, membership_of
from tests.conftest import make_member
from tests.round_trips import postgresql_round_trips

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
def test_the_audit_chains_head_rides_with_the_case_for_the_views_event(organisation, caseworker):
    """
    The case page records its view right after reading the case: the chain head is read in
    its round trip, kept for that one event, and forgotten once the event is recorded.
    """
    case = _case_with_records(organisation, caseworker)
    membership = membership_of(caseworker, organisation)

    with _round_trips() as pipelined:
        case_get(membership=membership, case_id=case.pk, with_records=True)

    assert _trips(pipelined) == 1
    assert len(pipelined) == 2
    assert audit_services._head_read_ahead.get() == audit_services._head()
    record_event(EventType.CASE_VIEWED, organisation=organisation.pk)
    assert audit_services._head_read_ahead.get() is None


def test_a_case_not_found_keeps_no_chain_head(organisation, caseworker):
    """The head read with a case the member may not see is not kept for any event."""
    case = assigned_case(organisation, caseworker)
    colleague = membership_of(
        make_member(organisation, Role.CASEWORKER, "colleague.caseworker"), organisation
    )
    audit_services.head_read_ahead(None)

    with pytest.raises(CaseNotFoundError):
        case_get(membership=colleague, case_id=case.pk, with_records=True)

    assert audit_services._head_read_ahead.get() is None


@pytest.fixture
def appends_alone(monkeypatch):
    """
    Events append alone as outside any transaction (the test's own transaction, which only
    ``transaction=True`` tests lack, and those cannot empty the append-only audit table).
    """
    monkeypatch.setattr(audit_services, "_appends_alone", lambda: connection.vendor == "postgresql")


def _is_append(sql: str) -> bool:
    return sql.startswith('WITH "moved_head" AS (UPDATE "audit_chainhead"')


def test_the_case_pages_event_is_appended_in_the_records_round_trip(
    organisation, caseworker, sign_in_as, appends_alone
):
    """
    On PostgreSQL the page's event is appended by the statement that ends the records' round
    trip, one trip fewer; either way it is committed, in a whole chain, once the page is sent.
    """
    case = _case_with_records(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    client.get(url)
    statements: list[tuple[str, bool]] = []

    def record(execute, sql, params, many, context):
        statements.append((sql, _in_pipeline()))
        return execute(sql, params, many, context)

    before = AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED).count()
    with connection.execute_wrapper(record):
        page = client.get(url)

    assert page.status_code == 200
    assert AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED).count() == before + 1
    assert verify_chain().first_bad_seq is None
    if connection.vendor == "postgresql":
        appends = [index for index, (sql, _piped) in enumerate(statements) if _is_append(sql)]
        assert len(appends) == 1
        # Last in a pipeline after the records' reads, none of them after it.
        assert statements[appends[0]][1]
        assert statements[appends[0] - 1][1]
        assert statements[appends[0] - 1][0].startswith('SELECT "cases_')
        assert all(not sql.startswith("SELECT") for sql, _piped in statements[appends[0] + 1 :])
        # Session with its account, device and memberships; case with head; records with event.
        assert _syncs(lambda: client.get(url)) == 3


def _syncs(request) -> int:
    """The round trips ``request()`` makes to PostgreSQL."""
    return postgresql_round_trips(request)[0]


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("seq"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="events append alone on PostgreSQL")
def test_an_event_riding_with_reads_after_the_head_moved_takes_the_locked_path(
    organisation, caseworker, appends_alone
):
    case = _case_with_records(organisation, caseworker)
    values = {"case": case.pk, "organisation": case.organisation_id}
    calls = [(_RECORD_READS["threats"], values), (_RECORD_READS["notes"], values)]
    audit_services.head_read_ahead(ChainHead.objects.get(id=1))

    with audit_services.appends_riding():
        riding = record_event(EventType.CASE_VIEWED, organisation=organisation.pk)
        assert riding.pk is None  # waiting for the reads
        # Another event moves the head meanwhile (only the first rides).
        moved = record_event(EventType.ACCESS_DENIED, organisation=organisation.pk)
        assert moved.pk is not None
        rows = read_together(calls)
        assert audit_services.riding_append() is None

    assert [len(found) for found in rows] == [3, 3]
    last = _events()[-2:]
    assert [event.event_type for event in last] == [EventType.ACCESS_DENIED, EventType.CASE_VIEWED]
    assert last[1].seq == last[0].seq + 1
    assert verify_chain().first_bad_seq is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="events append alone on PostgreSQL")
def test_an_event_riding_with_reads_never_sent_is_appended_when_the_block_ends(
    organisation, appends_alone
):
    audit_services.head_read_ahead(ChainHead.objects.get(id=1))
    count = AuditEvent.objects.count()

    with audit_services.appends_riding():
        record_event(EventType.CASE_VIEWED, organisation=organisation.pk)
        assert AuditEvent.objects.count() == count
        assert read_together([]) == []

    assert AuditEvent.objects.count() == count + 1
    assert _events()[-1].event_type == EventType.CASE_VIEWED
    assert verify_chain().first_bad_seq is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="events append alone on PostgreSQL")
def test_an_event_riding_with_reads_is_not_written_if_the_block_fails(organisation, appends_alone):
    audit_services.head_read_ahead(ChainHead.objects.get(id=1))
    count = AuditEvent.objects.count()

    with pytest.raises(RuntimeError), audit_services.appends_riding():
        record_event(EventType.CASE_VIEWED, organisation=organisation.pk)
        raise RuntimeError

    assert AuditEvent.objects.count() == count
    assert audit_services.riding_append() is None


def test_the_case_says_whether_it_is_seen_by_break_glass_as_its_team_does(
    organisation, coordinator, caseworker, sign_in_as
):
    """``case_by_break_glass`` (before the team is read) answers as ``sees_by_break_glass``."""
    case = assigned_case(organisation, coordinator)
    assigned_case(organisation, caseworker)
    break_glass_open(
        membership=membership_of(caseworker, organisation),
        code=case.code,
        reason="The defender is in danger tonight",
    )
    for user, expected in ((caseworker, True), (coordinator, False)):
        membership = membership_of(user, organisation)
        found = case_get(membership=membership, case_id=case.pk, with_records=True)
        team = case_records(membership=membership, case=found).assignments
        assert case_by_break_glass(membership=membership, case=found) is expected
        assert sees_by_break_glass(membership=membership, case=found, assignments=team) is expected
    mine = assigned_case(organisation, caseworker)
    membership = membership_of(caseworker, organisation)
    found = case_get(membership=membership, case_id=mine.pk, with_records=True)
    assert case_by_break_glass(membership=membership, case=found) is False

    page = sign_in_as(caseworker).get(reverse("cases:detail", kwargs={"case_id": case.pk}))

    assert page.status_code == 200
    viewed = AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED).order_by("seq").last()
    assert viewed is not None
    assert viewed.data == {"break_glass": True}
