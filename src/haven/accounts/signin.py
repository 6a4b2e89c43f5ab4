"""
The two-step sign-in as it touches the browser session.

Step one (password) logs the account in with Django, which rotates the session key; the session
is then only good for the second-factor pages. Step two (TOTP or a backup code) marks the session
verified, rotates the key again (SESS-01) and records a ``LoginSession`` that the middleware checks
on every request, so it can be listed and ended from elsewhere (SESS-03).
"""

import time
import uuid
from contextlib import suppress

from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.models import Device

from haven.accounts import services, totp
from haven.accounts.lockout import lockout_history_clear
from haven.accounts.models import LoginSession, User

STARTED_AT = "haven_started_at"
LAST_SEEN_AT = "haven_last_seen_at"
LOGIN_SESSION_ID = "haven_login_session_id"
NEXT_URL = "haven_next"
ORGANISATION_ID = "haven_organisation_id"
SECOND_FACTOR_AT = "haven_second_factor_at"

# SESS-04: revealing an identity, changing a second factor or granting a role needs a second
# factor given within this many seconds.
STEP_UP_WINDOW_SECONDS = 5 * 60


def password_accepted(request: HttpRequest, user: User, next_url: str = "") -> None:
    """Start a half-signed-in session after a correct password."""
    auth_login(request, user, backend="haven.accounts.backends.AccountBackend")
    now = time.time()
    request.session[STARTED_AT] = now
    request.session[LAST_SEEN_AT] = now
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_URL] = next_url


def second_factor_entry_url(user: User) -> str:
    """Return where a half-signed-in user goes: enrolment the first time, the code page after."""
    if totp.confirmed_device(user) is None:
        return reverse("accounts:enrol")
    return reverse("accounts:second_factor")


def second_factor_accepted(request: HttpRequest, device: Device, method: str) -> str:
    """Finish signing in with a verified device; return the URL to continue to."""
    user = request.user
    assert isinstance(user, User)
    otp_login(request, device)
    request.session.cycle_key()
    session_key = request.session.session_key or ""
    login_session = services.login_session_start(user=user, session_key=session_key, method=method)
    request.session[LOGIN_SESSION_ID] = str(login_session.pk)
    request.session[LAST_SEEN_AT] = time.time()
    request.session[SECOND_FACTOR_AT] = time.time()
    lockout_history_clear(user.get_username())
    return str(request.session.pop(NEXT_URL, "") or reverse("web:dashboard"))


def password_changed_here(request: HttpRequest, user: User, new_password: str) -> None:
    """
    Change the signed-in account's password from this session: the account's other sessions
    end (SESS-03), this one gets a new key, and its ``LoginSession`` records that key's digest.
    The three stand or fall together, in one transaction.
    """
    with transaction.atomic():
        services.password_change(
            user=user, new_password=new_password, keeping=current_login_session(request)
        )
        update_session_auth_hash(request, user)
        session_key_rotated(request)


def session_key_rotated(request: HttpRequest) -> None:
    """
    Record a signed-in session's new key, just given by ``cycle_key``, on the ``LoginSession`` its
    own data names, so its next requests read their rows with the session's row (issue 17). Call it
    in the transaction that rotated the key. Only the digest is stored, never the key.
    """
    user = request.user
    session_key = request.session.session_key
    login_session_id = request.session.get(LOGIN_SESSION_ID)
    if not (isinstance(user, User) and session_key and login_session_id):
        return
    with suppress(ValueError):
        services.login_session_key_record(
            user=user, login_session_id=uuid.UUID(str(login_session_id)), session_key=session_key
        )


def second_factor_is_recent(request: HttpRequest) -> bool:
    """Whether this session gave its second factor within the step-up window (SESS-04)."""
    verified_at = float(request.session.get(SECOND_FACTOR_AT, 0))
    return 0 <= time.time() - verified_at <= STEP_UP_WINDOW_SECONDS


def step_up_accepted(request: HttpRequest, method: str) -> None:
    """Mark a correct step-up code: the session's second factor is fresh again (SESS-04)."""
    user = request.user
    assert isinstance(user, User)
    request.session[SECOND_FACTOR_AT] = time.time()
    services.step_up_success_record(user=user, method=method)


def safe_next_path(candidate: str) -> str:
    """
    Return ``candidate`` when it is a path on this site, else the dashboard.

    Only relative paths starting with one slash are kept, so a crafted ``next`` can never send a
    user to another host after they typed a code (no open redirect).
    """
    if (
        candidate.startswith("/")
        and not candidate.startswith("//")
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=set())
    ):
        return candidate
    return reverse("web:dashboard")


def open_login_sessions(user: User, login_session_id: str) -> QuerySet[LoginSession]:
    """The session's ``LoginSession`` if it belongs to ``user`` and was not ended (SESS-03)."""
    return LoginSession.objects.filter(pk=login_session_id, user=user, ended_at__isnull=True)


def current_login_session(request: HttpRequest) -> LoginSession | None:
    """Return the open ``LoginSession`` behind this request, or None."""
    session_id = request.session.get(LOGIN_SESSION_ID)
    if not session_id or not request.user.is_authenticated:
        return None
    assert isinstance(request.user, User)
    return open_login_sessions(request.user, session_id).first()


def sign_out(request: HttpRequest, *, reason: str, by_owner: bool) -> None:
    """End the request's session on the server and forget it in the browser."""
    login_session = current_login_session(request)
    user = request.user if request.user.is_authenticated else None
    if login_session is not None:
        services.login_session_end(
            actor=user if by_owner else None,
            login_session=login_session,
            reason=reason,
            logged_out=by_owner,
        )
    auth_logout(request)
