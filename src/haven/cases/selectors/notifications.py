"""The member's unread in-app notifications, for the dashboard."""

from haven.cases.models import Notification
from haven.organisations.models import Membership


def unread_notifications(*, membership: Membership | None) -> list[Notification]:
    """Return the member's unread in-app notifications with their cases' codes, newest first."""
    if membership is None:
        return []
    return list(
        Notification.objects.filter(recipient=membership, read_at__isnull=True)
        .select_related("case", "actor__user")
        .order_by("-created_at")[:20]
    )
