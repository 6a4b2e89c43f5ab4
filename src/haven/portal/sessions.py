"""
The defender's portal session: its own cookie and table, never Django's staff session.

The cookie holds a random token; the database keeps only its SHA-256 digest and the referral it
opens. It is scoped to ``/portal/``, HttpOnly and SameSite=Strict, and ends after
``HAVEN_PORTAL_SESSION_IDLE_SECONDS`` idle or ``HAVEN_PORTAL_SESSION_ABSOLUTE_SECONDS`` in all. No
cookie is set before a referral is sent or a receipt opened, except Django's CSRF token.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from haven.portal.models import PortalSession, Referral

COOKIE_PATH = "/portal/"
LAST_SEEN_RESOLUTION = datetime.timedelta(seconds=30)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(response: HttpResponse, referral: Referral) -> None:
    """Open a portal session for ``referral`` and set its cookie on ``response``."""
    token = secrets.token_urlsafe(32)
    PortalSession.objects.create(referral=referral, token_digest=_digest(token))
    response.set_cookie(
        settings.HAVEN_PORTAL_COOKIE_NAME,
        token,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def current(request: HttpRequest) -> PortalSession | None:
    """Return the request's live portal session (with its referral), or None."""
    token = request.COOKIES.get(settings.HAVEN_PORTAL_COOKIE_NAME)
    if not token or len(token) > 100:
        return None
    session = (
        PortalSession.objects.select_related("referral__data_key__organisation_key")
        .filter(token_digest=_digest(token))
        .first()
    )
    if session is None:
        return None
    now = timezone.now()
    idle = datetime.timedelta(seconds=settings.HAVEN_PORTAL_SESSION_IDLE_SECONDS)
    absolute = datetime.timedelta(seconds=settings.HAVEN_PORTAL_SESSION_ABSOLUTE_SECONDS)
    if now - session.last_seen_at > idle or now - session.started_at > absolute:
        session.delete()
        return None
    if now - session.last_seen_at > LAST_SEEN_RESOLUTION:
        PortalSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    return session


def end(request: HttpRequest, response: HttpResponse) -> None:
    """End the request's portal session on the server and remove its cookie."""
    token = request.COOKIES.get(settings.HAVEN_PORTAL_COOKIE_NAME)
    if token:
        PortalSession.objects.filter(token_digest=_digest(token)).delete()
    response.delete_cookie(settings.HAVEN_PORTAL_COOKIE_NAME, path=COOKIE_PATH, samesite="Strict")
