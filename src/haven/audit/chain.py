"""
Canonical content and hashing of audit events, shared by the writer and the verifier.

Two hashes run along the chain. The stored ``hash`` of an event is keyed: an HMAC-SHA256 under a
key derived from the master key (``haven.audit.keys``), so someone who can write the database but
does not hold the master key cannot recompute the chain after deleting or changing events
(AUD-02). The *content digest* is the unkeyed SHA-256 chain over the same canonical content; it is
never stored per event, only inside anchor events and signed checkpoints, because it stays the
same when the MAC key changes (a master key rotation) and so lets a checkpoint outlive the key.
Events written before the chain was keyed carry an empty ``key_id`` and an unkeyed hash, which is
exactly the content digest.
"""

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64

#: The canonical JSON encoder: ``json.dumps`` with these options builds a new one on every call.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical_content(
    *,
    seq: int,
    occurred_at: datetime,
    event_type: str,
    actor_id: str | None,
    organisation_id: str | None,
    object_type: str,
    object_id: str,
    data: Mapping[str, Any],
) -> bytes:
    """Return the bytes an event's hash covers: sorted-key JSON, UTC time to the microsecond."""
    return _CANONICAL_JSON.encode(
        {
            "seq": seq,
            "occurred_at": occurred_at.isoformat(timespec="microseconds"),
            "event_type": event_type,
            "actor_id": actor_id,
            "organisation_id": organisation_id,
            "object_type": object_type,
            "object_id": object_id,
            "data": data,
        }
    ).encode()


def link_hash(prev_hash: str, content: bytes) -> str:
    """Return the hash of one link: SHA-256 over the previous hash and the canonical content."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + content).hexdigest()


def keyed_link_hash(mac_key: bytes, key_id: str, prev_hash: str, content: bytes) -> str:
    """Return the keyed hash of one link: HMAC-SHA256 over the key id, previous hash and content."""
    message = key_id.encode() + b"\n" + prev_hash.encode() + b"\n" + content
    return hmac.digest(mac_key, message, "sha256").hex()


def event_content(event: Any) -> bytes:
    """Return the canonical content of a stored (or about to be stored) ``AuditEvent``."""
    return canonical_content(
        seq=event.seq,
        occurred_at=event.occurred_at,
        event_type=event.event_type,
        actor_id=str(event.actor_id) if event.actor_id else None,
        organisation_id=str(event.organisation_id) if event.organisation_id else None,
        object_type=event.object_type,
        object_id=event.object_id,
        data=event.data,
    )
