"""The account's own settings, changed by its owner: its password and how it reads numbers."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import LoginSession, SecurityNoticeKind, User
from haven.accounts.reading import Digits
from haven.accounts.services.common import account_event_record
from haven.accounts.services.notices import security_notice_create
from haven.audit.events import EventType


def account_digits_set(*, user: User, digits: Digits) -> None:
    """
    Set how the account reads numbers and dates (``haven.accounts.reading``).

    Permission: the account changes its own preference (the caller is signed in as ``user``).
    Side effects: none beyond the field; no audit event, as for a dismissed notice: it changes
    how pages look to this account, not anyone's data or access.
    """
    user.digits = digits
    user.save(update_fields=["digits"])


@transaction.atomic
def password_change(*, user: User, new_password: str, keeping: LoginSession | None = None) -> None:
    """
    Set a new password for the account and end its other sessions.

    SESS-03 asks that a changed password end all of the account's sessions, the one that
    changed it excepted (``keeping``): whoever else held one, with the old password, is refused
    from their next request and their sessions no longer show as open on the security page.
    Permission: the caller has checked the current password (and the session is signed in).
    Validates the new password (AUTH-02). Side effects: one ``auth.password_changed`` event with
    the number of other sessions ended, and an in-app notice (AUTH-10). Raises
    ``ValidationError`` and changes nothing for a weak one.
    """
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    others = LoginSession.objects.filter(user=user, ended_at__isnull=True)
    if keeping is not None:
        others = others.exclude(pk=keeping.pk)
    ended = others.update(ended_at=timezone.now())
    account_event_record(EventType.PASSWORD_CHANGED, user, {"other_sessions_ended": ended})
    security_notice_create(user=user, kind=SecurityNoticeKind.PASSWORD_CHANGED)
