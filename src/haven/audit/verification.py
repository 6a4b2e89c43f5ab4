"""
Checking the audit chain end to end, as ``haven audit verify`` does.

Each event's keyed hash is recomputed with the MAC key named by its ``key_id``. Events that cannot
be checked that way (written before the chain was keyed, or under a master key that is no longer
configured) count as verified only when a later *anchor* event, itself checked with a configured
key, vouches for the unkeyed content digest of everything before it (see ``anchor_chain``).
"""

from dataclasses import dataclass

from haven.audit import keys
from haven.audit.chain import GENESIS_HASH, event_content, keyed_link_hash, link_hash
from haven.audit.events import EventType
from haven.audit.models import AuditEvent, ChainHead

NOT_ANCHORED = (
    "events from #{seq} on are not sealed with a configured key; "
    "run `haven audit seal` while the key that wrote them is configured"
)
UNKNOWN_KEY = "event #{seq} was sealed with master key {key_id}, which is not configured"


@dataclass(frozen=True)
class ChainReport:
    """
    The outcome of a verification.

    ``checked`` counts the events read, ``first_bad_seq`` names the first that failed (None when
    intact), ``digest`` is the unkeyed content digest through the last event read and
    ``digest_at`` the digest through ``through`` when a checkpoint asked for it.
    ``unanchored_only`` is true when the only problem is events not yet vouched for by an anchor;
    ``unknown_key_seq`` names the first event whose key is not configured.
    """

    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    digest: str = GENESIS_HASH
    head_hash: str = GENESIS_HASH
    digest_at: str | None = None
    unanchored_only: bool = False
    unknown_key_seq: int | None = None

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(batch_size: int = 2000, *, through: int | None = None) -> ChainReport:
    """
    Recompute every link and return a report naming the first broken event.

    A changed event fails its own hash; a deleted one leaves a gap in ``seq``; a reordered or
    inserted one breaks ``prev_hash``; a removed tail disagrees with the chain head (and, when
    the head was reset too, with a checkpoint: see ``haven.audit.checkpoints``). ``through``
    asks for the content digest at that event, which a checkpoint compares with its own.
    """
    secrets = keys.secrets_by_id()
    expected_seq = 1
    prev_hash = digest = GENESIS_HASH
    digest_at: str | None = None
    unanchored_from: int | None = None
    unknown_key_seq: int | None = None
    checked = 0

    def broken(seq: int, problem: str) -> ChainReport:
        return ChainReport(checked, seq, problem, digest, prev_hash, digest_at)

    # The head is read first and events after it are left alone: they were appended while this
    # ran, and a live chain must not look cut short because it grew.
    head = ChainHead.objects.filter(id=1).first()
    head_seq = head.seq if head else 0
    events = AuditEvent.objects.filter(seq__lte=max(head_seq, 0)) if head else AuditEvent.objects
    for event in events.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return broken(expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return broken(event.seq, f"event #{event.seq} does not follow the event before it")
        content = event_content(event)
        secret = secrets.get(event.key_id)
        if secret is not None:
            expected = keyed_link_hash(keys.mac_key(secret), event.key_id, prev_hash, content)
        elif not event.key_id:
            expected = link_hash(prev_hash, content)
        else:
            expected = event.hash  # cannot be checked here; an anchor must vouch for it
            unknown_key_seq = unknown_key_seq or event.seq
        if expected != event.hash:
            return broken(event.seq, f"event #{event.seq} was changed after it was written")
        if secret is None:
            unanchored_from = unanchored_from or event.seq
        elif event.event_type == EventType.CHAIN_ANCHORED:
            if event.data.get("through") != event.seq - 1 or event.data.get("digest") != digest:
                return broken(event.seq, f"the events before #{event.seq} were changed")
            unanchored_from = unknown_key_seq = None
        digest = link_hash(digest, content)
        if through == event.seq:
            digest_at = digest
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    current_head = ChainHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    stray = AuditEvent.objects.filter(seq__gt=max(head_seq, current_head)).order_by("seq").first()
    if stray is not None:
        return broken(stray.seq, f"event #{stray.seq} lies beyond the chain head")
    if head_seq != checked or (head and head.hash != prev_hash):
        return broken(checked + 1, f"the chain ends at #{checked} but its head records #{head_seq}")
    if unanchored_from is not None:
        problem = (
            UNKNOWN_KEY.format(seq=unknown_key_seq, key_id=_key_id_at(unknown_key_seq))
            if unknown_key_seq
            else NOT_ANCHORED.format(seq=unanchored_from)
        )
        return ChainReport(
            checked,
            unanchored_from,
            problem,
            digest,
            prev_hash,
            digest_at,
            unanchored_only=True,
            unknown_key_seq=unknown_key_seq,
        )
    return ChainReport(checked, None, "", digest, prev_hash, digest_at)


def _key_id_at(seq: int) -> str:
    return AuditEvent.objects.filter(seq=seq).values_list("key_id", flat=True).first() or ""
