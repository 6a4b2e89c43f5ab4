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
from haven.cases.models import Case
from haven.cases.services import DuplicateSubmissionError
from haven.organisations.models import Membership

#: The URL table of ``haven.cases.urls``, filled by every module of this package: each view's
#: address stands above it (``haven.accounts.routing``).
routes = Routes()


def _case_url(case_id: Any) -> str:
    return reverse("cases:detail", kwargs={"case_id": case_id})


#: The save step of a record page: ``save(membership, case, data, token)``, where ``data`` is the
#: form's cleaned data without its one-time ``submission_token``.
RecordSave = Callable[[Membership, Case, dict[str, Any], uuid.UUID], object]


def _record_view(
    request: HavenRequest, case_id: uuid.UUID, *, form_class: Any, title: str, save: RecordSave
) -> HttpResponse:
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)

    def save_record(data: dict[str, Any]) -> None:
        token = data.pop("submission_token")
        save(membership, case, data, token)

    return _case_form_page(
        request,
        form_class(request.POST or None, initial={"submission_token": uuid.uuid4()}),
        case_id=case.pk,
        save=save_record,
        success=_("Saved."),
        template="cases/record_form.html",
        page_context=lambda: {"case": case, "title": title},
    )


def _saves_fields(service: Callable[..., object]) -> RecordSave:
    """The save step of a record whose form fields are the service's own keyword arguments."""

    def save(membership: Membership, case: Case, data: dict[str, Any], token: uuid.UUID) -> None:
        service(membership=membership, case=case, submission_token=token, **data)

    return save


def _case_form_page(
    request: HavenRequest,
    form: Any,
    *,
    case_id: Any,
    save: Callable[[dict[str, Any]], object],
    success: str,
    template: str,
    page_context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """
    A page of one form whose record is kept on a case. A valid POST is saved by ``save`` (given a
    copy of the cleaned data), then the case page (``_saved_then_case``); a GET, bad input or a
    refusal shows ``template`` with the form and ``page_context()``, read only when it is shown.
    """
    if request.method == "POST" and form.is_valid():
        done = _saved_then_case(request, case_id, lambda: save(dict(form.cleaned_data)), success)
        if done is not None:
            return done
    return render(request, template, {**page_context(), "form": form})


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
