"""
The programmes screens: catalogue, intake windows, a case's applications, matching runs.

Views are thin: a selector fetches what the member may see (404 otherwise), a form checks the
input, a service writes. Every page works without JavaScript; POST-only actions redirect back
with a message, and a form page with bad input is shown again with status 400.
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
from haven.accounts.routing import Routes
from haven.accounts.shortcuts import RecordActions, page_status, refusal_shown
from haven.cases.engine_messages import localise
from haven.cases.pagination import KeysetCursorForm, cursor_arguments, query_without_cursor
from haven.cases.panels import panels_for
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.programmes import selectors, services
from haven.programmes.catalogue import asylum_policy_text, return_expectation_text
from haven.programmes.forms import (
    ApplicationFilterForm,
    ApplicationForm,
    ApplicationStatusForm,
    HostPartnerForm,
    IntakeWindowForm,
    MatchingRunForm,
    PersecutorReachForm,
    ProgrammeForm,
    RemovePlacementForm,
)
from haven.programmes.models import Application, ApplicationStatus, MatchingRunStatus
from haven.programmes.review import run_review

#: The URL table of ``haven.programmes.urls``: each view's address stands above it.
routes = Routes()

# --- Catalogue -------------------------------------------------------------------------------


@routes.path("", name="list")
@requires(Permission.VIEW_PROGRAMMES)
def programme_list(request: HavenRequest) -> HttpResponse:
    member = _member(request)
    return render(
        request,
        "programmes/programme_list.html",
        {"programmes": selectors.programme_list(membership=member)},
    )


@routes.path("seed/", name="seed")
@requires(Permission.MANAGE_PROGRAMMES)
@require_POST
def programme_seed(request: HavenRequest) -> HttpResponse:
    member = _member(request)
    added = services.programme_catalogue_seed(membership=member, organisation=member.organisation)
    messages.success(
        request, _("%(count)d programme(s) added from the seed catalogue.") % {"count": len(added)}
    )
    return redirect("programmes:list")


@routes.path("<uuid:programme_id>/", name="detail")
@requires(Permission.VIEW_PROGRAMMES)
def programme_detail(request: HavenRequest, programme_id: uuid.UUID) -> HttpResponse:
    member = _member(request)
    programme = selectors.programme_get(membership=member, programme_id=programme_id)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "host_partners": programme.host_partners.select_related("membership__user"),
            "host_partner_form": HostPartnerForm(
                candidates=selectors.host_partner_candidates(membership=member)
            ),
            "windows": programme.windows.all(),
            "asylum_policy_text": asylum_policy_text(programme),
            "return_expectation_text": return_expectation_text(programme),
        },
    )


@routes.path("<uuid:programme_id>/edit/", name="edit")
@requires(Permission.MANAGE_PROGRAMMES)
def programme_edit(request: HavenRequest, programme_id: uuid.UUID) -> HttpResponse:
    programme = selectors.programme_get(membership=_member(request), programme_id=programme_id)
    if request.method == "POST":
        form = ProgrammeForm(request.POST, initial=ProgrammeForm.initial_for(programme))
        if form.is_valid():
            changed = services.programme_update(
                membership=_member(request), programme=programme, changes=form.cleaned_data
            )
            if changed:
                messages.success(request, _("Programme saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("programmes:detail", programme_id=programme.pk)
        status = 400
    else:
        form = ProgrammeForm(initial=ProgrammeForm.initial_for(programme))
        status = 200
    return render(
        request,
        "programmes/programme_edit.html",
        {"programme": programme, "form": form},
        status=status,
    )


@routes.path("<uuid:programme_id>/host-partners/", name="host_partner")
@requires(Permission.MANAGE_PROGRAMMES)
@require_POST
def programme_host_partner(request: HavenRequest, programme_id: uuid.UUID) -> HttpResponse:
    member = _member(request)
    programme = selectors.programme_get(membership=member, programme_id=programme_id)
    form = HostPartnerForm(
        request.POST, candidates=selectors.host_partner_candidates(membership=member)
    )
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed host partners."))
    else:
        with refusal_shown(request):
            services.host_partner_assign(
                membership=member,
                programme=programme,
                host_partner=form.cleaned_data["membership"],
            )
            messages.success(request, _("The host partner now sees this programme's applications."))
    return redirect("programmes:detail", programme_id=programme.pk)


@routes.path("hosted/", name="hosted")
@requires(Permission.VIEW_HOSTED_APPLICATIONS)
def hosted_applications(request: HavenRequest) -> HttpResponse:
    """A host partner's list: reference, programme, window, status; nothing about the case."""
    return render(
        request,
        "programmes/hosted_applications.html",
        {"applications": selectors.hosted_applications(membership=_member(request))},
    )


def _window_form_page(request: HavenRequest, programme: Any, window: Any = None) -> HttpResponse:
    if request.method == "POST":
        form = IntakeWindowForm(request.POST, programme=programme)
        if form.is_valid():
            with refusal_shown(request, form):
                services.intake_window_save(
                    membership=_member(request),
                    programme=programme,
                    window=window,
                    data=form.service_data(),
                )
                messages.success(request, _("Intake window saved."))
                return redirect("programmes:detail", programme_id=programme.pk)
    else:
        initial = IntakeWindowForm.initial_for(window) if window else {"places": 1}
        form = IntakeWindowForm(initial=initial, programme=programme)
    return render(
        request,
        "programmes/window_edit.html",
        {"programme": programme, "window": window, "form": form},
        status=page_status(request),
    )


@routes.path("<uuid:programme_id>/windows/new/", name="window_create")
@requires(Permission.MANAGE_PROGRAMMES)
def window_create(request: HavenRequest, programme_id: uuid.UUID) -> HttpResponse:
    programme = selectors.programme_get(membership=_member(request), programme_id=programme_id)
    return _window_form_page(request, programme)


@routes.path("windows/<uuid:window_id>/edit/", name="window_edit")
@requires(Permission.MANAGE_PROGRAMMES)
def window_edit(request: HavenRequest, window_id: uuid.UUID) -> HttpResponse:
    window = selectors.intake_window_get(membership=_member(request), window_id=window_id)
    return _window_form_page(request, window.programme, window)


# --- A case's applications ------------------------------------------------------------------


def _application_form(member: Membership, data: Any = None) -> ApplicationForm:
    return ApplicationForm(
        data,
        programmes=selectors.programme_list(membership=member),
        windows=selectors.intake_window_list(membership=member),
    )


@routes.path("cases/<uuid:case_id>/applications/", name="case_applications")
@requires(Permission.MANAGE_APPLICATIONS)
def case_applications(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    member = _member(request)
    case = selectors.case_get(membership=member, case_id=case_id)
    if request.method == "POST":
        form = _application_form(member, request.POST)
        if form.is_valid():
            with refusal_shown(request, form):
                application = services.application_create(
                    membership=member, case=case, **form.cleaned_data
                )
                messages.success(request, _("Draft application started."))
                return redirect("programmes:application", application_id=application.pk)
    else:
        form = _application_form(member)
    reach = selectors.persecutor_reach(membership=member, case=case)
    return render(
        request,
        "programmes/case_applications.html",
        {
            "case": case,
            "applications": selectors.application_list_for_case(membership=member, case=case),
            "form": form,
            "reach_form": PersecutorReachForm(
                initial={
                    "host_countries": reach,
                    "must_leave_by": selectors.must_leave_by(membership=member, case=case),
                }
            ),
        },
        status=page_status(request),
    )


@routes.path("cases/<uuid:case_id>/persecutor-reach/", name="case_persecutor_reach")
@requires(Permission.MANAGE_APPLICATIONS)
@require_POST
def case_persecutor_reach(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    case = selectors.case_get(membership=_member(request), case_id=case_id)
    form = PersecutorReachForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(error) for errors in form.errors.values() for error in errors),
        )
    else:
        with refusal_shown(request):
            services.matching_limits_set(
                membership=_member(request), case=case, **form.cleaned_data
            )
            messages.success(
                request, _("Where the persecutor reaches and the date to leave by are saved.")
            )
    return redirect("programmes:case_applications", case_id=case.pk)


@routes.path("applications/", name="applications")
@requires(Permission.REVIEW_APPLICATIONS)
def application_list(request: HavenRequest) -> HttpResponse:
    """Every application of the organisation, by status: where a coordinator shortlists from."""
    form = ApplicationFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else None
    cursor = KeysetCursorForm(request.GET)
    page = selectors.application_list_page(
        membership=_member(request),
        status=status,
        **cursor_arguments(cursor.cleaned_data if cursor.is_valid() else {}),
    )
    return render(
        request,
        "programmes/application_list.html",
        {"form": form, "page": page, "query": query_without_cursor(request.GET)},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@routes.path("applications/<uuid:application_id>/", name="application")
@requires(Permission.MANAGE_APPLICATIONS)
def application_detail(request: HavenRequest, application_id: uuid.UUID) -> HttpResponse:
    member = _member(request)
    application = selectors.application_get(membership=member, application_id=application_id)
    # Accepting an offer opens the relocation stay: that form (relocations) asks where and when.
    allowed = services.TRANSITIONS[application.status] - {ApplicationStatus.ACCEPTED}
    if not may(member, Permission.REVIEW_APPLICATIONS):
        allowed = allowed - services.REVIEW_STATUSES
    eligibility = selectors.application_eligibility(membership=member, application=application)
    # A snapshot taken since reasons carry keys reads in the reader's language; older ones in English.
    keyed = bool(eligibility.get("reason_messages"))
    if keyed:
        eligibility["reasons"] = localise(eligibility["reasons"], eligibility["reason_messages"])
    return render(
        request,
        "programmes/application_detail.html",
        {
            "application": application,
            "eligibility": eligibility,
            "rlang": translation.get_language() if keyed else "en",
            "rdir": "rtl" if keyed and translation.get_language_bidi() else "ltr",
            "open_statuses": sorted(services.OPEN_STATUSES),
            "asylum_policy_text": asylum_policy_text(application.programme),
            "return_expectation_text": return_expectation_text(application.programme),
            "panels": panels_for(
                "application", membership=member, case=application.case, subject=application
            ),
            "next_statuses": [
                (value, label)
                for value, label in ApplicationStatusForm.base_fields["status"].choices  # type: ignore[attr-defined]
                if value in allowed
            ],
        },
    )


#: The buttons of an application's page: each runs one service, then back to the application.
_on_application = RecordActions(
    load=lambda member, pk: selectors.application_get(membership=member, application_id=pk),
    keyword="application",
    back=lambda application: redirect("programmes:application", application_id=application.pk),
)


@routes.path("applications/<uuid:application_id>/eligibility/", name="application_eligibility")
@requires(Permission.MANAGE_APPLICATIONS)
@require_POST
def application_eligibility(request: HavenRequest, application_id: uuid.UUID) -> HttpResponse:
    done = _("Eligibility checked again on the case's current facts.")
    return _on_application.act(
        request, application_id, services.application_check_eligibility, done
    )


@routes.path("applications/<uuid:application_id>/consent/", name="application_consent")
@requires(Permission.MANAGE_APPLICATIONS)
@require_POST
def application_consent(request: HavenRequest, application_id: uuid.UUID) -> HttpResponse:
    done = _("The defender's informed consent is recorded.")
    return _on_application.act(request, application_id, services.application_record_consent, done)


@routes.path("applications/<uuid:application_id>/status/", name="application_status")
@requires(Permission.MANAGE_APPLICATIONS)
@require_POST
def application_status(request: HavenRequest, application_id: uuid.UUID) -> HttpResponse:
    member = _member(request)
    application = selectors.application_get(membership=member, application_id=application_id)
    form = ApplicationStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed statuses."))
        return redirect("programmes:application", application_id=application.pk)
    status = form.cleaned_data["status"]
    if status == ApplicationStatus.ACCEPTED:
        return redirect("relocations:open", application_id=application.pk)
    with refusal_shown(request):
        services.application_change_status(
            membership=member, application=application, status=status
        )
        messages.success(request, _("Application status changed."))
    return redirect("programmes:application", application_id=application.pk)


# --- Matching runs --------------------------------------------------------------------------


@routes.path("runs/", name="runs")
@requires(Permission.RUN_MATCHING)
def run_list(request: HavenRequest) -> HttpResponse:
    member = _member(request)
    windows = selectors.intake_window_list(membership=member)
    if request.method == "POST":
        form = MatchingRunForm(request.POST, windows=windows)
        if form.is_valid():
            with refusal_shown(request, form):
                run = services.matching_run_create(
                    membership=member,
                    organisation=member.organisation,
                    windows=form.cleaned_data["windows"],
                    seed=form.cleaned_data["seed"] or 0,
                )
                messages.success(request, _("Matching run made: review the proposal."))
                return redirect("programmes:run", run_id=run.pk)
    else:
        form = MatchingRunForm(windows=windows)
    return render(
        request,
        "programmes/run_list.html",
        {"form": form, "runs": selectors.matching_run_list(membership=member)},
        status=page_status(request),
    )


@routes.path("runs/<uuid:run_id>/", name="run")
@requires(Permission.RUN_MATCHING)
def run_detail(request: HavenRequest, run_id: uuid.UUID) -> HttpResponse:
    member = _member(request)
    run = selectors.matching_run_get(membership=member, run_id=run_id)
    review = run_review(member, run)
    proposed = run.status == MatchingRunStatus.PROPOSED
    if proposed:
        for index, row in enumerate(review.placements):
            if row.case_id:  # one form per placement, each with its own field ids
                row.remove_form = RemovePlacementForm(
                    initial={"case": row.case_id}, auto_id=f"id_remove_{index}_%s"
                )
    return render(
        request,
        "programmes/run_detail.html",
        {"run": run, "review": review, "proposed": proposed},
    )


@routes.path("runs/<uuid:run_id>/remove/", name="run_remove_placement")
@requires(Permission.RUN_MATCHING)
@require_POST
def run_remove_placement(request: HavenRequest, run_id: uuid.UUID) -> HttpResponse:
    """Take one placement out of a proposed run; the rest stays for approval."""
    member = _member(request)
    run = selectors.matching_run_get(membership=member, run_id=run_id)
    form = RemovePlacementForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Give a reason of at least 10 characters. Nothing was changed."),
        )
        return redirect("programmes:run", run_id=run.pk)
    with refusal_shown(request):
        services.matching_run_remove_placement(
            membership=member,
            run=run,
            case_id=str(form.cleaned_data["case"]),
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            _("The placement is out of the proposal; the others stay as proposed."),
        )
    return redirect("programmes:run", run_id=run.pk)


#: The buttons of a matching run's page: each runs one service, then back to the run.
_on_run = RecordActions(
    load=lambda member, pk: selectors.matching_run_get(membership=member, run_id=pk),
    keyword="run",
    back=lambda run: redirect("programmes:run", run_id=run.pk),
)


@routes.path("runs/<uuid:run_id>/approve/", name="run_approve")
@requires(Permission.RUN_MATCHING)
@require_POST
def run_approve(request: HavenRequest, run_id: uuid.UUID) -> HttpResponse:
    def done(offered: list[Application]) -> str:
        return _("%(count)d offer(s) made.") % {"count": len(offered)}

    return _on_run.act(request, run_id, services.matching_run_approve, done)
