"""
The stay screens. Thin: a selector fetches what the member may reach (404 otherwise), a form
checks the input, a service writes. One stay page serves staff and host partners: a host partner
gets the host template (dates, how many people, needs; arrival, check-ins and local incidents to
record) and nothing of the case. Bad input is shown again on the page with status 400.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts.access import requires, requires_recent_second_factor
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.accounts.routing import Routes
from haven.accounts.shortcuts import page_status, refusal_shown
from haven.cases.pagination import query_without_cursor, requested_cursor
from haven.cases.selectors import case_facts
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.programmes.models import ApplicationStatus
from haven.programmes.selectors import programme_get
from haven.relocations import forms, letters, reminders, returns, selectors, services
from haven.relocations.access import is_host_partner
from haven.relocations.models import TRACEABLE_CHANNELS, LetterLanguage, Stay, StayEventKind
from haven.uploads.downloads import download_headers

#: The URL table of ``haven.relocations.urls``: each view's address stands above it.
routes = Routes()


@routes.path("", name="list")
@requires(Permission.STAY_VIEW)
def stay_list(request: HavenRequest) -> HttpResponse:
    """The stays the member may reach, a page at a time (keyset pages, links work without JS)."""
    member = _member(request)
    filters = forms.StayListFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page = selectors.stay_list(
        membership=member,
        include_closed=bool(cleaned.get("closed")),
        **requested_cursor(request.GET),
    )
    context = {
        "page": page,
        "filters": filters,
        "host_view": is_host_partner(member),
        "query": query_without_cursor(request.GET),
    }
    return render(request, "relocations/stay_list.html", context)


def _dependant_choices(stay_or_case: Any) -> list[tuple[str, str]]:
    choices = []
    for number, dependant in enumerate(selectors.case_dependants(stay_or_case), start=1):
        details = dependant.details or {}
        words = " · ".join(
            str(details[key]) for key in ("relation", "age_band") if details.get(key)
        )
        choices.append((str(dependant.pk), f"{number}. {words}" if words else f"{number}."))
    return choices


@routes.path("offers/<uuid:application_id>/accept/", name="open")
@requires(Permission.STAY_MANAGE)
def stay_open(request: HavenRequest, application_id: uuid.UUID) -> HttpResponse:
    """Accept an offered place and open its stay."""
    member = _member(request)
    application = selectors.application_for_stay(membership=member, application_id=application_id)
    if application.status not in (ApplicationStatus.OFFERED, ApplicationStatus.ACCEPTED):
        messages.error(request, _("Only an offered place can be accepted."))
        return redirect("programmes:application", application_id=application.pk)
    existing = Stay.objects.filter(application=application).only("pk").first()
    if existing is not None:
        return redirect("relocations:detail", stay_id=existing.pk)
    dependants = _dependant_choices(application.case)
    window = application.intake_window
    initial = (
        {"planned_start": window.stay_starts_on, "planned_end": window.stay_ends_on}
        if window
        else {}
    )
    form = forms.StayOpenForm(request.POST or None, dependants=dependants, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request, form):
            stay = services.stay_open(
                membership=member, application=application, **form.cleaned_data
            )
            messages.success(request, _("Offer accepted: the stay is open."))
            return redirect("relocations:detail", stay_id=stay.pk)
    return render(
        request,
        "relocations/stay_open.html",
        {"application": application, "form": form},
        status=page_status(request),
    )


STAFF_FORMS: dict[str, type[django_forms.Form]] = {
    "visa_form": forms.VisaForm,
    "preparation_form": forms.PreparationForm,
    "arrival_form": forms.ArrivalForm,
    "check_in_form": forms.CheckInForm,
    "incident_form": forms.IncidentForm,
    "activity_form": forms.ActivityForm,
    "extension_form": forms.ExtensionForm,
    "review_open_form": forms.ReturnReviewOpenForm,
    "review_decision_form": forms.ReturnReviewDecisionForm,
    "return_plan_form": forms.ReturnPlanForm,
    "return_form": forms.ReturnForm,
    "follow_up_form": forms.FollowUpForm,
    "outcome_form": forms.OutcomeForm,
    "cancel_form": forms.CancelForm,
}
#: The heading and button of each form's own page, in the words the stay page links with.
FORM_PAGES: dict[str, tuple[Any, Any]] = {
    "visa_form": (gettext_lazy("Record the visa"), gettext_lazy("Record the visa")),
    "preparation_form": (
        gettext_lazy("Travel, security, insurance and stipend"),
        gettext_lazy("Save the preparation"),
    ),
    "arrival_form": (gettext_lazy("Confirm the arrival"), gettext_lazy("Confirm the arrival")),
    "check_in_form": (
        gettext_lazy("Record a wellbeing check-in"),
        gettext_lazy("Record the check-in"),
    ),
    "incident_form": (
        gettext_lazy("Record a security incident"),
        gettext_lazy("Record the incident"),
    ),
    "activity_form": (gettext_lazy("Record an activity"), gettext_lazy("Record the activity")),
    "extension_form": (
        gettext_lazy("Request an extension"),
        gettext_lazy("Request the extension"),
    ),
    "review_open_form": (
        gettext_lazy("Open the return review"),
        gettext_lazy("Run the assessment and open the review"),
    ),
    "review_decision_form": (
        gettext_lazy("Record the options and the decision"),
        gettext_lazy("Record the decision"),
    ),
    "return_plan_form": (gettext_lazy("Return plan"), gettext_lazy("Save the return plan")),
    "return_form": (gettext_lazy("Record the return"), gettext_lazy("Record the return")),
    "follow_up_form": (gettext_lazy("Follow-ups after return"), gettext_lazy("Record")),
    "outcome_form": (gettext_lazy("Outcome of the stay"), gettext_lazy("Record the outcome")),
    "cancel_form": (gettext_lazy("Cancel the stay"), gettext_lazy("Cancel the stay")),
    "decision_form": (gettext_lazy("Extensions"), gettext_lazy("Decide")),
    "traveller_form": (gettext_lazy("Dependants travelling"), gettext_lazy("Save the traveller")),
}


def _page_form(name: str, data: Any = None) -> django_forms.Form:
    """
    One of the stay's forms. Several forms share field names (date, type, narrative), so each
    keeps ids of its own (``id_<form>_<field>``), as when they all stood on the stay page.
    """
    return STAFF_FORMS[name](data, auto_id=f"id_{name}_%s")


def _stay_page(request: HavenRequest, stay: Stay) -> HttpResponse:
    """
    The stay and its records. It renders no form (issue 17): each action is a link to the
    form's own page, so the page costs what it shows.
    """
    member = _member(request)
    host = is_host_partner(member)
    records = selectors.stay_records(membership=member, stay=stay)
    languages = LetterLanguage.choices
    if not host:
        # The case's own language first: the letter a consulate officer reads is in it.
        first = letters.case_language(case_facts(membership=member, case=stay.case))
        languages = sorted(languages, key=lambda choice: choice[0] != first)
    context = {
        "stay": stay,
        "records": records,
        "host_view": host,
        "may_manage": may(member, Permission.STAY_MANAGE, stay),
        "may_decide": may(member, Permission.STAY_DECIDE, stay),
        "may_write": host or may(member, Permission.STAY_MANAGE, stay),
        "traceable_channels": sorted(TRACEABLE_CHANNELS),
        "letter_languages": languages,
    }
    return render(
        request,
        "relocations/host_stay.html" if host else "relocations/stay_detail.html",
        context,
    )


def _saved_or_shown(
    request: HavenRequest,
    stay: Stay,
    name: str,
    form: django_forms.Form,
    save: Callable[[django_forms.Form], object],
    done: str,
    bad_input: str | None = None,
) -> HttpResponse:
    """
    A stay's form on its own page: a valid POST is saved by ``save(form)``, then back to the
    stay with ``done``; a GET shows the form, and bad input (said as ``bad_input`` too, when
    given) or a refusal shows it again with its reasons, answered 400.
    """
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(request, form):
                save(form)
                messages.success(request, done)
                return redirect("relocations:detail", stay_id=stay.pk)
        elif bad_input:
            messages.error(request, bad_input)
    heading, button = FORM_PAGES[name]
    context = {
        "stay": stay,
        "host_view": is_host_partner(_member(request)),
        "form": form,
        "form_name": name,
        "heading": heading,
        "button": button,
        "action": request.path,
    }
    return render(request, "relocations/stay_form.html", context, status=page_status(request))


@routes.path("<uuid:stay_id>/", name="detail")
@requires(Permission.STAY_VIEW)
def stay_detail(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    stay = selectors.stay_get(membership=_member(request), stay_id=stay_id)
    return _stay_page(request, stay)


Write = Callable[[Membership, Stay, Any], object]


def _record(
    request: HavenRequest,
    stay_id: uuid.UUID,
    form_name: str,
    write: Write,
    done: str,
    *,
    form: django_forms.Form | None = None,
    bad_input: str | None = None,
) -> HttpResponse:
    """
    The named form on its own page (or ``form``, for a record of the stay whose form the view
    builds itself); a valid POST calls ``write(member, stay, form)``.
    """
    member = _member(request)
    stay = selectors.stay_get(membership=member, stay_id=stay_id)
    if form is None:
        form = _page_form(form_name, request.POST if request.method == "POST" else None)
    return _saved_or_shown(
        request, stay, form_name, form, lambda bound: write(member, stay, bound), done, bad_input
    )


def _fields_to(service: Callable[..., object]) -> Write:
    """The write step of a form whose fields are the service's own keyword arguments."""

    def write(member: Membership, stay: Stay, form: Any) -> None:
        service(membership=member, stay=stay, **form.cleaned_data)

    return write


def _stay_event(kind: StayEventKind) -> Write:
    """The write step of the incident and activity forms: one stay event of ``kind``."""

    def write(member: Membership, stay: Stay, form: Any) -> None:
        services.stay_event_record(
            membership=member,
            stay=stay,
            kind=kind,
            details=form.details(),
            narrative=form.cleaned_data["narrative"],
        )

    return write


@routes.path("<uuid:stay_id>/visa/", name="visa")
@requires(Permission.STAY_MANAGE)
@require_http_methods(["GET", "POST"])
def visa_record(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _fields_to(services.visa_record)
    return _record(request, stay_id, "visa_form", write, _("Visa recorded."))


@routes.path("<uuid:stay_id>/preparation/", name="preparation")
@requires(Permission.STAY_MANAGE)
@require_http_methods(["GET", "POST"])
def preparation_save(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    def write(member: Membership, stay: Stay, form: Any) -> None:
        data = form.cleaned_data
        services.preparation_save(
            membership=member,
            stay=stay,
            travel_plan=data["travel_plan"],
            digital_check_done=data["digital_check_done"],
            insurance=form.insurance(),
            stipend=form.stipend(),
            expectations_acknowledged_on=data["expectations_acknowledged_on"],
            flight_details=data["flight_details"],
            expected_arrival=data["expected_arrival"],
            passport_expires_on=data["passport_expires_on"],
        )
        if data["stipend_channel"] in TRACEABLE_CHANNELS:
            messages.warning(
                request,
                _(
                    "Payments through this channel could be traced from the defender's home "
                    "country. Prefer an account in the host country or cash where you can."
                ),
            )

    return _record(request, stay_id, "preparation_form", write, _("Preparation saved."))


@routes.path("<uuid:stay_id>/arrival/", name="arrival")
@requires(Permission.STAY_VIEW)
@require_http_methods(["GET", "POST"])
def arrival_confirm(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _fields_to(services.arrival_confirm)
    return _record(request, stay_id, "arrival_form", write, _("Arrival confirmed."))


@routes.path("<uuid:stay_id>/check-ins/", name="check_in")
@requires(Permission.STAY_VIEW)
@require_http_methods(["GET", "POST"])
def check_in_record(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _fields_to(services.check_in_record)
    return _record(request, stay_id, "check_in_form", write, _("Check-in recorded."))


@routes.path("<uuid:stay_id>/incidents/", name="incident")
@requires(Permission.STAY_VIEW)
@require_http_methods(["GET", "POST"])
def incident_record(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _stay_event(StayEventKind.INCIDENT)
    return _record(request, stay_id, "incident_form", write, _("Incident recorded."))


@routes.path("<uuid:stay_id>/activities/", name="activity")
@requires(Permission.STAY_VIEW)
@require_http_methods(["GET", "POST"])
def activity_record(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _stay_event(StayEventKind.ACTIVITY)
    return _record(request, stay_id, "activity_form", write, _("Activity recorded."))


@routes.path("<uuid:stay_id>/extensions/", name="extension")
@requires(Permission.STAY_VIEW)
@require_http_methods(["GET", "POST"])
def extension_request(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _fields_to(services.extension_request)
    return _record(request, stay_id, "extension_form", write, _("Extension requested."))


@routes.path("extensions/<uuid:extension_id>/decide/", name="extension_decide")
@requires(Permission.STAY_DECIDE)
@require_http_methods(["GET", "POST"])
def extension_decide(request: HavenRequest, extension_id: uuid.UUID) -> HttpResponse:
    """Grant or refuse an extension, on its own page."""
    extension = selectors.extension_get(membership=_member(request), extension_id=extension_id)

    def decide(member: Membership, stay: Stay, form: Any) -> None:
        grant = form.cleaned_data["decision"] == "grant"
        services.extension_decide(membership=member, extension=extension, grant=grant)

    form = forms.ExtensionDecisionForm(
        request.POST if request.method == "POST" else None, auto_id="id_decision_%s"
    )
    done, bad_input = _("Extension decided."), _("Choose to grant or to refuse.")
    return _record(
        request, extension.stay_id, "decision_form", decide, done, form=form, bad_input=bad_input
    )


@routes.path("<uuid:stay_id>/letter/<str:language>/", name="letter")
@requires(Permission.STAY_MANAGE)
@requires_recent_second_factor
def letter_download(request: HavenRequest, stay_id: uuid.UUID, language: str) -> HttpResponse:
    """The consulate letter as a PDF; the file name names no one (a reference and a language)."""
    member = _member(request)
    stay = selectors.stay_get(membership=member, stay_id=stay_id)
    if language not in LetterLanguage.values:
        raise Http404
    pdf = letters.letter_generate(membership=member, stay=stay, language=language)
    # Sent like an upload: an attachment under a sandbox CSP, never rendered inline (UPL-06).
    headers = download_headers(
        f"invitation-{stay.reference}-{language}.pdf", "application/pdf", size=len(pdf)
    )
    return HttpResponse(pdf, headers=headers)


@routes.path("programmes/<uuid:programme_id>/letter/<str:language>/", name="letter_template")
@requires(Permission.MANAGE_PROGRAMMES)
@require_http_methods(["GET", "POST"])
def letter_template(request: HavenRequest, programme_id: uuid.UUID, language: str) -> HttpResponse:
    """A coordinator edits the programme's wording of the consulate letter in one language."""
    member = _member(request)
    programme = programme_get(membership=member, programme_id=programme_id)
    if language not in LetterLanguage.values:
        raise Http404
    form = forms.LetterTemplateForm(
        request.POST or None, initial={"body": letters.template_text(programme, language)}
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request, form, field="body"):
            letters.template_save(
                membership=member,
                programme=programme,
                language=language,
                body=form.cleaned_data["body"],
            )
            messages.success(request, _("Letter template saved."))
            return redirect(
                "relocations:letter_template", programme_id=programme.pk, language=language
            )
    return render(
        request,
        "relocations/letter_template.html",
        {
            "programme": programme,
            "language": LetterLanguage(language),
            "languages": LetterLanguage.choices,
            "form": form,
            "placeholders": letters.PLACEHOLDERS,
        },
        status=page_status(request),
    )


@routes.path("<uuid:stay_id>/return-review/", name="review_open")
@requires(Permission.STAY_MANAGE)
@require_http_methods(["GET", "POST"])
def return_review_open(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    def write(member: Membership, stay: Stay, form: Any) -> None:
        returns.return_review_open(
            membership=member,
            stay=stay,
            staff_risk_level=form.cleaned_data["staff_risk_level"],
            defender_risk_level=form.cleaned_data["defender_risk_level"] or None,
        )

    return _record(request, stay_id, "review_open_form", write, _("Return review opened."))


@routes.path("<uuid:stay_id>/return-review/decision/", name="review_decide")
@requires(Permission.STAY_DECIDE)
@require_http_methods(["GET", "POST"])
def return_review_decide(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _fields_to(returns.return_review_decide)
    return _record(request, stay_id, "review_decision_form", write, _("Return review decided."))


@routes.path("<uuid:stay_id>/return-plan/", name="return_plan")
@requires(Permission.STAY_MANAGE)
@require_http_methods(["GET", "POST"])
def return_plan_save(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _fields_to(returns.return_plan_save)
    return _record(request, stay_id, "return_plan_form", write, _("Return plan saved."))


@routes.path("<uuid:stay_id>/return/", name="return")
@requires(Permission.STAY_MANAGE)
@require_http_methods(["GET", "POST"])
def return_record(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _fields_to(returns.return_record)
    return _record(request, stay_id, "return_form", write, _("Return recorded."))


@routes.path("<uuid:stay_id>/outcome/", name="outcome")
@requires(Permission.STAY_DECIDE)
@require_http_methods(["GET", "POST"])
def outcome_record(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _fields_to(returns.outcome_record)
    return _record(request, stay_id, "outcome_form", write, _("Outcome recorded."))


@routes.path("follow-ups/<uuid:follow_up_id>/", name="follow_up")
@requires(Permission.STAY_MANAGE)
@require_http_methods(["GET", "POST"])
def follow_up_record(request: HavenRequest, follow_up_id: uuid.UUID) -> HttpResponse:
    follow_up = selectors.follow_up_get(membership=_member(request), follow_up_id=follow_up_id)

    def write(member: Membership, stay: Stay, form: Any) -> None:
        returns.follow_up_record(membership=member, follow_up=follow_up, **form.cleaned_data)

    return _record(request, follow_up.stay_id, "follow_up_form", write, _("Follow-up recorded."))


@routes.path("reminders/read/", name="reminders_read")
@requires(Permission.STAY_VIEW)
@require_http_methods(["POST"])
def reminders_read(request: HavenRequest) -> HttpResponse:
    reminders.reminders_mark_read(membership=_member(request))
    return redirect("web:dashboard")


@routes.path("<uuid:stay_id>/cancel/", name="cancel")
@requires(Permission.STAY_DECIDE)
@require_http_methods(["GET", "POST"])
def stay_cancel(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    write = _fields_to(services.stay_cancel)
    return _record(request, stay_id, "cancel_form", write, _("Stay cancelled."))


@routes.path("<uuid:stay_id>/travel-plan/shred/", name="shred")
@requires(Permission.STAY_MANAGE)
@require_POST
def travel_plan_shred(request: HavenRequest, stay_id: uuid.UUID) -> HttpResponse:
    """Shred the travel plan now, without waiting for the programme's days after arrival."""
    member = _member(request)
    stay = selectors.stay_get(membership=member, stay_id=stay_id)
    with refusal_shown(request):
        services.travel_plan_shred(membership=member, stay=stay)
        messages.success(request, _("Travel plan shredded."))
    return redirect("relocations:detail", stay_id=stay.pk)


@routes.path("travellers/<uuid:traveller_id>/", name="traveller")
@requires(Permission.STAY_MANAGE)
@require_http_methods(["GET", "POST"])
def traveller_record(request: HavenRequest, traveller_id: uuid.UUID) -> HttpResponse:
    """Record one travelling dependant's visa and arrival, on its own page."""
    traveller = selectors.traveller_get(membership=_member(request), traveller_id=traveller_id)

    def record(member: Membership, stay: Stay, form: Any) -> None:
        services.traveller_record(membership=member, traveller=traveller, **form.cleaned_data)

    form = forms.TravellerForm(
        request.POST if request.method == "POST" else None,
        auto_id="id_traveller_%s",
        initial={
            "visa_outcome": traveller.visa_outcome,
            "visa_valid_until": traveller.visa_valid_until,
            "arrived_on": traveller.arrived_on,
        },
    )
    done, bad_input = _("Traveller recorded."), _("Check the traveller's dates.")
    return _record(
        request, traveller.stay_id, "traveller_form", record, done, form=form, bad_input=bad_input
    )
