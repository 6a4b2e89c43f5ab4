"""Canonical content and hashing of audit events, shared by the writer and the verifier."""

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


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
    return json.dumps(
        {
            "seq": seq,
            "occurred_at": occurred_at.isoformat(timespec="microseconds"),
            "event_type": event_type,
            "actor_id": actor_id,
            "organisation_id": organisation_id,
            "object_type": object_type,
            "object_id": object_id,
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode()


def link_hash(prev_hash: str, content: bytes) -> str:
    """Return the hash of one link: SHA-256 over the previous hash and the canonical content."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + content).hexdigest()
