"""
Who is acting when a service runs: a member of an organisation, or Haven itself.

Every service and selector takes the acting member first, as ``membership``. A few writes also
happen with no person behind them: the ``haven cases import`` command run by an operator, the demo
seeders and background jobs. Those pass ``SYSTEM`` instead, never ``None``: a web request always
has a membership, so a missing one stays a refusal (``may(None, ...)`` is false) and cannot be
mistaken for the system. The audit chain records a system action with no actor.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, final

from django.db.models import Model

from haven.accounts.models import User
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may


@final
class SystemActor:
    """Haven itself: an operator's command, a demo seeder or a scheduled job, never a web request."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = SystemActor()

_SNAKE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

Acting = Membership | SystemActor
"""A member of an organisation, or ``SYSTEM`` for the writes no person makes."""


def acting_user(membership: Acting) -> User | None:
    """Return the account to record as the actor: none for ``SYSTEM``."""
    if isinstance(membership, SystemActor):
        return None
    return membership.user


def permits(membership: Acting, permission: Permission, obj: object = None) -> bool:
    """Return whether the actor may do ``permission``: ``SYSTEM`` may, a member as ``may`` says."""
    if isinstance(membership, SystemActor):
        return True
    return may(membership, permission, obj)


def record_action(
    event_type: EventType, membership: Acting, subject: Model, data: Mapping[str, Any] | None = None
) -> None:
    """
    Audit what ``membership`` did to ``subject``: the chain gets the subject's kind (its class name
    in snake case, e.g. ``intake_window``), id and organisation, and ``data`` (ids and enum values).
    """
    record_event(
        event_type,
        actor=acting_user(membership),
        organisation=getattr(subject, "organisation_id", subject.pk),
        object_type=_SNAKE.sub("_", type(subject).__name__).lower(),
        object_id=subject.pk,
        data=data,
    )
