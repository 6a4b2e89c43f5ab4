"""
Records on a case: threats, prosecutions, dependants, notes, fact sections and corrections.
"""

import uuid
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.accounts.access import requires
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.accounts.shortcuts import refusal_shown
from haven.cases import forms, selectors, services
from haven.cases.models import Case, Dependant, Prosecution
from haven.cases.services.records import DetailsRow
from haven.cases.views.common import (
    RecordSave,
    _case_form_page,
    _case_url,
    _record_view,
    _saves_fields,
    routes,
)
from haven.organisations.models import Membership
from haven.organisations.policy import Permission


@routes.path("<uuid:case_id>/threats/new/", name="threat_add")
@requires(Permission.CASE_EDIT)
def threat_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """Log a threat or incident: the case-facts fields and an encrypted narrative."""

    def save(membership: Membership, case: Case, data: dict[str, Any], token: uuid.UUID) -> None:
        narrative = data.pop("narrative", "")
        services.threat_record(
            membership=membership,
            case=case,
            details=forms.object_from_cleaned(data),
            narrative=narrative,
            submission_token=token,
        )

    return _record_view(
        request,
        case_id,
        form_class=forms.ThreatForm,
        title=_("Log a threat or incident"),
        save=save,
    )


def _saves_details(model: type[DetailsRow]) -> RecordSave:
    """The save step of a record whose form holds case-facts fields only: a ``model`` row."""

    def save(membership: Membership, case: Case, data: dict[str, Any], token: uuid.UUID) -> None:
        details = forms.object_from_cleaned(data)
        services.details_record(
            membership=membership, case=case, model=model, details=details, submission_token=token
        )

    return save


#: The records whose form holds case-facts fields only, by the kind their address names: the
#: form, the save that keeps one on the case, and the page's title.
DETAILS_RECORDS: dict[str, tuple[type[django_forms.Form], RecordSave, Promise]] = {
    "prosecution": (
        forms.ProsecutionForm,
        _saves_details(Prosecution),
        gettext_lazy("Record a prosecution"),
    ),
    "dependant": (
        forms.DependantForm,
        _saves_details(Dependant),
        gettext_lazy("Record a dependant"),
    ),
}


@routes.path(
    "<uuid:case_id>/prosecutions/new/", name="prosecution_add", kwargs={"kind": "prosecution"}
)
@routes.path("<uuid:case_id>/dependants/new/", name="dependant_add", kwargs={"kind": "dependant"})
@requires(Permission.CASE_EDIT)
def details_record_add(request: HavenRequest, case_id: uuid.UUID, kind: str) -> HttpResponse:
    """Record a prosecution or a dependant: the same page, form of case facts and save for both."""
    form_class, save, title = DETAILS_RECORDS[kind]
    return _record_view(request, case_id, form_class=form_class, title=str(title), save=save)


@routes.path("records/<str:kind>/<uuid:record_id>/correct/", name="record_correct")
@requires(Permission.CASE_EDIT)
def record_correct(request: HavenRequest, kind: str, record_id: uuid.UUID) -> HttpResponse:
    """
    Correct a threat, prosecution, dependant or consent: the form starts from what the record
    says, asks why, and the correction keeps what it said before (shown below the form).
    """
    membership = _member(request)
    record = selectors.correctable_record_get(membership=membership, kind=kind, record_id=record_id)
    case = record.case
    form_class = forms.correction_form_class(kind)
    initial = forms.correction_initial(kind, record)
    form = form_class(request.POST or None, initial={**initial, "submission_token": uuid.uuid4()})

    def save(data: dict[str, Any]) -> None:
        services.record_correct(
            membership=membership,
            case=case,
            kind=kind,
            record_id=record.pk,
            reason=data.pop("correction_reason"),
            narrative=data.pop("narrative", None),
            submission_token=data.pop("submission_token"),
            details=forms.correction_details(kind, data),
        )

    return _case_form_page(
        request,
        form,
        case_id=case.pk,
        save=save,
        success=_("Correction saved. What the record said before is kept."),
        template="cases/record_correct.html",
        page_context=lambda: {
            "case": case,
            "kind": kind,
            "record": record,
            "title": forms.CORRECTION_TITLES[kind],
            "corrections": selectors.record_corrections(
                membership=membership, case=case, kind=kind, record_id=record.pk
            ),
        },
    )


@routes.path("<uuid:case_id>/notes/new/", name="note_add")
@requires(Permission.CASE_EDIT)
def note_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """
    Add a note on its own page, like every other record: the case page links here rather than
    rendering a form on every view of the case (issue 17).
    """

    return _record_view(
        request,
        case_id,
        form_class=forms.NoteForm,
        title=_("Add a note"),
        save=_saves_fields(services.note_add),
    )


@routes.path("<uuid:case_id>/facts/<str:section>/", name="facts_section")
@requires(Permission.CASE_EDIT)
def facts_section(request: HavenRequest, case_id: uuid.UUID, section: str) -> HttpResponse:
    """Edit one section of the case's own facts; the whole document is checked before saving."""
    if section not in forms.FACTS_SECTIONS:
        raise Http404
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    form_class = forms.facts_section_form_class(section)
    stored = case.facts or {}
    current = (
        {key: stored.get(key) for key in ("vulnerabilities", "capacities")}
        if section == "exposure"
        else stored.get(section)
    )
    form = form_class(request.POST or None, initial=forms.initial_from_object(current))
    if request.method == "POST" and form.is_valid():
        values = (
            dict(form.cleaned_data)
            if section == "exposure"
            else forms.object_from_cleaned(form.cleaned_data)
        )
        with refusal_shown(request):
            services.facts_section_update(
                membership=membership, case=case, section=section, values=values
            )
            messages.success(request, _("Saved."))
            return redirect(_case_url(case.pk))
    return render(
        request,
        "cases/record_form.html",
        {"case": case, "form": form, "title": forms.FACTS_SECTIONS[section]},
    )
