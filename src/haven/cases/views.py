"""
The cases workspace: thin views over ``selectors`` (reads, need-to-know) and ``services`` (writes).

Every view declares its permission; every case, assessment, file or consent is fetched through a
selector that answers 404 for anything the member may not see (AZ-02, AZ-03). State changes are
POST only. A refused write shows the service's message and changes nothing. Sensitive values
never go into a URL: search and reveal are POSTs whose answers are rendered, not redirected to.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from haven.accounts.access import requires, requires_recent_second_factor
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.cases import engine_messages, forms, listing, selectors, services
from haven.cases.errors import CaseError
from haven.cases.models import Case, CaseStatus
from haven.cases.pagination import cursor_arguments, query_without_cursor
from haven.cases.panels import panels_for
from haven.cases.services import DuplicateSubmissionError
from haven.domain.lifecycle import CASE_MACHINE, REQUIREMENT_DESCRIPTIONS, Requirement
from haven.domain.lifecycle import CaseStatus as Lifecycle
from haven.domain.protection import ELEMENT_QUESTIONS
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.uploads import DEFAULT_MAX_BYTES, RejectionCode, UploadRejected, download_headers
from haven.vault.errors import SearchRateLimitedError


def _case_url(case_id: Any) -> str:
    return reverse("cases:detail", kwargs={"case_id": case_id})


def _refused(request: HavenRequest, error: Exception) -> None:
    messages.error(request, str(error))


# Lists and search ----------------------------------------------------------------------------


@requires(Permission.CASE_VIEW)
def case_list(request: HavenRequest) -> HttpResponse:
    """
    Cases the member may see, filtered on plain columns and sorted by ``?sort=`` (country,
    profile, risk or stage; ``-`` reverses; an unknown column is refused with a message and the
    usual order) (GET); search by a part of a defender's name, a phone, an e-mail or a document
    goes through blind indexes and is a POST (WEB-05).
    """
    membership = _member(request)
    filters = forms.ListFilterForm(request.GET or None)
    search = forms.SearchForm(request.POST or None)
    search_results: list[Case] | None = None
    cleaned: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    if request.method == "POST" and search.is_valid():
        try:
            defenders = services.defender_search(
                membership=membership,
                organisation=membership.organisation,
                field=search.cleaned_data["field"],
                value=search.cleaned_data["value"],
            )
        except (SearchRateLimitedError, CaseError) as error:
            _refused(request, error)
            defenders = []
        search_results = list(
            selectors.with_assignees(
                selectors.visible_cases(membership).filter(defenders__in=defenders).distinct()
            )
        )
    try:
        sort = listing.parse_sort(request.GET.get("sort"))
    except listing.SortError as error:
        _refused(request, error)
        sort = listing.ListSort()
    cases = selectors.case_list(
        membership,
        statuses=cleaned.get("status") or None,
        urgency=cleaned.get("urgency") or None,
        assigned_to_me=bool(cleaned.get("mine")),
        include_closed=bool(cleaned.get("closed")),
    )
    arguments = cursor_arguments(cleaned)
    try:
        page = listing.sorted_case_page(cases, sort, size=selectors.CASES_PER_PAGE, **arguments)
    except listing.SortError as error:
        _refused(request, error)
        sort = listing.ListSort()
        page = listing.sorted_case_page(cases, sort, size=selectors.CASES_PER_PAGE, **arguments)
    unsorted = request.GET.copy()
    unsorted.pop("sort", None)
    context = {
        "filters": filters,
        "search": search,
        "search_results": search_results,
        "page": page,
        "sort": sort,
        "sort_columns": listing.heading_links(sort, query_without_cursor(unsorted)),
        "query": query_without_cursor(request.GET if sort.column else unsorted),
    }
    template = (
        "cases/_case_table.html" if request.headers.get("HX-Request") else "cases/case_list.html"
    )
    return render(request, template, context)


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
                and selectors.visible_cases(membership).filter(pk=duplicate.case_id).exists()
            ):
                return redirect(_case_url(duplicate.case_id))
            return redirect("cases:list")
        except CaseError as error:
            _refused(request, error)
        else:
            messages.success(
                request, _("Case %(code)s opened. You are assigned to it.") % {"code": case.code}
            )
            return redirect(_case_url(case.pk))
    return render(request, "cases/intake.html", {"form": form, "duplicates": duplicates})


@requires(Permission.CASE_BREAK_GLASS)
@sensitive_post_parameters()
def break_glass(request: HavenRequest) -> HttpResponse:
    """Emergency access to a case one is not assigned to: code, reason, audit, coordinators told."""
    form = forms.BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.break_glass_open(
                membership=_member(request),
                code=form.cleaned_data["code"],
                reason=form.cleaned_data["reason"],
            )
        except CaseError as error:
            _refused(request, error)
        else:
            messages.warning(
                request,
                _("Emergency access granted for %(hours)s hours. Your coordinators have been told.")
                % {"hours": services.BREAK_GLASS_HOURS},
            )
            return redirect(_case_url(case.pk))
    return render(request, "cases/break_glass.html", {"form": form})


@requires(Permission.CASE_VIEW)
@require_POST
def notifications_read(request: HavenRequest) -> HttpResponse:
    services.notifications_mark_read(membership=_member(request))
    return redirect("web:dashboard")


# The case page -------------------------------------------------------------------------------


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
    case = selectors.case_get(membership, case_id)
    records = selectors.case_records(membership, case=case)
    moves, attestable = _requirements_to_confirm(case, membership, records)
    by_break_glass = selectors.sees_by_break_glass(
        membership, case, assignments=records.assignments
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
    case = selectors.case_get(membership, case_id)
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
    case = selectors.case_get(membership, case_id)
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
    case = selectors.case_get(membership, case_id)
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
    case = selectors.case_get(membership, case_id)
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
    case = selectors.case_get(membership, case_id)
    target = _chosen_member(request, case)
    if target is None:
        messages.error(request, _("Choose a member of this organisation. Nothing was changed."))
    else:
        services.case_unassign(membership=membership, case=case, assignee=target)
        messages.success(
            request, _("%(name)s is no longer assigned.") % {"name": target.user.username}
        )
    return redirect(_case_url(case.pk))


# Records -------------------------------------------------------------------------------------


def _record_view(
    request: HavenRequest, case_id: uuid.UUID, *, form_class: Any, title: str, save: Any
) -> HttpResponse:
    membership = _member(request)
    case = selectors.case_get(membership, case_id)
    form = form_class(request.POST or None, initial={"submission_token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data.pop("submission_token")
        try:
            save(membership, case, form, token)
        except DuplicateSubmissionError as duplicate:
            messages.warning(request, str(duplicate))
            return redirect(_case_url(case.pk))
        except CaseError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_case_url(case.pk))
    return render(request, "cases/record_form.html", {"case": case, "form": form, "title": title})


@requires(Permission.CASE_EDIT)
def threat_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """Log a threat or incident: the case-facts fields and an encrypted narrative."""

    def save(membership: Membership, case: Case, form: Any, token: uuid.UUID) -> None:
        data = dict(form.cleaned_data)
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


def _saves_details(service: Callable[..., object]) -> Callable[..., None]:
    """The save step of a record whose form holds case-facts fields only."""

    def save(membership: Membership, case: Case, form: Any, token: uuid.UUID) -> None:
        details = forms.object_from_cleaned(form.cleaned_data)
        service(membership=membership, case=case, details=details, submission_token=token)

    return save


@requires(Permission.CASE_EDIT)
def prosecution_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    save = _saves_details(services.prosecution_record)
    title = _("Record a prosecution")
    return _record_view(request, case_id, form_class=forms.ProsecutionForm, title=title, save=save)


@requires(Permission.CASE_EDIT)
def dependant_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    save = _saves_details(services.dependant_record)
    title = _("Record a dependant")
    return _record_view(request, case_id, form_class=forms.DependantForm, title=title, save=save)


@requires(Permission.CASE_EDIT)
def consent_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    def save(membership: Membership, case: Case, form: Any, token: uuid.UUID) -> None:
        services.consent_record(
            membership=membership, case=case, submission_token=token, **form.cleaned_data
        )

    return _record_view(
        request, case_id, form_class=forms.ConsentForm, title=_("Record consent"), save=save
    )


def _saved_then_case(
    request: HavenRequest, case_id: Any, save: Callable[[], object], success: str
) -> HttpResponse | None:
    """
    Run ``save``; back to the case page when it saved (or was a double submit), or ``None``
    when it was refused, with the reason shown, so the view renders its form again.
    """
    try:
        save()
    except DuplicateSubmissionError as duplicate:
        messages.warning(request, str(duplicate))
    except CaseError as error:
        _refused(request, error)
        return None
    else:
        messages.success(request, success)
    return redirect(_case_url(case_id))


@requires(Permission.CASE_EDIT)
def consent_withdraw(request: HavenRequest, consent_id: uuid.UUID) -> HttpResponse:
    """
    Record that the defender withdrew a consent: asks for a confirmation, the reason, how they
    said it and in which language. The consent stays on record, marked withdrawn.
    """
    membership = _member(request)
    consent = selectors.consent_get(membership, consent_id=consent_id)
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


@requires(Permission.CASE_EDIT)
def record_correct(request: HavenRequest, kind: str, record_id: uuid.UUID) -> HttpResponse:
    """
    Correct a threat, prosecution, dependant or consent: the form starts from what the record
    says, asks why, and the correction keeps what it said before (shown below the form).
    """
    membership = _member(request)
    record = selectors.correctable_record_get(membership, kind=kind, record_id=record_id)
    case = record.case
    form_class = forms.correction_form_class(kind)
    initial = forms.correction_initial(kind, record)
    form = form_class(request.POST or None, initial={**initial, "submission_token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop("submission_token")
        reason = data.pop("correction_reason")
        narrative = data.pop("narrative", None)
        done = _saved_then_case(
            request,
            case.pk,
            lambda: services.record_correct(
                membership=membership,
                case=case,
                kind=kind,
                record_id=record.pk,
                details=forms.correction_details(kind, data),
                narrative=narrative,
                reason=reason,
                submission_token=token,
            ),
            _("Correction saved. What the record said before is kept."),
        )
        if done is not None:
            return done
    return render(
        request,
        "cases/record_correct.html",
        {
            "case": case,
            "form": form,
            "kind": kind,
            "record": record,
            "title": forms.CORRECTION_TITLES[kind],
            "corrections": selectors.record_corrections(
                membership, case=case, kind=kind, record_id=record.pk
            ),
        },
    )


@requires(Permission.CASE_EDIT)
@require_POST
def note_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    membership = _member(request)
    case = selectors.case_get(membership, case_id)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("A note needs text of at most 20,000 characters. Nothing was saved.")
        )
        return redirect(_case_url(case.pk))
    try:
        services.note_add(
            membership=membership,
            case=case,
            body=form.cleaned_data["body"],
            submission_token=form.cleaned_data["submission_token"],
        )
        messages.success(request, _("Note added."))
    except CaseError as error:
        _refused(request, error)
    return redirect(_case_url(case.pk))


@requires(Permission.CASE_EDIT)
def facts_section(request: HavenRequest, case_id: uuid.UUID, section: str) -> HttpResponse:
    """Edit one section of the case's own facts; the whole document is checked before saving."""
    if section not in forms.FACTS_SECTIONS:
        raise Http404
    membership = _member(request)
    case = selectors.case_get(membership, case_id)
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
        try:
            services.facts_section_update(
                membership=membership, case=case, section=section, values=values
            )
        except CaseError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_case_url(case.pk))
    return render(
        request,
        "cases/record_form.html",
        {"case": case, "form": form, "title": forms.FACTS_SECTIONS[section]},
    )


# Assessments ---------------------------------------------------------------------------------


@requires(Permission.CASE_EDIT)
def assessment_new(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """Run the engines on the case's records and record the result with the staff's decision."""
    membership = _member(request)
    case = selectors.case_get(membership, case_id)
    own = (case.facts or {}).get("defender", {}).get("own_risk_level", "")
    form = forms.AssessmentForm(
        request.POST or None, initial={"submission_token": uuid.uuid4(), "defender_risk_level": own}
    )
    if request.method == "POST" and form.is_valid():
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
        except CaseError as error:
            _refused(request, error)
        else:
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
    history = selectors.case_assessments(membership, case=assessment.case)
    decisions = selectors.assessment_decisions(membership, assessment=assessment)
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


@requires(Permission.CASE_VIEW)
def assessment_detail(request: HavenRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """Risk and its drivers, the two-regime map, ranked pathways, tension, protection findings,
    and the staff decision on them (recorded here, after the result is read)."""
    membership = _member(request)
    assessment = selectors.assessment_get(membership, assessment_id=assessment_id)
    form = forms.AssessmentDecisionForm(initial={"submission_token": uuid.uuid4()})
    return _assessment_page(request, assessment, form)


@requires(Permission.CASE_EDIT)
@require_POST
def assessment_decide(request: HavenRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """Record the staff decision on an assessment, beside the engines' advice and version."""
    membership = _member(request)
    assessment = selectors.assessment_get(membership, assessment_id=assessment_id)
    form = forms.AssessmentDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_decide(
                membership=membership,
                assessment=assessment,
                staff_risk_level=form.cleaned_data["staff_risk_level"],
                reasons=form.cleaned_data["reasons"],
                submission_token=form.cleaned_data["submission_token"],
            )
        except DuplicateSubmissionError as duplicate:
            messages.warning(request, str(duplicate))
        except CaseError as error:
            _refused(request, error)
            return _assessment_page(request, assessment, form)
        else:
            messages.success(request, _("Your decision is recorded beside the engines' advice."))
        return redirect("cases:assessment", assessment_id=assessment.pk)
    return _assessment_page(request, assessment, form)


# Attachments ---------------------------------------------------------------------------------


@requires(Permission.CASE_EDIT)
@require_POST
def attachment_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """Upload evidence: checked by content, cleaned, encrypted; refusals say why."""
    membership = _member(request)
    case = selectors.case_get(membership, case_id)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload. Nothing was saved."))
        return redirect(_case_url(case.pk))
    upload = form.cleaned_data["file"]
    if upload.size > DEFAULT_MAX_BYTES:
        messages.error(request, str(UploadRejected(RejectionCode.TOO_LARGE)))
        return redirect(_case_url(case.pk))
    try:
        services.attachment_add(
            membership=membership, case=case, name=upload.name, data=upload.read()
        )
        messages.success(request, _("File cleaned, encrypted and added."))
    except (UploadRejected, CaseError) as error:
        _refused(request, error)
    return redirect(_case_url(case.pk))


@requires(Permission.CASE_VIEW)
def attachment_download(request: HavenRequest, attachment_id: uuid.UUID) -> HttpResponse:
    """Send a file as an attachment with a sandbox CSP, never inline (UPL-06)."""
    membership = _member(request)
    attachment = selectors.attachment_get(membership, attachment_id=attachment_id)
    content = services.attachment_read(membership=membership, attachment=attachment)
    response = HttpResponse(content)
    for header, value in download_headers(
        attachment.name or "download", attachment.media_type, size=len(content)
    ).items():
        response[header] = value
    return response


# Erasure: a request with a reason, a second coordinator's decision, then the keys destroyed ------


def _erasure_url(erasure_id: Any) -> str:
    return reverse("cases:erasure", kwargs={"erasure_id": erasure_id})


@requires(Permission.CASE_ERASE)
def erasure_request(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """Ask for the case to be erased (POST), after reading what that means and its past requests."""
    membership = _member(request)
    case = selectors.case_get(membership, case_id)
    form = forms.ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure = services.case_erasure_request(
                membership=membership, case=case, reason=form.cleaned_data["reason"]
            )
        except CaseError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Erasure requested. A second coordinator must approve it."))
            return redirect(_erasure_url(erasure.pk))
    return render(
        request,
        "cases/erasure_request.html",
        {"case": case, "form": form, "erasures": selectors.case_erasures(membership, case)},
    )


@requires(Permission.CASE_ERASE)
def erasure_detail(request: HavenRequest, erasure_id: uuid.UUID) -> HttpResponse:
    """One request: who asked, why, until when, and the decision (approve or decline)."""
    membership = _member(request)
    erasure = selectors.erasure_get(membership, erasure_id)
    return render(
        request,
        "cases/erasure_detail.html",
        {
            "erasure": erasure,
            "is_requester": erasure.requested_by_id == membership.user_id,
            "expired": erasure.expires_at <= timezone.now(),
        },
    )


@requires(Permission.CASE_ERASE)
@requires_recent_second_factor(return_to="cases:erasure")
@require_POST
def erasure_approve(request: HavenRequest, erasure_id: uuid.UUID) -> HttpResponse:
    """A second coordinator approves: the case's keys are destroyed at once (SESS-04 step-up)."""
    membership = _member(request)
    erasure = selectors.erasure_get(membership, erasure_id)
    try:
        services.case_erasure_approve(membership=membership, erasure=erasure)
    except CaseError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The case is erased: its keys are destroyed."))
    return redirect(_erasure_url(erasure.pk))


@requires(Permission.CASE_ERASE)
@require_POST
def erasure_decline(request: HavenRequest, erasure_id: uuid.UUID) -> HttpResponse:
    """Decline (or, for the requester, withdraw) the request: the case is kept."""
    membership = _member(request)
    erasure = selectors.erasure_get(membership, erasure_id)
    try:
        services.case_erasure_decline(membership=membership, erasure=erasure)
    except CaseError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Erasure declined. The case is kept."))
    return redirect(_erasure_url(erasure.pk))
