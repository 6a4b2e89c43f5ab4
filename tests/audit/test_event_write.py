"""
``record_event`` writes its row with an insert compiled once per process (issue 17): the row
and the chain head must be what ``Model.save`` and the head's own update wrote before (AUD-01/02).
"""

import uuid

import pytest
from django.db.models.signals import post_save

from haven.audit import keys
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
