"""The member's unread in-app notifications, for the dashboard."""

import uuid
from typing import Any

from django.db.models import QuerySet

from haven.accounts.compiled import CompiledRead
from haven.accounts.round_trips import Call
from haven.cases.models import Notification
from haven.organisations.models import Membership


def _unread_query(*, member: Any) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient_id=member, read_at__isnull=True)
        .select_related("case", "actor__user")
        .order_by("-created_at")[:20]
    )


#: Compiled at its first use (an id no row has stands for the member), not on every visit to
#: the dashboard (issue 17).
_UNREAD = CompiledRead(_unread_query, member=uuid.UUID(int=0))


def unread_notifications_read(*, membership: Membership | None) -> Call | None:
    """
    The member's unread in-app notifications with their cases' codes, newest first, as a read
    and its values for ``read_together`` (the dashboard's round trip); None for nothing to read.
    """
    if membership is None:
        return None
    return _UNREAD, {"member": membership.pk}
