"""The pages where a member makes, sees and revokes their own API tokens."""

import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from haven.accounts.access import requires_recent_second_factor, signed_in
from haven.accounts.requests import HavenRequest
from haven.accounts.routing import Routes
from haven.api import tokens
from haven.api.forms import TokenForm
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership

#: The URL table of ``haven.api.token_urls``: each view's address stands above it.
routes = Routes()


def _membership(request: HavenRequest) -> Membership:
    """The member whose tokens these are: an account signed in without a membership has none."""
    if request.membership is None:
        raise Http404
    return request.membership


def _page(request: HavenRequest, form: TokenForm, status: int = 200) -> HttpResponse:
    membership = _membership(request)
    return render(
        request,
        "api/tokens.html",
        {"tokens": tokens.tokens_of(membership=membership), "form": form},
        status=status,
    )


@routes.path("", name="list")
@signed_in
def token_list(request: HavenRequest) -> HttpResponse:
    """The member's tokens, and a form for a new one."""
    membership = _membership(request)
    return _page(request, TokenForm(scopes=tokens.scopes_for(membership)))


@routes.path("new/", name="create")
@signed_in
@requires_recent_second_factor(return_to="tokens:list")
@require_POST
def token_create(request: HavenRequest) -> HttpResponse:
    """Make a token and show its secret once; a wrong form comes back with what to fix."""
    membership = _membership(request)
    form = TokenForm(request.POST, scopes=tokens.scopes_for(membership))
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        token, secret = tokens.token_create(
            membership=membership,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            lifetime_days=form.cleaned_data["lifetime_days"],
        )
    except ApplicationError as error:
        form.add_error(None, str(error))
        return _page(request, form, status=400)
    return render(request, "api/token_created.html", {"token": token, "secret": secret})


@routes.path("<uuid:token_id>/revoke/", name="revoke")
@signed_in
@require_POST
def token_revoke(request: HavenRequest, token_id: uuid.UUID) -> HttpResponse:
    """Revoke one of the member's own tokens at once."""
    tokens.token_revoke(membership=_membership(request), token_id=token_id)
    return redirect("tokens:list")
