"""
The request Haven's views receive, typed: ``AccessMiddleware`` sets who is acting before any view
runs, so views read ``request.membership`` without casts or ``type: ignore``.
"""

from django.http import HttpRequest

from haven.accounts.models import User
from haven.organisations.models import Membership, Organisation


class HavenRequest(HttpRequest):
    """An ``HttpRequest`` with the active membership (none for visitors and accounts without one)."""

    membership: Membership | None
    organisation: Organisation | None
    # Every active membership of the user, read once by the middleware (the layout lists them).
    memberships: list[Membership]


def acting_member(request: HavenRequest) -> Membership:
    """
    Return the member a view acts for. Only views behind ``@requires`` call it: the middleware
    let the request through because that membership holds the permission, so it is never absent.
    """
    membership = request.membership
    assert membership is not None, "acting_member() is for views behind @requires"
    return membership


def authenticated_user(request: HttpRequest) -> User:
    """
    Return the account the request is authenticated as. Only code that knows an account is there
    calls it: views behind ``@signed_in`` (or a stricter policy), or after checking
    ``request.user.is_authenticated``.
    """
    user = request.user
    assert isinstance(user, User), "authenticated_user() needs an authenticated request"
    return user
