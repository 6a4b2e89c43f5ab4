"""Checking the audit chain end to end, as ``haven audit verify`` does."""

from dataclasses import dataclass

from haven.audit.chain import GENESIS_HASH, canonical_content, link_hash
from haven.audit.models import AuditEvent, ChainHead


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification: how many events were checked and the first one that failed."""

    checked: int
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """
    Recompute every link and return a report naming the first broken event.

    A changed event fails its own hash; a deleted one leaves a gap in ``seq``; a reordered or
    inserted one breaks ``prev_hash``; a removed tail disagrees with the chain head.
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainReport(checked, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return ChainReport(
                checked, event.seq, f"event #{event.seq} does not follow the event before it"
            )
        actual = link_hash(
            prev_hash,
            canonical_content(
                seq=event.seq,
                occurred_at=event.occurred_at,
                event_type=event.event_type,
                actor_id=str(event.actor_id) if event.actor_id else None,
                organisation_id=str(event.organisation_id) if event.organisation_id else None,
                object_type=event.object_type,
                object_id=event.object_id,
                data=event.data,
            ),
        )
        if actual != event.hash:
            return ChainReport(
                checked, event.seq, f"event #{event.seq} was changed after it was written"
            )
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = ChainHead.objects.filter(id=1).first()
    head_seq = head.seq if head else 0
    if head_seq != checked or (head and head.hash != prev_hash):
        return ChainReport(
            checked, checked + 1, f"the chain ends at #{checked} but its head records #{head_seq}"
        )
    return ChainReport(checked)
