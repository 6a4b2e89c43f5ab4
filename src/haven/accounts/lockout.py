"""
Account lockout for django-axes, keyed on the username (AUTH-08).

Tor users share exit addresses, so locking by address would lock out the people Haven serves;
locking for ever would let an adversary lock named staff out in a crisis. The cool-off therefore
escalates with repeated lockouts and always ends.
"""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

BASE_COOLOFF = timedelta(minutes=5)
MAX_COOLOFF = timedelta(hours=2)


def cooloff_for_request(request: HttpRequest) -> timedelta:
    """Return the cool-off for a locked account: five minutes, doubling per further lockout, capped."""
    failures = int(getattr(request, "axes_failures_since_start", None) or 0)
    lockouts = max(0, failures // int(settings.AXES_FAILURE_LIMIT) - 1)
    cooloff: timedelta = min(BASE_COOLOFF * (2**lockouts), MAX_COOLOFF)
    return cooloff


def lockout_response(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """Answer a locked account with 429 and the same page whatever the account (AUTH-09)."""
    return render(
        request,
        "web/error.html",
        {
            "title": _("Too many attempts"),
            "message": _("Sign-in is paused for this account for a few minutes. Try again later."),
            "status": 429,
        },
        status=429,
    )
