"""
Consents: recorded on a case and withdrawn.
"""

import uuid

from django.http import HttpResponse
from django.utils.translation import gettext as _

from haven.accounts.access import requires
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.cases import forms, selectors, services
from haven.cases.views.common import _case_form_page, _record_view, _saves_fields, routes
from haven.organisations.policy import Permission


@routes.path("<uuid:case_id>/consents/new/", name="consent_add")
@requires(Permission.CASE_EDIT)
def consent_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    save = _saves_fields(services.consent_record)
    title = _("Record consent")
    return _record_view(request, case_id, form_class=forms.ConsentForm, title=title, save=save)


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
    return _case_form_page(
        request,
        form,
        case_id=consent.case_id,
        save=lambda data: services.consent_withdraw(
            membership=membership,
            consent=consent,
            reason=data["reason"],
            method=data["method"],
            language=data["language"],
            submission_token=data["submission_token"],
        ),
        success=_("Consent marked as withdrawn."),
        template="cases/consent_withdraw.html",
        page_context=lambda: {"case": consent.case, "consent": consent},
    )
