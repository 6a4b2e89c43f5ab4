"""The account's own settings, changed by its owner: its password and how it reads numbers."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from haven.accounts.models import SecurityNoticeKind, User
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
def password_change(*, user: User, new_password: str) -> None:
    """
    Set a new password for the account.

    Permission: the caller has checked the current password (and the session is signed in).
    Validates the new password (AUTH-02). Side effects: one ``auth.password_changed`` event and
    an in-app notice (AUTH-10). Raises ``ValidationError`` and changes nothing for a weak one.
    """
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    account_event_record(EventType.PASSWORD_CHANGED, user)
    security_notice_create(user=user, kind=SecurityNoticeKind.PASSWORD_CHANGED)
