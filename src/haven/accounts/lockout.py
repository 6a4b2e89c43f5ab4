"""
Account lockout for django-axes, keyed on the username (AUTH-08).

Tor users share exit addresses, so locking by address would lock out the people Haven serves;
locking for ever would let an adversary lock named staff out in a crisis. The cool-off therefore
escalates with repeated lockouts of the same name (5, 10, 20 ... minutes) and is capped at two
hours; a successful sign-in, or a day without a lockout, starts the count again. During a cool-off
the owner still gets in by giving the password and a second-factor code on one form, which
answers alike whichever is wrong (so it is no password oracle), and is reported to them.
"""

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from haven.accounts.models import LockoutRecord

BASE_COOLOFF = timedelta(minutes=5)
MAX_COOLOFF = timedelta(hours=2)
HISTORY_FORGOTTEN_AFTER = timedelta(days=1)


def _username_digest(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()


def cooloff_for_lockouts(lockouts: int) -> timedelta:
    """Return the cool-off after the given number of lockouts: doubling from five minutes, capped."""
    cooloff: timedelta = min(BASE_COOLOFF * (2 ** max(0, lockouts - 1)), MAX_COOLOFF)
    return cooloff


def _lockouts_for(username: str) -> int:
    record = LockoutRecord.objects.filter(username_digest=_username_digest(username)).first()
    if record is None or record.locked_until is None:
        return 0
    if timezone.now() - record.locked_until > HISTORY_FORGOTTEN_AFTER:
        return 0
    return record.lockouts


def _username_from(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    credentials = getattr(request, "axes_credentials", None) or {}
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    return str(credentials.get(field) or request.POST.get(field, "") or "")


def cooloff_for_request(request: HttpRequest | None) -> timedelta:
    """Return the cool-off axes applies to the account named in this request."""
    return cooloff_for_lockouts(_lockouts_for(_username_from(request)))


def lockout_recorded(username: str) -> bool:
    """
    Count a lockout of ``username`` once, however many attempts arrive while it lasts.

    Returns True when this was a new lockout (so the caller records one audit event).
    """
    now = timezone.now()
    record, _created = LockoutRecord.objects.select_for_update().get_or_create(
        username_digest=_username_digest(username)
    )
    if record.locked_until is not None and record.locked_until > now:
        return False
    previous = _lockouts_for(username)
    record.lockouts = previous + 1
    record.locked_until = now + cooloff_for_lockouts(record.lockouts)
    record.save(update_fields=["lockouts", "locked_until"])
    return True


def is_locked_out(username: str) -> bool:
    """True while ``username`` is inside a cool-off."""
    record = LockoutRecord.objects.filter(username_digest=_username_digest(username)).first()
    return bool(record and record.locked_until and record.locked_until > timezone.now())


def lockout_history_clear(username: str) -> None:
    """Forget a name's lockouts after it signs in with both factors."""
    LockoutRecord.objects.filter(username_digest=_username_digest(username)).delete()


def no_client_address(request: HttpRequest) -> str:
    """Give axes a constant address: Haven never stores where people connect from (RET-03)."""
    return "0.0.0.0"  # noqa: S104 - a placeholder stored instead of the address, not a bind


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """
    Answer a locked account with 429 and the same page whatever the account (AUTH-09).

    The page offers the owner the way through: the password and the second factor together.
    """
    return render(request, "accounts/locked.html", status=429)
