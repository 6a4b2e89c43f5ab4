"""
Intake: a new defender and case from one form.
"""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from haven.accounts.access import requires
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.cases import forms, selectors, services
from haven.cases.errors import CaseError
from haven.cases.services import DuplicateSubmissionError
from haven.cases.views.common import _case_url, routes
from haven.organisations.policy import Permission
from haven.vault.errors import SearchRateLimitedError


@routes.path("new/", name="intake")
@requires(Permission.CASE_OPEN)
@sensitive_post_parameters()
def intake(request: HavenRequest) -> HttpResponse:
    """
    The staff intake form: a new defender and their case, assigned to whoever takes it in.

    Before opening it checks for an existing case of the same person (name, phone, e-mail or
    document). On a possible duplicate the form comes back with a warning: the cases the member
    may see are linked, the others only said to exist ("ask a coordinator"); the member opens the
    case anyway by ticking ``open_despite_duplicates``, or goes to the existing case.
    """
    membership = _member(request)
    form = forms.IntakeForm(request.POST or None, initial={"submission_token": uuid.uuid4()})
    duplicates: services.PossibleDuplicates | None = None
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["open_despite_duplicates"]:
            try:
                duplicates = services.intake_duplicates(
                    membership=membership,
                    identity=form.identity(),
                    submission_token=form.cleaned_data["submission_token"],
                )
            except SearchRateLimitedError:
                messages.warning(
                    request,
                    _(
                        "The check for an existing case of the same person could not run: you "
                        "reached the hourly search limit. Ask a coordinator to check for a "
                        "duplicate."
                    ),
                )
        if duplicates:
            return render(request, "cases/intake.html", {"form": form, "duplicates": duplicates})
        consent = form.cleaned_data["consent_to_processing"]
        try:
            case = services.case_intake(
                membership=membership,
                identity=form.identity(),
                facts=form.facts(),
                urgency=form.cleaned_data["urgency"],
                consent_scope=(form.cleaned_data["consent_scope"] or _("processing for protection"))
                if consent
                else None,
                submission_token=form.cleaned_data["submission_token"],
            )
        except DuplicateSubmissionError as duplicate:
            messages.warning(request, str(duplicate))
            if (
                duplicate.case_id
                and selectors.visible_cases(membership=membership)
                .filter(pk=duplicate.case_id)
                .exists()
            ):
                return redirect(_case_url(duplicate.case_id))
            return redirect("cases:list")
        except CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Case %(code)s opened. You are assigned to it.") % {"code": case.code}
            )
            return redirect(_case_url(case.pk))
    return render(request, "cases/intake.html", {"form": form, "duplicates": duplicates})
