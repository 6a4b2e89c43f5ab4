"""
``record_event`` writes its row with an insert compiled once per process (issue 17): the row
and the chain head must be what ``Model.save`` and the head's own update wrote before (AUD-01/02).
"""

import uuid

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from haven.audit import keys, services
from haven.audit.chain import event_content, keyed_link_hash
from haven.audit.events import EventType
from haven.audit.models import AuditEvent, ChainHead
from haven.audit.services import record_event
from haven.audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def test_each_event_is_stored_as_recorded_and_the_head_follows_it(organisation):
    actor = uuid.uuid4()
    first = record_event(EventType.CASE_VIEWED, actor=actor, organisation=organisation.pk)
    second = record_event(
        EventType.CASE_VIEWED,
        organisation=organisation.pk,
        object_type="case",
        object_id=str(uuid.uuid4()),
        data={"break_glass": True, "ids": [1, 2]},
    )

    stored = AuditEvent.objects.get(pk=second.pk)
    assert second.pk != first.pk
    assert second._state.adding is False
    assert second._state.db == "default"
    for field in AuditEvent._meta.concrete_fields:
        # The event keeps its ids as the text it was given; the row, as UUIDs.
        written = field.to_python(getattr(second, field.attname))
        assert getattr(stored, field.attname) == written, field.name
    assert stored.data == {"break_glass": True, "ids": [1, 2]}
    assert stored.seq == first.seq + 1
    assert stored.prev_hash == first.hash
    secret = keys.current_secret()
    assert stored.hash == keyed_link_hash(
        keys.mac_key(secret), secret.key_id, stored.prev_hash, event_content(stored)
    )
    head = ChainHead.objects.get(id=1)
    assert (head.seq, head.hash, head.key_id) == (second.seq, second.hash, secret.key_id)
    assert verify_chain().intact


def test_a_receiver_of_the_events_save_still_hears_each_one(organisation):
    """The compiled insert stands in for ``save`` only while no one listens to its signals."""
    heard: list[tuple[int, bool]] = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.seq, created))

    post_save.connect(receiver, sender=AuditEvent, dispatch_uid="test_event_write")
    try:
        event = record_event(EventType.CASE_VIEWED, organisation=organisation.pk)
    finally:
        post_save.disconnect(sender=AuditEvent, dispatch_uid="test_event_write")

    assert heard == [(event.seq, True)]
    assert ChainHead.objects.get(id=1).seq == event.seq
    assert verify_chain().intact


# On PostgreSQL, outside a transaction, ``record_event`` appends with one statement of its own
# after an unlocked read of the head (issue 17). The tests run inside a transaction, where it
# takes the locked path, so the statement is exercised here on its own.
_postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement append is PostgreSQL's"
)


def _next_event(organisation, head):
    fields = {
        "event_type": EventType.CASE_VIEWED.value,
        "actor_id": str(uuid.uuid4()),
        "organisation_id": str(organisation.pk),
        "object_type": "case",
        "object_id": str(uuid.uuid4()),
        "data": {"break_glass": False},
    }
    return services._following(head, keys.current_secret(), fields)


@_postgresql_only
def test_one_statement_appends_the_event_after_the_head_it_read(organisation):
    record_event(EventType.CASE_VIEWED, organisation=organisation.pk)
    head = services._head()
    event = _next_event(organisation, head)

    with CaptureQueriesContext(connection) as queries:
        appended = services._write_unless_moved(event)

    assert appended
    assert len(queries) == 1
    stored = AuditEvent.objects.get(pk=event.pk)
    for field in AuditEvent._meta.concrete_fields:
        written = field.to_python(getattr(event, field.attname))
        assert getattr(stored, field.attname) == written, field.name
    assert (stored.seq, stored.prev_hash) == (head[0] + 1, head[1])
    assert services._head() == (event.seq, event.hash)
    assert ChainHead.objects.get(id=1).key_id == event.key_id
    assert verify_chain().intact


@_postgresql_only
def test_one_statement_appends_nothing_once_another_event_moved_the_head(organisation):
    record_event(EventType.CASE_VIEWED, organisation=organisation.pk)
    head = services._head()
    late = _next_event(organisation, head)
    other = record_event(EventType.CASE_VIEWED, organisation=organisation.pk)  # moves the head
    count = AuditEvent.objects.count()

    assert not services._write_unless_moved(late)

    assert AuditEvent.objects.count() == count
    assert services._head() == (other.seq, other.hash)
    assert verify_chain().intact


@_postgresql_only
def test_inside_a_transaction_the_event_takes_the_locked_path(organisation):
    """The caller's transaction holds the event, written if and only if the change it records is."""
    assert connection.in_atomic_block
    assert not services._appends_alone()
    with CaptureQueriesContext(connection) as queries:
        record_event(EventType.CASE_VIEWED, organisation=organisation.pk)
    assert any(query["sql"].endswith("FOR UPDATE") for query in queries)
    assert not any("moved_head" in query["sql"] and "SELECT" in query["sql"] for query in queries)
