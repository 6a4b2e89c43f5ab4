"""
Consents: recorded on a case and withdrawn.
"""

import uuid
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from haven.accounts.access import requires
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.cases import forms, selectors, services
from haven.cases.models import Case
from haven.cases.views.common import (
    _record_view,
    _saved_then_case,
    routes,
)
from haven.organisations.models import Membership
from haven.organisations.policy import Permission


@routes.path("<uuid:case_id>/consents/new/", name="consent_add")
@requires(Permission.CASE_EDIT)
def consent_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    def save(membership: Membership, case: Case, form: Any, token: uuid.UUID) -> None:
        services.consent_record(
            membership=membership, case=case, submission_token=token, **form.cleaned_data
        )

    return _record_view(
        request, case_id, form_class=forms.ConsentForm, title=_("Record consent"), save=save
    )


@routes.path("consents/<uuid:consent_id>/withdraw/", name="consent_withdraw")
@requires(Permission.CASE_EDIT)
def consent_withdraw(request: HavenRequest, consent_id: uuid.UUID) -> HttpResponse:
    """
    Record that the defender withdrew a consent: asks for a confirmation, the reason, how they
    said it and in which language. The consent stays on record, marked withdrawn.
    """
    membership = _member(request)
    consent = selectors.consent_get(membership=membership, consent_id=consent_id)
    form = forms.ConsentWithdrawalForm(
        request.POST or None, initial={"submission_token": uuid.uuid4()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _saved_then_case(
            request,
            consent.case_id,
            lambda: services.consent_withdraw(
                membership=membership,
                consent=consent,
                reason=data["reason"],
                method=data["method"],
                language=data["language"],
                submission_token=data["submission_token"],
            ),
            _("Consent marked as withdrawn."),
        )
        if done is not None:
            return done
    return render(
        request,
        "cases/consent_withdraw.html",
        {"case": consent.case, "consent": consent, "form": form},
    )
