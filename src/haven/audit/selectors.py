"""Reads of the audit log for the audit screen: one organisation's events only."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may


@dataclass(frozen=True)
class AuditFilter:
    event_type: str = ""
    actor_id: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def audit_event_list(*, membership: Membership, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """Return the member's organisation's events, newest first, narrowed by ``filters``."""
    if not may(membership, Permission.VIEW_AUDIT_LOG):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(organisation_id=membership.organisation_id)
    if filters.event_type:
        events = events.filter(event_type=filters.event_type)
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to and filters.date_to < date.max:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return events.order_by("-seq")


def actor_names(*, membership: Membership) -> dict[str, str]:
    """Map the public ids of the organisation's members to their usernames, for display."""
    memberships = Membership.objects.filter(
        organisation_id=membership.organisation_id
    ).select_related("user")
    return {str(m.user.public_id): m.user.username for m in memberships}
