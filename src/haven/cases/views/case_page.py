"""
The case page, revealing the identity, settings, status moves and assignment.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from haven.accounts.access import requires, requires_recent_second_factor
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.cases import forms, selectors, services
from haven.cases.errors import CaseError
from haven.cases.models import Case, CaseStatus
from haven.cases.panels import panels_for
from haven.cases.views.common import (
    _case_url,
    _refused,
)
from haven.domain.lifecycle import CASE_MACHINE, REQUIREMENT_DESCRIPTIONS, Requirement
from haven.domain.lifecycle import CaseStatus as Lifecycle
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may


def _requirements_to_confirm(
    case: Case, membership: Membership, records: Any = None
) -> tuple[list[Any], list[tuple[str, str]]]:
    """Return the next moves with what blocks them, and the requirements a member may attest."""
    derived = services.derived_requirements(case, records=records)
    options = CASE_MACHINE.options(Lifecycle(case.status), role=membership.role, satisfied=derived)
    attestable: dict[str, str] = {}
    for option in options:
        if option.target == Lifecycle.ERASED:
            continue  # erasure has its own screen (request, second coordinator), never a tick-box
        for requirement in option.transition.requirements:
            if requirement.value not in services.derived_requirement_names():
                attestable[requirement.value] = REQUIREMENT_DESCRIPTIONS[Requirement(requirement)]
    moves = [option for option in options if option.target != Lifecycle.ERASED]
    return moves, sorted(attestable.items())


@requires(Permission.CASE_VIEW)
def case_detail(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case page: status and moves, facts by section, records, assessments and the timeline."""
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    records = selectors.case_records(membership=membership, case=case)
    moves, attestable = _requirements_to_confirm(case, membership, records)
    by_break_glass = selectors.sees_by_break_glass(
        membership=membership, case=case, assignments=records.assignments
    )
    services.case_viewed(membership=membership, case=case, by_break_glass=by_break_glass)
    assigned = {assignment.membership_id for assignment in records.assignments}
    context = {
        "case": case,
        "facts": records.facts(case),
        "records": records,
        "timeline": records.timeline(),
        "assessments": sorted(records.assessments, key=lambda a: a.recorded_at, reverse=True),
        "assignments": records.assignments,
        "assignable": [
            member
            for member in selectors.case_assignable_members(case)
            if member.pk not in assigned
        ]
        if may(membership, Permission.CASE_ASSIGN)
        else [],
        "by_break_glass": by_break_glass,
        "moves": moves,
        "transition_form": forms.TransitionForm(
            requirements=attestable, targets=[option.target.value for option in moves]
        ),
        "settings_form": forms.CaseSettingsForm(
            initial={"urgency": case.urgency, "next_due_on": case.next_due_on}
        ),
        "note_form": forms.NoteForm(initial={"submission_token": uuid.uuid4()}),
        "attachment_form": forms.AttachmentForm(),
        "sections": forms.FACTS_SECTIONS,
        "editable": case.status != CaseStatus.ERASED,
        "panels": panels_for("case", membership=membership, case=case),
    }
    return render(request, "cases/case_detail.html", context)


@requires(Permission.CASE_REVEAL_IDENTITY)
@requires_recent_second_factor
@sensitive_post_parameters()
def identity_reveal(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """
    Show the defender's identity after a reason is given (AZ-04, AUD-01). The identity is in this
    POST's response only: nothing stays revealed and no URL carries it.
    """
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    form = forms.ReasonForm(request.POST or None)
    defender = None
    if request.method == "POST" and form.is_valid():
        try:
            defender = services.identity_reveal(
                membership=membership, case=case, reason=form.cleaned_data["reason"]
            )
        except CaseError as error:
            _refused(request, error)
    return render(request, "cases/reveal.html", {"case": case, "form": form, "defender": defender})


@requires(Permission.CASE_EDIT)
@require_POST
def case_settings(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    form = forms.CaseSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.case_settings_update(
                membership=membership,
                case=case,
                urgency=form.cleaned_data["urgency"],
                next_due_on=form.cleaned_data["next_due_on"],
            )
            messages.success(request, _("Urgency and due date saved."))
        except CaseError as error:
            _refused(request, error)
    else:
        messages.error(request, _("Choose an urgency and a valid date. Nothing was changed."))
    return redirect(_case_url(case.pk))


@requires(Permission.CASE_EDIT)
@require_POST
def case_transition(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """Move the case through the lifecycle; the machine's reasons are shown when it refuses."""
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    _moves, attestable = _requirements_to_confirm(case, membership)
    form = forms.TransitionForm(request.POST, requirements=attestable)
    if form.is_valid():
        try:
            services.case_transition(
                membership=membership,
                case=case,
                target=form.cleaned_data["target"],
                confirmed=form.cleaned_data["confirmed"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, _("Status changed to %(status)s.") % {"status": case.get_status_display()}
            )
        except CaseError as error:
            _refused(request, error)
    else:
        messages.error(request, _("Choose where the case should move. Nothing was changed."))
    return redirect(_case_url(case.pk))


def _chosen_member(request: HavenRequest, case: Case) -> Membership | None:
    """The member of the case's organisation named by the assignment form, if any."""
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        return None
    member: Membership | None = (
        selectors.case_assignable_members(case).filter(pk=form.cleaned_data["membership"]).first()
    )
    return member


@requires(Permission.CASE_ASSIGN)
@require_POST
def case_assign(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    target = _chosen_member(request, case)
    if target is None:
        messages.error(request, _("Choose a member of this organisation. Nothing was changed."))
    else:
        try:
            services.case_assign(membership=membership, case=case, assignee=target)
            messages.success(request, _("%(name)s is assigned.") % {"name": target.user.username})
        except CaseError as error:
            _refused(request, error)
    return redirect(_case_url(case.pk))


@requires(Permission.CASE_ASSIGN)
@require_POST
def case_unassign(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    target = _chosen_member(request, case)
    if target is None:
        messages.error(request, _("Choose a member of this organisation. Nothing was changed."))
    else:
        services.case_unassign(membership=membership, case=case, assignee=target)
        messages.success(
            request, _("%(name)s is no longer assigned.") % {"name": target.user.username}
        )
    return redirect(_case_url(case.pk))
