"""
The asylum bridge's screens. Thin: a selector fetches what the member may reach (404 otherwise),
a form checks the input, a service writes. One page per case shows the conversations, the legal
opinions beside the engine, the procedure, its effects on the stay and both regimes' outcome;
each record has its own form page. Bad input is shown again with status 400, nothing saved.
"""

import uuid
from dataclasses import fields
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import requires
from haven.accounts.requests import HavenRequest, acting_member
from haven.accounts.routing import Routes
from haven.accounts.shortcuts import page_status, refusal_shown, shown_as_warning
from haven.asylum import forms, selectors, services
from haven.asylum.models import OPINION_FINDINGS, ElementView
from haven.cases.models import Assignment, Case
from haven.cases.selectors import latest_assessment
from haven.cases.services import DuplicateSubmissionError
from haven.cases.vocabulary import term
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, may

#: The URL table of ``haven.asylum.urls``: each view's address stands above it.
routes = Routes()

STAFF_ROLES = (Role.COORDINATOR, Role.CASEWORKER, Role.LEGAL_ADVISER)


def _back(case: Case, anchor: str = "") -> HttpResponse:
    response = redirect("asylum:case", case_id=case.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@routes.path("cases/<uuid:case_id>/", name="case")
@requires(Permission.ASYLUM_VIEW)
def asylum_case(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case's asylum records, all on one page."""
    member = acting_member(request)
    case = selectors.asylum_case_get(membership=member, case_id=case_id)
    services.asylum_records_viewed(membership=member, case=case)
    records = selectors.asylum_records(membership=member, case=case)
    return render(request, "asylum/case.html", {"case": case, "records": records})


def _team(case: Case, member: Membership) -> list[tuple[str, str]]:
    """Who may have explained: the case's assigned staff, the recorder first."""
    assigned = [
        assignment.membership
        for assignment in Assignment.objects.filter(case=case).select_related("membership__user")
        if assignment.membership.role in STAFF_ROLES and assignment.membership.is_active
    ]
    team = [member, *(m for m in assigned if m.pk != member.pk)]
    return [(str(m.pk), f"{m.user.username} ({m.get_role_display()})") for m in team]


@routes.path("cases/<uuid:case_id>/consent/", name="consent")
@requires(Permission.ASYLUM_RECORD)
def consent_record(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record an informed-consent conversation."""
    member = acting_member(request)
    case = selectors.asylum_case_get(membership=member, case_id=case_id)
    team = _team(case, member)
    form = forms.ConsentConversationForm(
        request.POST or None,
        team=team,
        initial={
            "submission_token": uuid.uuid4(),
            "held_on": timezone.localdate(),
            "explained_by": str(member.pk),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        explainer = Membership.objects.select_related("user").get(pk=data["explained_by"])
        with refusal_shown(request, form):
            with shown_as_warning(request, DuplicateSubmissionError):
                services.consent_conversation_record(
                    membership=member,
                    case=case,
                    held_on=data["held_on"],
                    explained=form.explained_notes(),
                    explained_by=explainer,
                    language=data["language"],
                    interpreter=data["interpreter"],
                    decision=data["decision"],
                    wishes=data["wishes"],
                    no_pressure_attested=data["no_pressure"],
                    submission_token=data["submission_token"],
                )
                messages.success(request, _("The conversation is recorded."))
            return _back(case, "consent")
    status = page_status(request)
    return render(request, "asylum/consent_form.html", {"case": case, "form": form}, status=status)


@routes.path("conversations/<uuid:conversation_id>/withdraw/", name="consent_withdraw")
@requires(Permission.ASYLUM_RECORD)
@require_POST
def consent_withdraw(request: HavenRequest, conversation_id: uuid.UUID) -> HttpResponse:
    member = acting_member(request)
    conversation = selectors.conversation_get(membership=member, conversation_id=conversation_id)
    with refusal_shown(request):
        services.consent_conversation_withdraw(membership=member, conversation=conversation)
        messages.success(request, _("The conversation is withdrawn; it stays in the history."))
    return _back(conversation.case, "consent")


def _finding_label(value: str) -> str:
    return OPINION_FINDINGS.label(value) or term(value)


@routes.path("cases/<uuid:case_id>/opinion/", name="opinion")
@requires(Permission.ASYLUM_VIEW)
def opinion_record(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """
    The legal adviser's opinion on the latest assessment, element by element. The rest of the
    case team reaches the page but is told only a legal adviser gives an opinion; the service
    refuses anyone else's POST (404) whatever the page showed.
    """
    member = acting_member(request)
    case = selectors.asylum_case_get(membership=member, case_id=case_id)
    assessment = latest_assessment(membership=member, case=case)
    if not may(member, Permission.ASYLUM_LEGAL_OPINION):
        if request.method == "POST":
            raise Http404
        return render(request, "asylum/opinion_form.html", {"case": case, "legal_only": True})
    engine = services.engine_elements(assessment) if assessment is not None else {}
    protection: dict[str, Any] = (
        (assessment.output or {}).get("protection") or {} if assessment is not None else {}
    )
    elements = [(name, term(name), _finding_label(finding)) for name, finding in engine.items()]
    form = forms.LegalOpinionForm(request.POST or None, elements=elements)
    status = 200
    if request.method == "POST" and assessment is not None:
        if form.is_valid():
            data = form.cleaned_data
            with refusal_shown(request, form):
                services.legal_opinion_record(
                    membership=member,
                    case=case,
                    assessment=assessment,
                    elements={
                        name: services.ElementOpinion(
                            view=data[f"{name}__view"],
                            finding=data[f"{name}__finding"],
                            reasons=data[f"{name}__reasons"],
                            sources=data[f"{name}__sources"],
                        )
                        for name in engine
                    },
                    overall=data["overall"],
                    overall_reasons=data["overall_reasons"],
                )
                messages.success(request, _("The legal opinion is recorded."))
                return _back(case, "legal-opinion")
        status = 400
    return render(
        request,
        "asylum/opinion_form.html",
        {
            "case": case,
            "form": form,
            "assessment": assessment,
            "protection": protection,
            "element_groups": [
                [form[f"{name}__{part}"] for part in ("view", "finding", "reasons", "sources")]
                for name in engine
            ],
            "agree": ElementView.AGREE,
        },
        status=status,
    )


@routes.path("cases/<uuid:case_id>/procedure/", name="procedure")
@requires(Permission.ASYLUM_RECORD)
def procedure_record(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record a step of the asylum procedure, or an effect of the claim on the stay."""
    member = acting_member(request)
    case = selectors.asylum_case_get(membership=member, case_id=case_id)
    step_form = forms.ProcedureStepForm(
        request.POST if request.POST.get("form") == "step" else None,
        initial={"submission_token": uuid.uuid4()},
    )
    effect_form = forms.StayEffectForm(
        request.POST if request.POST.get("form") == "effect" else None
    )
    if step_form.is_bound and step_form.is_valid():
        data = step_form.cleaned_data
        with refusal_shown(request, step_form):
            with shown_as_warning(request, DuplicateSubmissionError):
                services.procedure_step_record(
                    membership=member,
                    case=case,
                    # The form's fields are named after the step's: the dataclass lists them once.
                    step=services.StepInput(
                        **{f.name: data[f.name] for f in fields(services.StepInput)}
                    ),
                    submission_token=data["submission_token"],
                )
                messages.success(request, _("The step is recorded."))
            return _back(case, "procedure")
    elif effect_form.is_bound and effect_form.is_valid():
        with refusal_shown(request, effect_form):
            services.stay_effect_record(membership=member, case=case, **effect_form.cleaned_data)
            messages.success(request, _("The effect on the stay is recorded."))
            return _back(case, "stay-effects")
    return render(
        request,
        "asylum/procedure_form.html",
        {"case": case, "step_form": step_form, "effect_form": effect_form},
        status=page_status(request),
    )
