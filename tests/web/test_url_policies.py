"""
Every URL declares who may reach it, and the declaration holds (AZ-01, AZ-02, AUTH-03).

The routes come from the resolver, so URLs added by other apps are covered without editing this
file; only new ``<uuid:...>`` parameters need an object factory in ``url_walk.py``.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from haven.accounts.access import AccessKind, policy_of
from tests.conftest import sign_in_password_only
from tests.web.url_walk import all_routes

ROUTES = all_routes()


def _kind(route):
    policy = policy_of(route.pattern.callback)
    return policy.kind if policy else None


# The JSON API authenticates by token, not session: it has its own walk below.
SESSION_ROUTES = [r for r in ROUTES if _kind(r) != AccessKind.API_TOKEN]
PROTECTED = [r for r in SESSION_ROUTES if _kind(r) != AccessKind.PUBLIC]
SIGNED_IN = [r for r in SESSION_ROUTES if _kind(r) in {AccessKind.SIGNED_IN, AccessKind.PERMISSION}]
WITH_OBJECTS = [r for r in SESSION_ROUTES if r.uuid_parameters]
# The schema is public (it holds no data); the root only anchors django-ninja's reversing and 404s.
API_OPERATIONS = [
    r
    for r in ROUTES
    if _kind(r) == AccessKind.API_TOKEN and r.name not in {"api:openapi-json", "api:api-root"}
]
API_WITH_OBJECTS = [r for r in API_OPERATIONS if r.uuid_parameters]


def test_the_walk_finds_the_known_routes():
    """The walk sees nested namespaces, so it would see a new app's URLs too."""
    names = {r.name for r in ROUTES}

    assert {"web:dashboard", "accounts:login", "members:detail", "audit:events"} <= names


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_view_declares_an_access_policy(route):
    """A view with no declared policy fails the suite (AZ-01: deny by default)."""
    assert policy_of(route.pattern.callback) is not None, (
        f"{route.name} has no access policy: decorate it with @public, @sign_in_step, "
        "@signed_in or @requires(Permission.X) from haven.accounts.access"
    )


@pytest.mark.parametrize("route", PROTECTED, ids=str)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(route, method, client, organisation, coordinator):
    """Without an account every protected URL redirects to the sign-in page (AZ-01)."""
    url = route.url(organisation, coordinator)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("route", SIGNED_IN, ids=str)
def test_a_password_alone_reaches_only_the_second_factor(route, client, organisation, coordinator):
    """A session with the password but no second factor is sent to the code page (AUTH-03)."""
    url = route.url(organisation, coordinator)
    sign_in_password_only(client, coordinator)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:second_factor")


@pytest.mark.parametrize("route", WITH_OBJECTS, ids=str)
def test_another_organisations_member_gets_404(
    route, organisation, coordinator, outsider, sign_in_as
):
    """
    A coordinator of North Star gets 404 for every object of Harbour Light (AZ-02).

    A view that only accepts POST answers GET with 405 whatever the id, which reveals nothing.
    """
    url = route.url(organisation, coordinator)
    client = sign_in_as(outsider)

    posted = client.post(url)
    fetched = client.get(url)

    assert posted.status_code == 404
    assert fetched.status_code in {404, 405}


@pytest.mark.parametrize("route", WITH_OBJECTS, ids=str)
def test_the_organisations_coordinator_reaches_the_same_objects(
    route, organisation, coordinator, sign_in_as
):
    """The 404 above is about the organisation: the owner's coordinator is not refused."""
    url = route.url(organisation, coordinator)
    client = sign_in_as(coordinator)

    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)

    assert response.status_code in {200, 302}


def _all_scopes_token(user, organisation):
    from haven.api.tokens import scopes_for, token_create
    from haven.organisations.models import Membership

    membership = Membership.objects.get(user=user, organisation=organisation)
    _token, secret = token_create(
        membership=membership,
        name="walk",
        scopes=[scope.value for scope in scopes_for(membership)],
        lifetime_days=7,
    )
    return secret


def test_the_walk_finds_the_api():
    assert {
        "api:me",
        "api:case_list",
        "api:case_detail",
        "api:stay_list",
        "api:stay_detail",
        "api:stay_check_ins",
        "api:referral_list",
        "api:referral_detail",
        "api:report_list",
        "api:report_table",
    } <= {r.name for r in API_OPERATIONS}


@pytest.mark.parametrize("route", API_OPERATIONS, ids=str)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_api_operation_refuses_a_call_without_a_token(
    route, method, client, organisation, coordinator
):
    """No token, no answer: 401 (or 405 for a method the operation does not have)."""
    url = route.url(organisation, coordinator)

    response = getattr(client, method)(url)

    assert response.status_code in {401, 405}


# A well-formed body for each writing operation, so the walk reaches the access check (a malformed
# body is refused with 422 before any object is looked up, which reveals nothing either).
# Keyed by the last part of the path: one path serves both a read and a write.
API_BODIES = {
    "threats": {"details": {"date": "2026-06-01", "kind": "smear_campaign"}},
    "assessments": {"staff_risk_level": "high"},
}


@pytest.mark.parametrize("route", API_WITH_OBJECTS, ids=str)
def test_another_organisations_token_gets_404(route, organisation, coordinator, outsider):
    """A North Star coordinator's token with every scope gets 404 for Harbour Light's objects."""
    from django.test import Client

    url = route.url(organisation, coordinator)
    client = Client(
        headers={
            "Authorization": f"Bearer {_all_scopes_token(outsider, outsider.memberships.get().organisation)}"
        }
    )

    fetched = client.get(url)
    body = API_BODIES.get(url.rstrip("/").rsplit("/", 1)[-1], {})
    posted = client.post(url, data=body, content_type="application/json")

    assert fetched.status_code in {404, 405}
    assert posted.status_code in {404, 405}
    assert 404 in {fetched.status_code, posted.status_code}


@pytest.mark.parametrize("route", API_WITH_OBJECTS, ids=str)
def test_the_owners_token_reaches_the_same_objects(route, organisation, coordinator):
    from django.test import Client

    url = route.url(organisation, coordinator)
    client = Client(
        headers={"Authorization": f"Bearer {_all_scopes_token(coordinator, organisation)}"}
    )

    response = client.get(url)

    assert response.status_code in {200, 405}
