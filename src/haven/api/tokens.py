"""
Creating, listing, revoking and checking personal access tokens.

A token is ``hvn_`` followed by 43 URL-safe characters (32 random bytes). The owner sees it once,
when it is made; Haven keeps its SHA-256 digest and a short prefix. A token acts as its member, so
it can do no more than the member's role allows, and it stops working the moment the membership,
the account or the organisation is deactivated, as well as when it expires or is revoked.
"""

import hashlib
import secrets
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.api.models import AccessToken, Scope
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may, permissions_of

TOKEN_PREFIX = "hvn_"  # noqa: S105 (the visible prefix, not a secret)
TOKEN_BYTES = 32
LIFETIME_DAYS = (7, 30, 90)
"""The lifetimes a member may choose; short by default, and never without an end."""
USE_RECORDED_EVERY = timedelta(minutes=5)

#: The permission a member's role must grant before a token may carry each scope.
SCOPE_PERMISSIONS: dict[Scope, Permission] = {
    Scope.READ_CASES: Permission.CASE_VIEW,
    Scope.WRITE_RECORDS: Permission.CASE_EDIT,
    Scope.READ_REPORTS: Permission.VIEW_REPORTS,
}

NAME_REQUIRED = _("Give the token a name, so you can tell it apart later.")
NO_SCOPE = _("Choose at least one thing the token may do.")
SCOPE_NOT_ALLOWED = _("Your role does not allow a token this permission: %(scope)s.")
LIFETIME_NOT_OFFERED = _("Choose one of the lifetimes offered.")


class TokenError(ApplicationError):
    """A token could not be made as asked; nothing was saved."""


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8", "surrogatepass")).hexdigest()


def scopes_for(membership: Membership) -> list[Scope]:
    """The scopes this member's role allows a token to carry."""
    return [scope for scope, permission in SCOPE_PERMISSIONS.items() if may(membership, permission)]


@transaction.atomic
def token_create(
    *, membership: Membership, name: str, scopes: list[str], lifetime_days: int
) -> tuple[AccessToken, str]:
    """
    Make a token for the member and return it with its secret, which is shown once.

    Permission: any active member, for the scopes their role allows (``SCOPE_PERMISSIONS``).
    The view asks for a fresh second factor first (SESS-04). Side effects: one
    ``api.token_created`` event. Raises TokenError for a missing name, no scope, a scope the role
    does not allow or a lifetime not offered.
    """
    name = name.strip()
    if not name:
        raise TokenError(NAME_REQUIRED)
    if not scopes:
        raise TokenError(NO_SCOPE)
    allowed = scopes_for(membership)
    chosen: list[Scope] = []
    for value in dict.fromkeys(scopes):
        scope = Scope(value) if value in Scope.values else None
        if scope is None or scope not in allowed:
            raise TokenError(SCOPE_NOT_ALLOWED, scope=str(scope.label if scope else value))
        chosen.append(scope)
    if lifetime_days not in LIFETIME_DAYS:
        raise TokenError(LIFETIME_NOT_OFFERED)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = AccessToken.objects.create(
        membership=membership,
        name=name[:80],
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(raw),
        scopes=[scope.value for scope in chosen],
        expires_at=timezone.now() + timedelta(days=lifetime_days),
    )
    _record_token_event(
        EventType.API_TOKEN_CREATED,
        membership,
        token,
        {"scopes": token.scopes, "days": lifetime_days},
    )
    return token, raw


def _record_token_event(
    event_type: EventType,
    membership: Membership,
    token: AccessToken,
    data: Mapping[str, Any] | None = None,
) -> None:
    """One audit event about a token, acted by its own member (only they create and revoke it)."""
    record_event(
        event_type,
        actor=membership.user,
        organisation=membership.organisation,
        object_type="api_token",
        object_id=token.pk,
        data=data,
    )


def tokens_of(*, membership: Membership) -> QuerySet[AccessToken]:
    """The member's own tokens, newest first; nobody else's."""
    return AccessToken.objects.filter(membership=membership).order_by("-created_at")


@transaction.atomic
def token_revoke(*, membership: Membership, token_id: uuid.UUID) -> AccessToken:
    """
    Revoke one of the member's own tokens; revoking twice changes nothing more.

    Raises Http404 for a token that is not theirs. Side effects: one ``api.token_revoked`` event
    the first time.
    """
    token = tokens_of(membership=membership).select_for_update().filter(pk=token_id).first()
    if token is None:
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _record_token_event(EventType.API_TOKEN_REVOKED, membership, token)
    return token


def token_authenticate(raw_token: str) -> AccessToken | None:
    """
    Return the usable token for a presented secret, with its membership, or None.

    None covers every failure alike (unknown, expired, revoked, a deactivated member or
    organisation), so a caller learns nothing about which it was.
    """
    if not raw_token.startswith(TOKEN_PREFIX) or len(raw_token) > 100:
        return None
    token = (
        AccessToken.objects.select_related("membership__user", "membership__organisation")
        .filter(digest=token_digest(raw_token))
        .first()
    )
    if token is None or not token.is_usable or not permissions_of(token.membership):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > USE_RECORDED_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
