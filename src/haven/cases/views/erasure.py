"""
Erasure of a case: requested, then approved or declined by a second coordinator.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import requires, requires_recent_second_factor
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.accounts.shortcuts import RecordActions, refusal_shown
from haven.cases import forms, selectors, services
from haven.cases.views.common import routes
from haven.organisations.policy import Permission


def _erasure_url(erasure_id: Any) -> str:
    return reverse("cases:erasure", kwargs={"erasure_id": erasure_id})


@routes.path("<uuid:case_id>/erasure/", name="erasure_request")
@requires(Permission.CASE_ERASE)
def erasure_request(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """Ask for the case to be erased (POST), after reading what that means and its past requests."""
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    form = forms.ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request):
            erasure = services.case_erasure_request(
                membership=membership, case=case, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Erasure requested. A second coordinator must approve it."))
            return redirect(_erasure_url(erasure.pk))
    return render(
        request,
        "cases/erasure_request.html",
        {
            "case": case,
            "form": form,
            "erasures": selectors.case_erasures(membership=membership, case=case),
        },
    )


@routes.path("erasures/<uuid:erasure_id>/", name="erasure")
@requires(Permission.CASE_ERASE)
def erasure_detail(request: HavenRequest, erasure_id: uuid.UUID) -> HttpResponse:
    """One request: who asked, why, until when, and the decision (approve or decline)."""
    membership = _member(request)
    erasure = selectors.erasure_get(membership=membership, erasure_id=erasure_id)
    return render(
        request,
        "cases/erasure_detail.html",
        {
            "erasure": erasure,
            "is_requester": erasure.requested_by_id == membership.user_id,
            "expired": erasure.expires_at <= timezone.now(),
        },
    )


#: Approve or decline alike: the request the member may see, the decision (a refusal, such as a
#: request no longer pending, shown as its reason), then back to the request's page.
_on_erasure = RecordActions(
    load=lambda member, pk: selectors.erasure_get(membership=member, erasure_id=pk),
    keyword="erasure",
    back=lambda erasure: redirect(_erasure_url(erasure.pk)),
)


@routes.path("erasures/<uuid:erasure_id>/approve/", name="erasure_approve")
@requires(Permission.CASE_ERASE)
@requires_recent_second_factor(return_to="cases:erasure")
@require_POST
def erasure_approve(request: HavenRequest, erasure_id: uuid.UUID) -> HttpResponse:
    """A second coordinator approves: the case's keys are destroyed at once (SESS-04 step-up)."""
    done = _("The case is erased: its keys are destroyed.")
    return _on_erasure.act(request, erasure_id, services.case_erasure_approve, done)


@routes.path("erasures/<uuid:erasure_id>/decline/", name="erasure_decline")
@requires(Permission.CASE_ERASE)
@require_POST
def erasure_decline(request: HavenRequest, erasure_id: uuid.UUID) -> HttpResponse:
    """Decline (or, for the requester, withdraw) the request: the case is kept."""
    done = _("Erasure declined. The case is kept.")
    return _on_erasure.act(request, erasure_id, services.case_erasure_decline, done)
