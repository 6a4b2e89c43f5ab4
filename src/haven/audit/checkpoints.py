"""
Signed checkpoints of the audit chain (AUD-04): a head an operator can ship off the host.

A checkpoint states how many events the chain held, the head hash, the unkeyed content digest
through that event and when; it is signed with an Ed25519 key derived from the master key and
carries the public key, so anyone can check the signature and the operator can keep the public
key elsewhere. Because the digest is unkeyed, the checkpoint stays comparable after a master key
rotation. Verifying against a checkpoint catches what the chain alone cannot: the newest events
deleted and the head reset, or the whole chain rewritten by someone holding the key.
"""

import base64
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils import timezone

from haven.audit import keys
from haven.audit.events import EventType
from haven.audit.services import ChainBrokenError, record_event
from haven.audit.verification import ChainReport, verify_chain

SCHEMA = "haven.audit-checkpoint/1"
SIGNED_FIELDS = ("schema", "seq", "head", "digest", "created_at", "key_id", "public_key")
TEXT_FIELDS = ("schema", "head", "digest", "created_at", "key_id", "public_key", "signature")

NOT_A_CHECKPOINT = "the file is not a Haven audit checkpoint"
BAD_SIGNATURE = "the checkpoint's signature does not verify"
KEY_NOT_CONFIGURED = "the checkpoint was signed with master key {key_id}, which is not configured"
FOREIGN_PUBLIC_KEY = "the checkpoint's public key is not the one derived from master key {key_id}"
EVENTS_REMOVED = (
    "the checkpoint vouches for {seq} events but the chain holds {count}: events were removed"
)
EVENTS_CHANGED = "events up to #{seq} were changed or replaced since the checkpoint"
CANNOT_CHECKPOINT = "The audit chain is not intact, so no checkpoint was written: {problem}."


class CheckpointError(Exception):
    """A checkpoint file that cannot be read or whose signature fails."""


def _public_key_text(secret: keys.AuditSecret) -> str:
    raw = keys.signing_key(secret).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def _signed_bytes(checkpoint: dict[str, Any]) -> bytes:
    signed = {name: checkpoint[name] for name in SIGNED_FIELDS}
    return json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_create() -> dict[str, Any]:
    """
    Verify the chain, then return a signed checkpoint of its head.

    Side effect: one ``audit.checkpoint_written`` event (after the head it describes). Raises
    ChainBrokenError if the chain does not verify: a checkpoint must never vouch for tampering.
    """
    secret = keys.current_secret()
    # No transaction around the verification: on SQLite it would hold the write lock for as long
    # as the chain takes to read. Events appended meanwhile lie after ``seq`` and do not matter.
    report = verify_chain()
    if not report.intact:
        raise ChainBrokenError(CANNOT_CHECKPOINT.format(problem=report.problem))
    checkpoint: dict[str, Any] = {
        "schema": SCHEMA,
        "seq": report.checked,
        "head": report.head_hash,
        "digest": report.digest,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "key_id": secret.key_id,
        "public_key": _public_key_text(secret),
    }
    signature = keys.signing_key(secret).sign(_signed_bytes(checkpoint))
    checkpoint["signature"] = base64.b64encode(signature).decode()
    record_event(
        EventType.CHECKPOINT_WRITTEN,
        object_type="audit_chain",
        object_id=str(report.checked),
        data={"through": report.checked},
    )
    return checkpoint


def parse_checkpoint(text: str) -> dict[str, Any]:
    """Return the checkpoint in ``text`` with its signature checked; raise CheckpointError."""
    try:
        checkpoint: dict[str, Any] = json.loads(text)
        fields_present = isinstance(checkpoint, dict) and all(
            isinstance(checkpoint.get(name), str) for name in TEXT_FIELDS
        )
        if not fields_present or checkpoint["schema"] != SCHEMA:
            raise CheckpointError(NOT_A_CHECKPOINT)
        if type(checkpoint.get("seq")) is not int or checkpoint["seq"] < 0:
            raise CheckpointError(NOT_A_CHECKPOINT)
        signature = base64.b64decode(checkpoint["signature"], validate=True)
    except (ValueError, KeyError, TypeError, RecursionError):
        raise CheckpointError(NOT_A_CHECKPOINT) from None
    secret = keys.secrets_by_id().get(checkpoint["key_id"])
    if secret is None:
        raise CheckpointError(KEY_NOT_CONFIGURED.format(key_id=checkpoint["key_id"]))
    if checkpoint["public_key"] != _public_key_text(secret):
        raise CheckpointError(FOREIGN_PUBLIC_KEY.format(key_id=checkpoint["key_id"]))
    public_key: Ed25519PublicKey = keys.signing_key(secret).public_key()
    try:
        public_key.verify(signature, _signed_bytes(checkpoint))
    except InvalidSignature:
        raise CheckpointError(BAD_SIGNATURE) from None
    return checkpoint


@dataclass(frozen=True)
class CheckpointReport:
    """The chain's own report, and what the checkpoint added (empty when it agrees)."""

    chain: ChainReport
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.chain.intact and not self.problem


def verify_against(checkpoint: dict[str, Any]) -> CheckpointReport:
    """Verify the chain and that the events the (parsed) checkpoint vouches for are unchanged."""
    seq = checkpoint["seq"]
    report = verify_chain(through=seq)
    if report.checked < seq and (report.intact or report.unanchored_only):
        return CheckpointReport(report, EVENTS_REMOVED.format(seq=seq, count=report.checked))
    if seq > 0 and report.checked >= seq and report.digest_at != checkpoint["digest"]:
        return CheckpointReport(report, EVENTS_CHANGED.format(seq=seq))
    return CheckpointReport(report)
