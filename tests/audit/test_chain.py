"""The audit log's hash chain catches every kind of tampering (AUD-02, AUD-03)."""

import pytest
from django.db import transaction
from django.db.utils import DatabaseError

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.audit.services import AuditDataError, record_event
from haven.audit.verification import verify_chain
from tests.audit.tampering import drop_append_only_guard


@pytest.fixture
def chain(organisation):
    for index in range(5):
        record_event(
            EventType.CASE_VIEWED,
            organisation=organisation,
            object_type="case",
            object_id=f"c{index}",
        )
    return list(AuditEvent.objects.order_by("seq"))


def test_untouched_chain_is_intact(chain):
    """A chain written only through record_event verifies, counting every event."""
    report = verify_chain()

    assert report.intact is True
    assert len(chain) == report.checked


def test_gapless_sequence(chain):
    """Sequence numbers start at 1 and have no gaps."""
    assert list(range(1, len(chain) + 1)) == [event.seq for event in chain]


def test_changed_event_is_caught(chain):
    """Editing one field of an event names that event."""
    drop_append_only_guard()
    AuditEvent.objects.filter(seq=3).update(object_id="forged")

    report = verify_chain()

    assert report.first_bad_seq == 3
    assert "changed" in report.problem


def test_deleted_event_is_caught(chain):
    """Removing an event from the middle names the missing sequence number."""
    drop_append_only_guard()
    AuditEvent.objects.filter(seq=2).delete()

    assert verify_chain().first_bad_seq == 2


def test_removed_tail_is_caught(chain):
    """Removing the newest events disagrees with the chain head."""
    drop_append_only_guard()
    AuditEvent.objects.filter(seq__gte=4).delete()

    assert verify_chain().first_bad_seq == 4


def test_reordered_events_are_caught(chain):
    """Swapping the positions of two events breaks the chain at the first of them."""
    drop_append_only_guard()
    AuditEvent.objects.filter(seq=2).update(seq=-2)
    AuditEvent.objects.filter(seq=4).update(seq=2)
    AuditEvent.objects.filter(seq=-2).update(seq=4)

    assert verify_chain().first_bad_seq == 2


def test_database_refuses_updates_and_deletes(chain):
    """AUD-03: the append-only trigger rejects UPDATE and DELETE on audit events."""
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(object_id="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()


@pytest.mark.parametrize("value", ["Ana María Pérez", "lives at 12 Calle Luna", "line\nbreak"])
def test_free_text_is_refused(db, value):
    """AUD-05: names and free text never enter the chain, and nothing is written when refused."""
    with pytest.raises(AuditDataError):
        record_event(EventType.NOTE_ADDED, data={"note": value})

    assert AuditEvent.objects.count() == 0
