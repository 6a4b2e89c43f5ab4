"""
The audit chain is keyed and anchored off the host (AUD-02, AUD-04).

The attacker in these tests can write the database (and drop the append-only trigger, as a
database owner could) but does not hold the master key.
"""

import base64
import json
import secrets

import pytest

from haven.audit import keys
from haven.audit.chain import GENESIS_HASH, event_content, keyed_link_hash, link_hash
from haven.audit.checkpoints import (
    CheckpointError,
    checkpoint_create,
    parse_checkpoint,
    verify_against,
)
from haven.audit.events import EventType
from haven.audit.models import AuditEvent, ChainHead
from haven.audit.services import ChainBrokenError, anchor_chain, record_event
from haven.audit.verification import verify_chain
from haven.cli import main
from tests.audit.tampering import drop_append_only_guard


def _new_master_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def history(organisation):
    """Ten events, three of them identity reveals an attacker would like to hide."""
    for index in range(10):
        kind = EventType.IDENTITY_REVEALED if index % 3 == 1 else EventType.CASE_VIEWED
        record_event(kind, organisation=organisation, object_type="case", object_id=f"c{index}")
    return list(AuditEvent.objects.order_by("seq"))


def _rewrite_chain(hash_link) -> None:
    """Renumber the remaining events 1..n and recompute every link with ``hash_link``."""
    prev = GENESIS_HASH
    events = list(AuditEvent.objects.order_by("seq"))
    AuditEvent.objects.all().delete()
    for seq, event in enumerate(events, start=1):
        event.pk = None
        event.seq = seq
        event.prev_hash = prev
        event.hash = hash_link(event, prev)
        event.save(force_insert=True)
        prev = event.hash
    ChainHead.objects.filter(id=1).update(seq=len(events), hash=prev)


def test_events_are_sealed_with_the_current_master_key(history):
    """AUD-02: every new event names the master key whose derived MAC key sealed it."""
    current = keys.current_secret().key_id

    assert {event.key_id for event in history} == {current}
    assert verify_chain().intact


def test_deleting_identity_reveals_and_recomputing_unkeyed_fails(history):
    """AUD-02: the issue's attack, recomputing with plain SHA-256 as the old chain allowed."""
    drop_append_only_guard()
    AuditEvent.objects.filter(event_type=EventType.IDENTITY_REVEALED).delete()
    _rewrite_chain(lambda event, prev: link_hash(prev, event_content(event)))

    report = verify_chain()

    assert not report.intact
    assert report.first_bad_seq == 1


def test_deleting_identity_reveals_and_recomputing_with_a_guessed_key_fails(history):
    """AUD-02: an attacker keeping the key id but not holding the key cannot forge links."""
    drop_append_only_guard()
    AuditEvent.objects.filter(event_type=EventType.IDENTITY_REVEALED).delete()
    guessed = secrets.token_bytes(32)
    _rewrite_chain(
        lambda event, prev: keyed_link_hash(guessed, event.key_id, prev, event_content(event))
    )

    report = verify_chain()

    assert report.first_bad_seq == 1
    assert "changed" in report.problem


def test_removed_tail_with_reset_head_passes_alone_but_fails_against_a_checkpoint(history):
    """AUD-04: truncate the newest events and reset the head: only a checkpoint notices."""
    checkpoint = parse_checkpoint(json.dumps(checkpoint_create()))
    drop_append_only_guard()
    keep = checkpoint["seq"] - 5
    survivor = AuditEvent.objects.get(seq=keep)
    AuditEvent.objects.filter(seq__gt=keep).delete()
    ChainHead.objects.filter(id=1).update(seq=keep, hash=survivor.hash)

    assert verify_chain().intact  # the chain alone cannot tell
    against = verify_against(checkpoint)
    assert not against.intact
    assert "removed" in against.problem


def test_an_untouched_chain_agrees_with_its_checkpoint_and_later_events(history, organisation):
    """AUD-04: events written after a checkpoint do not disturb it."""
    checkpoint = parse_checkpoint(json.dumps(checkpoint_create()))
    record_event(EventType.CASE_VIEWED, organisation=organisation, object_id="later")

    assert verify_against(checkpoint).intact


def test_a_rewritten_chain_fails_against_the_checkpoint(history):
    """AUD-04: even someone holding the MAC key cannot rewrite history behind a checkpoint."""
    checkpoint = parse_checkpoint(json.dumps(checkpoint_create()))
    drop_append_only_guard()
    AuditEvent.objects.filter(event_type=EventType.IDENTITY_REVEALED).delete()
    secret = keys.current_secret()
    _rewrite_chain(
        lambda event, prev: keyed_link_hash(
            keys.mac_key(secret), secret.key_id, prev, event_content(event)
        )
    )

    assert verify_chain().intact  # the key holder made a consistent chain...
    assert not verify_against(checkpoint).intact  # ...that the shipped checkpoint refutes


@pytest.mark.parametrize("field", ["seq", "digest", "created_at"])
def test_an_edited_checkpoint_is_refused(history, field):
    """AUD-04: the checkpoint is signed; editing what it vouches for voids it."""
    checkpoint = checkpoint_create()
    checkpoint[field] = checkpoint["seq"] - 3 if field == "seq" else "0" * 64

    with pytest.raises(CheckpointError):
        parse_checkpoint(json.dumps(checkpoint))


@pytest.mark.parametrize("text", ["", "[]", "{}", '{"schema": "haven.audit-checkpoint/1"}', "ÿ"])
def test_garbage_is_not_a_checkpoint(db, text):
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


def test_a_broken_chain_gets_no_checkpoint(history):
    """A checkpoint never vouches for a chain that already fails."""
    drop_append_only_guard()
    AuditEvent.objects.filter(seq=4).delete()

    with pytest.raises(ChainBrokenError):
        checkpoint_create()


def _unkeyed(event: AuditEvent, prev: str) -> str:
    """Link an event as the chain did before it was keyed."""
    event.key_id = ""
    return link_hash(prev, event_content(event))


@pytest.fixture
def legacy_chain(organisation):
    """A chain written entirely before this change: empty key ids, plain SHA-256 links."""
    for index in range(4):
        record_event(EventType.CASE_VIEWED, organisation=organisation, object_id=f"old{index}")
    drop_append_only_guard()
    _rewrite_chain(_unkeyed)
    ChainHead.objects.filter(id=1).update(key_id="")


def test_an_unkeyed_chain_fails_until_sealed_then_verifies(legacy_chain, organisation):
    """Migration path: old events are vouched for by one keyed anchor, never rewritten."""
    report = verify_chain()
    assert not report.intact
    assert "haven audit seal" in report.problem

    anchor = anchor_chain()
    record_event(EventType.CASE_VIEWED, organisation=organisation, object_id="new")

    assert anchor is not None
    assert anchor.data["through"] == anchor.seq - 1
    assert verify_chain().intact
    assert anchor_chain() is None  # nothing left to vouch for


def test_an_old_event_changed_after_sealing_is_caught(legacy_chain):
    """The anchor's HMAC covers the digest of the unkeyed events, so recomputing them fails."""
    anchor_chain()
    drop_append_only_guard()
    AuditEvent.objects.filter(seq=2).update(object_id="forged")
    anchor = AuditEvent.objects.get(event_type=EventType.CHAIN_ANCHORED)
    prev = GENESIS_HASH
    for event in AuditEvent.objects.filter(seq__lt=anchor.seq).order_by("seq"):
        new_hash = link_hash(prev, event_content(event))
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=new_hash)
        prev = new_hash
    AuditEvent.objects.filter(pk=anchor.pk).update(prev_hash=prev)

    report = verify_chain()

    assert not report.intact
    assert report.first_bad_seq == anchor.seq


def test_seal_refuses_a_broken_unkeyed_chain(legacy_chain):
    drop_append_only_guard()
    AuditEvent.objects.filter(seq=2).update(object_id="forged")

    with pytest.raises(ChainBrokenError):
        anchor_chain()


def test_master_key_rotation_keeps_the_chain_verifiable(history, organisation, settings):
    """
    After ``haven audit seal`` with both keys configured, the old key can go: the anchor vouches
    for the events it sealed. Without the seal, verification names the missing key.
    """
    old = settings.HAVEN_MASTER_KEY
    new = _new_master_key()
    settings.HAVEN_MASTER_KEY = f"{new}\n{old}"
    record_event(EventType.CASE_VIEWED, organisation=organisation, object_id="under-new")
    assert verify_chain().intact  # both keys configured: everything checks

    settings.HAVEN_MASTER_KEY = new
    unsealed = verify_chain()
    assert not unsealed.intact
    assert "not configured" in unsealed.problem

    settings.HAVEN_MASTER_KEY = f"{new}\n{old}"
    assert anchor_chain() is not None
    settings.HAVEN_MASTER_KEY = new
    assert verify_chain().intact


def test_cli_checkpoint_then_verify(history, tmp_path, capsys):
    """`haven audit checkpoint --out` and `haven audit verify --checkpoint` round trip."""
    path = tmp_path / "checkpoint.json"

    assert main(["audit", "checkpoint", "--out", str(path)]) == 0
    assert main(["audit", "verify", "--checkpoint", str(path)]) == 0
    assert "unchanged" in capsys.readouterr().out


def test_cli_verify_fails_after_truncation_against_checkpoint(history, tmp_path, capsys):
    path = tmp_path / "checkpoint.json"
    main(["audit", "checkpoint", "--out", str(path)])
    drop_append_only_guard()
    head_seq = AuditEvent.objects.count()
    AuditEvent.objects.filter(seq__gt=head_seq - 5).delete()
    survivor = AuditEvent.objects.order_by("-seq").first()
    ChainHead.objects.filter(id=1).update(seq=survivor.seq, hash=survivor.hash)

    assert main(["audit", "verify"]) == 0
    assert main(["audit", "verify", "--checkpoint", str(path)]) == 1
    assert "removed" in capsys.readouterr().err


def test_cli_verify_refuses_an_unreadable_checkpoint(db, tmp_path, capsys):
    path = tmp_path / "checkpoint.json"
    path.write_text("not json")

    assert main(["audit", "verify", "--checkpoint", str(path)]) == 1
    assert main(["audit", "verify", "--checkpoint", str(tmp_path / "absent")]) == 2


def test_an_event_beyond_the_head_is_caught(history):
    """Events the verifier skips because the chain grew meanwhile must still lie under the head."""
    drop_append_only_guard()
    ChainHead.objects.filter(id=1).update(seq=len(history) - 1, hash=history[-2].hash)

    report = verify_chain()

    assert report.first_bad_seq == len(history)
