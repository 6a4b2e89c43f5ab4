"""Audit events for what django-axes notices: a lockout is recorded once per lockout (AUTH-08)."""

from typing import Any

from axes.signals import user_locked_out
from django.db import transaction
from django.dispatch import receiver

from haven.accounts.lockout import lockout_recorded
from haven.accounts.models import SecurityNoticeKind, User
from haven.accounts.services import account_event_record, security_notice_create
from haven.audit.events import EventType


@receiver(user_locked_out)
def record_lockout(
    sender: Any, request: Any = None, username: str | None = None, **kwargs: Any
) -> None:
    if not username:
        return
    with transaction.atomic():
        if not lockout_recorded(username):
            return
        user = User.objects.filter(username=username).first()
        account_event_record(EventType.ACCOUNT_LOCKED, user)
        if user is not None:
            security_notice_create(user=user, kind=SecurityNoticeKind.ACCOUNT_LOCKED)
