"""
The API object: authentication, rate limit, errors and the routers, served under ``/api/v1/``.

The interactive documentation page is off, and its viewer is Haven's own
(``haven.api.docs.SchemaOnlyDocs``): django-ninja's loads its assets from a CDN, and no Haven page
may make a request to another host. The OpenAPI schema at ``/api/v1/openapi.json``
describes every operation; it holds no data, so it needs no token.
"""

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema

from haven.api import cases, referrals, reports, stays
from haven.api.docs import SchemaOnlyDocs
from haven.api.operations import TokenAuth, TokenRateThrottle, answers, operation
from haven.api.requests import ApiRequest
from haven.organisations.errors import ApplicationError

REQUESTS_PER_MINUTE = 120

api = NinjaAPI(
    title="Haven",
    version="1",
    description=(
        "Cases, threats, assessments, stays, portal referrals and reports of one organisation, "
        "as the token's member may see them. Send `Authorization: Bearer <token>`."
    ),
    urls_namespace="api",
    docs=SchemaOnlyDocs(),
    docs_url=None,
    auth=TokenAuth(),
    throttle=[TokenRateThrottle(f"{REQUESTS_PER_MINUTE}/m")],
)
api.add_router("/", cases.router)
api.add_router("/", stays.router)
api.add_router("/", referrals.router)
api.add_router("/", reports.router)


@api.exception_handler(ApplicationError)
def refused(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    """A refusal a person can act on: 400 with the message in the request's language."""
    return api.create_response(request, {"detail": str(error)}, status=400)


class TokenInfo(Schema):
    organisation: str
    role: str
    scopes: list[str]
    expires_at: datetime
    token_id: uuid.UUID


@api.get("/me", response=answers(TokenInfo), tags=["tokens"])
@operation(None)
def me(request: ApiRequest) -> dict[str, Any]:
    """Who the token acts as, what it may do and until when."""
    token = request.auth
    return {
        "organisation": token.membership.organisation.slug,
        "role": token.membership.role,
        "scopes": token.scopes,
        "expires_at": token.expires_at,
        "token_id": token.pk,
    }
