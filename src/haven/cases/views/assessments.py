"""
Assessments: run, shown and decided.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import requires
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.accounts.shortcuts import refusal_shown, shown_as_warning
from haven.cases import engine_messages, forms, selectors, services
from haven.cases.services import DuplicateSubmissionError
from haven.cases.views.case_page import shown_assessments
from haven.cases.views.common import _case_url, routes
from haven.domain.protection import ELEMENT_QUESTIONS
from haven.organisations.policy import Permission


@routes.path("<uuid:case_id>/assessments/new/", name="assessment_new")
@requires(Permission.CASE_EDIT)
def assessment_new(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """Run the engines on the case's records and record the result with the staff's decision."""
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    own = (case.facts or {}).get("defender", {}).get("own_risk_level", "")
    form = forms.AssessmentForm(
        request.POST or None, initial={"submission_token": uuid.uuid4(), "defender_risk_level": own}
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request):
            try:
                assessment = services.assessment_run(
                    membership=membership,
                    case=case,
                    defender_risk_level=form.cleaned_data["defender_risk_level"] or None,
                    submission_token=form.cleaned_data["submission_token"],
                )
            except DuplicateSubmissionError as duplicate:
                messages.warning(request, str(duplicate))
                return redirect(_case_url(case.pk))
            return redirect("cases:assessment", assessment_id=assessment.pk)
    return render(request, "cases/assessment_new.html", {"case": case, "form": form})


_ELEMENT_ORDER = {name: index for index, name in enumerate(ELEMENT_QUESTIONS)}


def _assessment_page(
    request: HavenRequest, assessment: Any, decision_form: forms.AssessmentDecisionForm
) -> HttpResponse:
    membership = _member(request)
    output = assessment.output or {}
    # Reasons stored with their message keys read in the reader's language; an assessment stored
    # before reasons were keyed shows its English as written, marked as English.
    keyed = bool(assessment.output_messages)
    if keyed:
        output = engine_messages.localise(output, assessment.output_messages)
    elements = output.get("protection", {}).get("elements", {})
    history = selectors.case_assessments(membership=membership, case=assessment.case)
    shown_assessments(history)
    decisions = selectors.assessment_decisions(membership=membership, assessment=assessment)
    return render(
        request,
        "cases/assessment_detail.html",
        {
            "case": assessment.case,
            "assessment": assessment,
            "output": output,
            "rlang": translation.get_language() if keyed else "en",
            "rdir": "rtl" if keyed and translation.get_language_bidi() else "ltr",
            # Stored JSON may have sorted its keys: show the elements in the order the law asks them.
            "elements": sorted(elements.items(), key=lambda item: _ELEMENT_ORDER.get(item[0], 99)),
            "history": history,
            "decisions": decisions,
            "is_latest": bool(history) and history[0].pk == assessment.pk,
            "decision_form": decision_form,
        },
    )


@routes.path("assessments/<uuid:assessment_id>/", name="assessment")
@requires(Permission.CASE_VIEW)
def assessment_detail(request: HavenRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """Risk and its drivers, the two-regime map, ranked pathways, tension, protection findings,
    and the staff decision on them (recorded here, after the result is read)."""
    membership = _member(request)
    assessment = selectors.assessment_get(membership=membership, assessment_id=assessment_id)
    form = forms.AssessmentDecisionForm(initial={"submission_token": uuid.uuid4()})
    return _assessment_page(request, assessment, form)


@routes.path("assessments/<uuid:assessment_id>/decision/", name="assessment_decide")
@requires(Permission.CASE_EDIT)
@require_POST
def assessment_decide(request: HavenRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """Record the staff decision on an assessment, beside the engines' advice and version."""
    membership = _member(request)
    assessment = selectors.assessment_get(membership=membership, assessment_id=assessment_id)
    form = forms.AssessmentDecisionForm(request.POST)
    if form.is_valid():
        with refusal_shown(request):
            with shown_as_warning(request, DuplicateSubmissionError):
                services.assessment_decide(
                    membership=membership, assessment=assessment, **form.cleaned_data
                )
                messages.success(
                    request, _("Your decision is recorded beside the engines' advice.")
                )
            return redirect("cases:assessment", assessment_id=assessment.pk)
    return _assessment_page(request, assessment, form)
