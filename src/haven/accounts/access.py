"""
Declaring who may reach a view. Every URL's view carries exactly one of these declarations.

``AccessMiddleware`` reads the declaration before the view runs and enforces it, so the rule is in
one place and a view cannot forget it; a view with no declaration is refused (AZ-01), and
``tests/web/test_url_policies.py`` fails for it. The four kinds:

- ``@public``: no account needed (sign-in page, invitation links, language switch).
- ``@sign_in_step``: a password has been given but the second factor not yet (enrolment, code).
- ``@signed_in``: any fully signed-in account; the view itself limits what it shows to the user's
  own things (their sessions, the dashboard).
- ``@requires(Permission.X)``: a signed-in member of the current organisation whose role grants
  ``X`` (checked by ``haven.organisations.policy``). Object-level checks then happen in selectors.
- ``api_token``: the JSON API, which authenticates each request by its bearer token and ignores
  the session (``haven.api``); the middleware lets it through for the API to answer 401.

On top of its declaration, a view that reveals an identity, changes a second factor or grants a
role adds ``@requires_recent_second_factor`` (SESS-04): a stolen unlocked session is then not
enough for the actions that hurt most.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar, overload

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from haven.accounts import signin
from haven.organisations.policy import Permission

ViewFunction = TypeVar("ViewFunction", bound=Callable[..., Any])

POLICY_ATTRIBUTE = "haven_access_policy"


class AccessKind(StrEnum):
    PUBLIC = "public"
    SIGN_IN_STEP = "sign_in_step"
    SIGNED_IN = "signed_in"
    PERMISSION = "permission"
    API_TOKEN = "api_token"  # noqa: S105 (an access kind, not a secret)


@dataclass(frozen=True)
class AccessPolicy:
    kind: AccessKind
    permission: Permission | None = None


def _declare(view: ViewFunction, policy: AccessPolicy) -> ViewFunction:
    if getattr(view, POLICY_ATTRIBUTE, None) is not None:
        raise TypeError(f"{view!r} already declares an access policy")
    setattr(view, POLICY_ATTRIBUTE, policy)
    return view


def public(view: ViewFunction) -> ViewFunction:
    """Anyone may open this view, signed in or not."""
    return _declare(view, AccessPolicy(AccessKind.PUBLIC))


def sign_in_step(view: ViewFunction) -> ViewFunction:
    """Only someone half-way through signing in (password given) may open this view."""
    return _declare(view, AccessPolicy(AccessKind.SIGN_IN_STEP))


def signed_in(view: ViewFunction) -> ViewFunction:
    """Any account that has passed both factors may open this view."""
    return _declare(view, AccessPolicy(AccessKind.SIGNED_IN))


def requires(permission: Permission) -> Callable[[ViewFunction], ViewFunction]:
    """Only members whose role grants ``permission`` in the current organisation may open this."""

    def decorator(view: ViewFunction) -> ViewFunction:
        return _declare(view, AccessPolicy(AccessKind.PERMISSION, permission))

    return decorator


def api_token(view: ViewFunction) -> ViewFunction:
    """The view authenticates by API token itself; sessions and cookies play no part."""
    return _declare(view, AccessPolicy(AccessKind.API_TOKEN))


def policy_of(view: Callable[..., Any]) -> AccessPolicy | None:
    """Return the policy a view declared, or None when it declared none."""
    policy = getattr(view, POLICY_ATTRIBUTE, None)
    return policy if isinstance(policy, AccessPolicy) else None


@overload
def requires_recent_second_factor(view: ViewFunction) -> ViewFunction: ...


@overload
def requires_recent_second_factor(
    *, return_to: str | None = None
) -> Callable[[ViewFunction], ViewFunction]: ...


def requires_recent_second_factor(
    view: ViewFunction | None = None, *, return_to: str | None = None
) -> ViewFunction | Callable[[ViewFunction], ViewFunction]:
    """
    Send the user to the step-up page unless their second factor is under five minutes old.

    Put it below the access declaration, so the middleware has already checked who may come in.
    After a correct code the user comes back to the page: for a GET the same address, for a POST
    the page named by ``return_to`` (a URL name reversed with the view's own arguments), where
    they submit the form again; nothing from a refused POST is kept or replayed.
    """

    def decorator(inner: ViewFunction) -> ViewFunction:
        @functools.wraps(inner)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if signin.second_factor_is_recent(request):
                response: HttpResponse = inner(request, *args, **kwargs)
                return response
            if request.method in {"GET", "HEAD"} or return_to is None:
                come_back = request.get_full_path()
            else:
                come_back = reverse(return_to, args=args, kwargs=kwargs)
            return redirect(f"{reverse('accounts:step_up')}?{urlencode({'next': come_back})}")

        return wrapper  # type: ignore[return-value]

    if view is not None:
        return decorator(view)
    return decorator
