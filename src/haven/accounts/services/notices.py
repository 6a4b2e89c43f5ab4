"""In-app security notices (AUTH-10): what changed on an account, shown to its owner."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.errors import AccountError
from haven.accounts.models import SecurityNotice, SecurityNoticeKind, User

NOTICE_NOT_YOURS = _("That notice is not yours.")


def security_notice_create(*, user: User, kind: SecurityNoticeKind) -> SecurityNotice:
    """
    Tell the account in the app that its factors changed or it was locked (AUTH-10).

    Called inside the transaction of the change it reports, whose audit event records it.
    """
    return SecurityNotice.objects.create(user=user, kind=kind)


@transaction.atomic
def security_notice_dismiss(*, user: User, notice: SecurityNotice) -> None:
    """
    Hide a notice the account has read.

    Permission: the caller fetched ``notice`` with ``selectors.security_notice_get_own``.
    Side effects: sets ``dismissed_at``; no audit event (the change it reported has one). Raises
    ``AccountError`` for another account's notice.
    """
    if notice.user_id != user.pk:
        raise AccountError(NOTICE_NOT_YOURS)
    notice.dismissed_at = timezone.now()
    notice.save(update_fields=["dismissed_at"])
