"""
Per-request enforcement of sessions, organisation and each view's declared access policy.

One middleware so the order of the checks is plain to read:

1. An expired session (30 minutes idle or 12 hours old, SESS-02) or one ended elsewhere (SESS-03)
   is logged out before anything else sees it.
2. The active membership is put on ``request.membership`` and ``request.organisation``; an account
   with no active membership has neither.
3. Before the view runs, its declaration (``haven.accounts.access``) is enforced: undeclared views
   are refused (AZ-01), protected views need both factors (AUTH-03), permission views need a role
   that grants the permission, and a refusal looks like a missing page (AZ-02).
"""

import functools
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.middleware import get_user
from django.contrib.auth.views import redirect_to_login
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from haven.accounts import signin
from haven.accounts.access import AccessKind, policy_of
from haven.accounts.backends import ANY_USER, AccountBackend, account_read, account_read_ahead
from haven.accounts.compiled import CompiledRead
from haven.accounts.models import LoginSession, SealedTOTPDevice, User
from haven.accounts.requests import HavenRequest
from haven.accounts.round_trips import read_together
from haven.accounts.selectors import membership_chosen, memberships_of
from haven.accounts.services.common import secret_digest
from haven.accounts.sessions import SessionStore
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.organisations.models import Membership
from haven.organisations.policy import may


def _memberships_with_login_session_query(
    *, user: int, login_session: uuid.UUID
) -> QuerySet[Membership]:
    """The account's memberships, each telling whether the session's ``LoginSession`` is open."""
    account = User(pk=user)
    return memberships_of(account).annotate(
        login_session_open=Exists(signin.open_login_sessions(account, str(login_session)))
    )


#: Read on every signed-in request: compiled once per process (issue 17).
_memberships_with_login_session = CompiledRead(
    _memberships_with_login_session_query,
    user=ANY_USER,
    login_session=uuid.UUID(int=0),
)


def _login_session_named(digest: str) -> QuerySet[LoginSession]:
    """The ``LoginSession`` recorded for the session key whose digest is ``digest``."""
    return LoginSession.objects.filter(session_key_digest=digest)[:1]


def _account_by_session_key_query(*, digest: str) -> QuerySet[User]:
    return User._default_manager.filter(pk=Subquery(_login_session_named(digest).values("user_id")))


def _devices_by_session_key_query(*, digest: str) -> QuerySet[SealedTOTPDevice]:
    devices: QuerySet[SealedTOTPDevice] = SealedTOTPDevice.objects.filter(
        user_id=Subquery(_login_session_named(digest).values("user_id"))
    )
    return devices


def _memberships_by_session_key_query(*, digest: str) -> QuerySet[Membership]:
    """
    ``memberships_of`` the account whose ``LoginSession`` the key names, each row telling which
    ``LoginSession`` that was and, as ``_memberships_with_login_session``, whether it is open.
    """
    named = _login_session_named(digest)
    return (
        Membership.objects.filter(
            user_id=Subquery(named.values("user_id")),
            is_active=True,
            organisation__is_active=True,
        )
        .select_related("organisation", "user")
        .order_by("created_at")
        .annotate(login_session_read=Subquery(named.values("pk")))
        .annotate(
            login_session_open=Exists(
                LoginSession.objects.filter(
                    pk=OuterRef("login_session_read"),
                    user=OuterRef("user_id"),
                    ended_at__isnull=True,
                )
            )
        )
    )


#: A stand-in for a session key's digest: not hexadecimal, so no digest is equal to it.
_ANY_DIGEST = "<any session key digest>"

#: The reads ``SecondFactorMiddleware`` sends with the session's row, keyed by its session key.
_account_by_session_key = CompiledRead(_account_by_session_key_query, digest=_ANY_DIGEST)
_devices_by_session_key = CompiledRead(_devices_by_session_key_query, digest=_ANY_DIGEST)
_memberships_by_session_key = CompiledRead(_memberships_by_session_key_query, digest=_ANY_DIGEST)


#: Where ``SecondFactorMiddleware`` leaves the memberships it read ahead: (account id, login
#: session, rows). ``AccessMiddleware`` takes them only for that account and login session.
_MEMBERSHIPS_READ_AHEAD = "_haven_memberships_read_ahead"

_ACCOUNT_BACKEND = f"{AccountBackend.__module__}.{AccountBackend.__qualname__}"


# Writing the last-seen time on every request would make every page a database write.
LAST_SEEN_RESOLUTION_SECONDS = 30


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HavenRequest) -> HttpResponse:
        request.membership = None
        request.organisation = None
        request.memberships = []
        if request.user.is_authenticated:
            ended_because = self._session_problem(request)
            if ended_because:
                signin.sign_out(request, reason=ended_because, by_owner=False)
                messages.info(request, _("Your session ended. Please sign in again."))
        return self.get_response(request)

    def _session_problem(self, request: HavenRequest) -> str:
        """
        Return why the session must end ("" if it may go on), and otherwise put the account's
        memberships on the request.

        A verified session's ``LoginSession`` is checked in the same query that reads the
        memberships, so a session ended elsewhere is still refused on its very next request.
        """
        now = time.time()
        started = float(request.session.get(signin.STARTED_AT, 0))
        last_seen = float(request.session.get(signin.LAST_SEEN_AT, 0))
        if now - started > settings.HAVEN_SESSION_ABSOLUTE_SECONDS:
            return "absolute_limit"
        if now - last_seen > settings.HAVEN_SESSION_IDLE_SECONDS:
            return "idle_limit"
        user = request.user
        assert isinstance(user, User)
        memberships: list[Membership]
        if user.is_verified():  # type: ignore[attr-defined]
            login_session_id = request.session.get(signin.LOGIN_SESSION_ID)
            if not login_session_id:
                return "ended"
            try:
                login_session = uuid.UUID(str(login_session_id))
            except ValueError:
                return "ended"
            with_login_session: list[Membership]
            ahead = getattr(request, _MEMBERSHIPS_READ_AHEAD, None)
            if ahead is not None and ahead[0] == user.pk and ahead[1] == login_session:
                with_login_session = ahead[2]
            else:
                with_login_session = _memberships_with_login_session(
                    user=user.pk, login_session=login_session
                )
            # With no membership the answer has no row to ride on: ask on its own.
            if not (
                with_login_session[0].login_session_open  # type: ignore[attr-defined]
                if with_login_session
                else signin.open_login_sessions(user, login_session_id).exists()
            ):
                return "ended"
            memberships = list(with_login_session)
            if now - last_seen > LAST_SEEN_RESOLUTION_SECONDS:
                LoginSession.objects.filter(pk=login_session_id).update(last_seen_at=timezone.now())
        else:
            memberships = list(memberships_of(user))
        if now - last_seen > LAST_SEEN_RESOLUTION_SECONDS:
            request.session[signin.LAST_SEEN_AT] = now
        self._resolve_membership(request, memberships)
        return ""

    def _resolve_membership(self, request: HavenRequest, memberships: list[Membership]) -> None:
        # Kept on the request: the layout lists the other organisations without asking again.
        request.memberships = memberships
        membership = membership_chosen(memberships, request.session.get(signin.ORGANISATION_ID))
        request.membership = membership
        request.organisation = membership.organisation if membership else None

    def process_view(
        self,
        request: HavenRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        policy = policy_of(view_func)
        if policy is None:
            raise Http404
        if policy.kind in {AccessKind.PUBLIC, AccessKind.API_TOKEN}:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        assert isinstance(user, User)
        if policy.kind == AccessKind.SIGN_IN_STEP:
            return None
        if not user.is_verified():  # type: ignore[attr-defined]
            return redirect(signin.second_factor_entry_url(user))
        if policy.kind == AccessKind.SIGNED_IN:
            return None
        membership = request.membership
        assert policy.permission is not None
        if may(membership, policy.permission):
            return None
        record_event(
            EventType.ACCESS_DENIED,
            actor=user,
            organisation=membership.organisation if membership else None,
            data={"permission": policy.permission.value},
        )
        raise Http404


def _device_query(model: type[Device]) -> Callable[..., QuerySet[Device]]:
    def query(*, device: int) -> QuerySet[Device]:
        rows: QuerySet[Device] = model.objects.filter(id=device)[:1]
        return rows

    return query


# The device's rows when ``SecondFactorMiddleware._read_ahead`` read them: (read, id, rows).
_device_read_ahead: ContextVar[tuple[CompiledRead[Device], int, list[Device]] | None] = ContextVar(
    "haven_device_read_ahead", default=None
)

#: A stand-in for a device's id that no row has (ids count up from 1), within a 32-bit integer.
_ANY_DEVICE = -2_000_000_001


class SecondFactorMiddleware(OTPMiddleware):  # type: ignore[misc]
    """
    django-otp's middleware (``request.user.otp_device``, ``is_verified()``), reading the session's
    device with SQL compiled once per process and device model (issue 17). django-otp still checks
    that the device is the user's and confirmed (AUTH-03).

    The account and its device are read here, before the view, rather than behind two lazy
    proxies (Django's around the account, django-otp's around that): ``AccessMiddleware`` asks
    every request who it is before any view runs, so nothing is read that was not read before,
    and every later ``request.user`` (the middleware's checks, the layout's dozens) is the account
    itself instead of two proxies' attribute lookups (issue 17).
    """

    _reads: dict[type[Device], CompiledRead[Device]] = {}

    def __call__(self, request: HttpRequest) -> Any:
        if self._is_async:
            return self.__acall__(request)
        if getattr(request, "user", None) is not None:
            with self._read_ahead(request):
                # Django's own accessor (the backend, the session's password hash), then
                # django-otp's checks of the device: both unchanged, whichever rows they get.
                request.user = self._verify_user_sync(request, get_user(request))
        auser = getattr(request, "auser", None)
        if auser is not None:
            request.auser = functools.partial(self._verify_user_async_via_auser, request, auser)
        return self.get_response(request)

    @contextmanager
    def _read_ahead(self, request: HttpRequest) -> Iterator[None]:
        """
        On PostgreSQL, read the session's row, its account, its device and its memberships in
        one round trip instead of four in series (issue 17), for the checks below to use.

        The account, device and memberships can be read with the session's row only by its key,
        through the ``LoginSession`` recorded for it (its indexed digest). They are used only if
        the session's own data, decoded from its row afterwards, names that very account,
        ``LoginSession`` and device; otherwise (a key rotated since, a session half signed in,
        a recovery-code device) they are read again by what the session names, as before.

        Nothing is read earlier or kept longer than before: the reads follow the session's key,
        in the same request; Django still checks the account (active, the session's password
        hash), django-otp still checks that the device is the account's and confirmed (AUTH-03),
        and the memberships' query still asks whether the session's ``LoginSession`` is open
        (SESS-03), but ``AccessMiddleware`` uses its answer only if the session turns out
        verified for that very account and login session.
        """
        keyed = self._read_with_session(request)
        calls = self._reads_ahead_for(request)
        if calls is None:
            yield
            return
        user, login_session, device_id, device_read = calls
        found = (
            self._keyed_rows_for(keyed, user, login_session, device_id, device_read)
            if keyed is not None
            else None
        )
        if found is None:
            found = read_together(
                [
                    (account_read, {"user": user}),
                    (device_read, {"device": device_id}),
                    (
                        _memberships_with_login_session,
                        {"user": user, "login_session": login_session},
                    ),
                ]
            )
        accounts, devices, memberships = found
        setattr(request, _MEMBERSHIPS_READ_AHEAD, (user, login_session, memberships))
        token = _device_read_ahead.set((device_read, device_id, devices))
        try:
            with account_read_ahead(user, accounts):
                yield
        finally:
            _device_read_ahead.reset(token)

    @staticmethod
    def _read_with_session(request: HttpRequest) -> list[list[Any]] | None:
        """The account, devices and memberships the session's key names, read with its row."""
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            return None
        session = getattr(request, "session", None)
        if not isinstance(session, SessionStore) or session.is_loaded():
            return None
        key = session.session_key
        if not key:
            return None
        values = {"digest": secret_digest(key)}
        return session.read_with(
            [
                (_account_by_session_key, values),
                (_devices_by_session_key, values),
                (_memberships_by_session_key, values),
            ]
        )

    def _keyed_rows_for(
        self,
        keyed: list[list[Any]],
        user: int,
        login_session: uuid.UUID,
        device_id: int,
        device_read: CompiledRead[Device],
    ) -> list[list[Any]] | None:
        """
        The rows read by the session's key as the reads by what the session names would return
        them, or None unless they are certainly the same: the same account, ``LoginSession``
        and device, the account holding a membership for the answer to ride on.
        """
        accounts, devices, memberships = keyed
        if [account.pk for account in accounts] != [user]:
            return None
        if not memberships or any(
            membership.user_id != user or membership.login_session_read != login_session
            for membership in memberships
        ):
            return None
        if device_read is not self._device_read(SealedTOTPDevice):
            return None
        device = [row for row in devices if row.pk == device_id]
        if not device:
            return None
        return [accounts, device, memberships]

    def _reads_ahead_for(
        self, request: HttpRequest
    ) -> tuple[int, uuid.UUID, int, CompiledRead[Device]] | None:
        """The account, login session, device id and device read a verified session names."""
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            return None
        session = request.session
        if session.get(BACKEND_SESSION_KEY) != _ACCOUNT_BACKEND:
            return None
        persistent_id = session.get(DEVICE_ID_SESSION_KEY)
        with suppress(ValueError, LookupError, TypeError):
            user = int(session[SESSION_KEY])
            login_session = uuid.UUID(str(session[signin.LOGIN_SESSION_ID]))
            model_label, device_id = self._normalize_persistent_id(persistent_id).rsplit("/", 1)
            device_read = self._device_read(apps.get_model(model_label))
            if device_read is not None:
                return user, login_session, int(device_id), device_read
        return None

    def _device_read(self, model: type[Any]) -> CompiledRead[Device] | None:
        if not issubclass(model, Device):
            return None
        if model not in self._reads:
            self._reads[model] = CompiledRead(_device_query(model), device=_ANY_DEVICE)
        return self._reads[model]

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        with suppress(ValueError, LookupError):
            model_label, device_id = self._normalize_persistent_id(persistent_id).rsplit("/", 1)
            device_read = self._device_read(apps.get_model(model_label))
            if device_read is not None:
                ahead = _device_read_ahead.get()
                found = (
                    ahead[2]
                    if ahead is not None and ahead[0] is device_read and ahead[1] == int(device_id)
                    else device_read(device=int(device_id))
                )
                return found[0] if found else None
        return None
