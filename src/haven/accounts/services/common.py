"""
What the account services share: the organisation an account's events are filed under, the
event itself, and the digest under which a secret (a session key, an invitation code) is stored.
"""

import hashlib
from collections.abc import Mapping
from typing import Any

from haven.accounts.models import User
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.organisations.models import Membership, Organisation


def secret_digest(secret: str) -> str:
    """Return the SHA-256 digest stored in place of a secret, which is never stored itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


def home_organisation(user: User) -> Organisation | None:
    """Return the organisation an account's sign-in events are filed under: its first active one."""
    membership = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("created_at")
        .first()
    )
    return membership.organisation if membership else None


def account_event_record(
    event_type: EventType,
    user: User | None,
    data: Mapping[str, Any] | None = None,
    *,
    organisation: Organisation | None = None,
) -> None:
    """
    Record an event about an account, acted by that account (or by no one for an unknown name),
    filed under its home organisation (``organisation`` when the caller has already read it).
    """
    record_event(
        event_type,
        actor=user,
        organisation=organisation or (home_organisation(user) if user else None),
        object_type="user",
        object_id=user.public_id if user else "",
        data=data,
    )
