"""
The request an API operation receives, typed: by the time an operation runs, ``TokenAuth`` has
accepted the bearer token and django-ninja has set ``request.auth`` to it, so operations read
``request.membership`` and ``request.auth`` without casts or ``type: ignore``.
"""

from django.http import HttpRequest

from haven.api.models import AccessToken
from haven.organisations.models import Membership


class ApiRequest(HttpRequest):
    """An ``HttpRequest`` whose token has been accepted: the token and the member it acts as."""

    auth: AccessToken
    # The token's member, the acting party every selector and service takes first (as on the web).
    membership: Membership
