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

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Exists
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts import signin
from haven.accounts.access import AccessKind, policy_of
from haven.accounts.models import LoginSession, User
from haven.accounts.requests import HavenRequest
from haven.accounts.selectors import membership_chosen, memberships_of
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.organisations.models import Membership
from haven.organisations.policy import may

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
            with_login_session = list(
                memberships_of(user).annotate(
                    login_session_open=Exists(signin.open_login_sessions(user, login_session_id))
                )
            )
            # With no membership the answer has no row to ride on: ask on its own.
            if not (
                with_login_session[0].login_session_open
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
