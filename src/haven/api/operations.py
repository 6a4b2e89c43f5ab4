"""
What every API operation does besides its own work: check the token's scope and leave an audit event.

A token without the scope an operation needs gets 404, exactly like an object the member may not
see, so a token reveals nothing about what lies outside its scope. Every call, answered or refused
with 404, is recorded as ``api.called`` with the operation, the token and the object it named:
ids and enumerated values only, never what was sent or returned.
"""

import functools
import uuid
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.http import Http404, HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from haven.api.models import AccessToken, Scope
from haven.api.requests import ApiRequest
from haven.api.tokens import token_authenticate
from haven.audit.events import EventType
from haven.audit.services import record_event

Operation = TypeVar("Operation", bound=Callable[..., Any])


class Refusal(Schema):
    """Every refusal reads the same for its status: nothing hints at why beyond the status."""

    detail: str


class InvalidInput(Schema):
    """422: what was wrong with the request, each entry with the path of the field."""

    detail: list[dict[str, Any]]


#: The answers every operation may give besides its own, documented in the OpenAPI schema.
REFUSALS: dict[int, type[Schema]] = {
    400: Refusal,
    401: Refusal,
    404: Refusal,
    422: InvalidInput,
    429: Refusal,
}


def answers(success: Any, status: int = 200) -> dict[int, Any]:
    """An operation's responses: its own success and the refusals every operation may give."""
    return {status: success, **REFUSALS}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer hvn_...``; the session cookie plays no part in the API."""

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        access = token_authenticate(token)
        if access is not None:
            # From here on the request is an ApiRequest; django-ninja sets ``auth`` to ``access``.
            cast(ApiRequest, request).membership = access.membership
        return access


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token, counted in the cache (per server process with the default cache)."""

    scope = "api_token"

    def get_cache_key(self, request: HttpRequest) -> str:
        token = getattr(request, "auth", None)
        ident = str(token.pk) if isinstance(token, AccessToken) else str(self.get_ident(request))
        return self.cache_format % {"scope": self.scope, "ident": ident}


def _object_named(kwargs: dict[str, Any]) -> tuple[str, str]:
    for key, value in kwargs.items():
        if key.endswith("_id") and isinstance(value, uuid.UUID):
            return key.removesuffix("_id"), str(value)
    return "", ""


def _record_call(request: ApiRequest, operation: str, kwargs: dict[str, Any], status: int) -> None:
    token = request.auth
    object_type, object_id = _object_named(kwargs)
    record_event(
        EventType.API_CALLED,
        actor=token.membership.user,
        organisation=token.membership.organisation,
        object_type=object_type,
        object_id=object_id,
        data={"operation": operation, "token": str(token.pk), "status": status},
    )


def operation(scope: Scope | None) -> Callable[[Operation], Operation]:
    """Require ``scope`` (None: any) on the calling token and audit the call, answered or refused."""

    def decorator(handler: Operation) -> Operation:
        @functools.wraps(handler)
        def wrapper(request: ApiRequest, *args: Any, **kwargs: Any) -> Any:
            token = request.auth
            name = handler.__name__
            if not isinstance(token, AccessToken) or (scope and not token.allows(scope)):
                _record_call(request, name, kwargs, 404)
                raise Http404
            try:
                result = handler(request, *args, **kwargs)
            except Http404:
                _record_call(request, name, kwargs, 404)
                raise
            _record_call(request, name, kwargs, 200)
            return result

        return wrapper  # type: ignore[return-value]

    return decorator


class Pages(LimitOffsetPagination):
    """``limit`` (1 to 100, 50 by default) and ``offset``, both bounded so no request can ask the
    database for a number it cannot hold: anything outside is a 422, never a server error."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=100)
        offset: int = Field(0, ge=0, le=1_000_000_000)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=100, **kwargs)
