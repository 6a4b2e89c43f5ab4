"""
What the case views share: the case page's address, how a refused write is shown, and the
form-then-save pattern of the record views (a double submit warns, a refusal shows its reason).
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.accounts.routing import Routes
from haven.accounts.shortcuts import refusal_shown, shown_as_warning
from haven.cases import selectors
from haven.cases.services import DuplicateSubmissionError

#: The URL table of ``haven.cases.urls``, filled by every module of this package: each view's
#: address stands above it (``haven.accounts.routing``).
routes = Routes()


def _case_url(case_id: Any) -> str:
    return reverse("cases:detail", kwargs={"case_id": case_id})


def _record_view(
    request: HavenRequest, case_id: uuid.UUID, *, form_class: Any, title: str, save: Any
) -> HttpResponse:
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    form = form_class(request.POST or None, initial={"submission_token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data.pop("submission_token")
        done = _saved_then_case(
            request, case.pk, lambda: save(membership, case, form, token), _("Saved.")
        )
        if done is not None:
            return done
    return render(request, "cases/record_form.html", {"case": case, "form": form, "title": title})


def _saved_then_case(
    request: HavenRequest, case_id: Any, save: Callable[[], object], success: str
) -> HttpResponse | None:
    """
    Run ``save``; back to the case page when it saved (or was a double submit), or ``None``
    when it was refused, with the reason shown, so the view renders its form again.
    """
    with refusal_shown(request):
        with shown_as_warning(request, DuplicateSubmissionError):
            save()
            messages.success(request, success)
        return redirect(_case_url(case_id))
    return None
