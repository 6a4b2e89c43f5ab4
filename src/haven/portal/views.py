"""
The portal's pages (public, for defenders) and the staff intake queue.

Defender pages work without JavaScript, set no cookie before a referral is sent or a receipt
opened (except Django's CSRF token), and choose their language from a ``lang`` parameter rather
than a cookie, so nothing about the visit stays in the browser. Staff pages are ordinary
permission views.
"""

import functools
import uuid
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts.access import public, requires
from haven.accounts.requests import HavenRequest, acting_member
from haven.accounts.routing import Routes
from haven.accounts.shortcuts import refusal_shown
from haven.asylum.deadlines import defender_warnings
from haven.cases.selectors import CLOSED_STATUSES, case_get
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.portal import abuse, receipts, selectors, services, sessions, stays
from haven.portal.forms import (
    AntiAbuseFields,
    DeclineForm,
    DefenderCheckInForm,
    DefenderIncidentForm,
    DefenderMessageForm,
    LinkCaseForm,
    OpenCaseForm,
    ReferralForm,
    SignInForm,
    TeamMessageForm,
)
from haven.portal.models import PortalSession, Referral, ReferralStatus
from haven.uploads import RejectionCode, UploadRejected

#: The URL tables of ``haven.portal.urls`` (the defenders' pages) and ``haven.portal.staff_urls``
#: (the staff side, under /intake/): each view's address stands above it.
routes = Routes()
intake_routes = Routes()

StrOrPromise = str | Promise

BUSY = _("The portal is very busy right now. Nothing was saved. Please try again in a minute.")
FORM_EXPIRED = _("This form was too old or damaged. Nothing was saved; please send it again.")
PLEASE_WAIT = _(
    "To keep out automated floods, this form can be sent %(seconds)d seconds after it was "
    "opened. Please wait and press send again."
)
FILE_REFUSED = _(
    "A file could not be accepted. Accepted files: photos (JPEG, PNG, WebP), PDF and plain text."
)
FILE_LIES = _("A file's content does not match its name. Nothing was saved.")
FILE_TOO_BIG = _("A file is too large. Nothing was saved.")
FILE_MESSAGES = {
    RejectionCode.TYPE_MISMATCH: FILE_LIES,
    RejectionCode.TOO_LARGE: FILE_TOO_BIG,
}
NO_ORGANISATION = _("No organisation takes requests here at the moment.")
CHECK_IN_RECEIVED = _("Thank you. The team has your check-in.")
INCIDENT_RECEIVED = _(
    "Thank you. The team has your report. If you are in danger now, also call the emergency "
    "number of the country you are in."
)


def portal_languages() -> dict[str, str]:
    return {code: str(name) for code, name in settings.HAVEN_PORTAL_LANGUAGES}


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """
    Speak the language named by ``lang`` (query or form), one of the portal's languages.

    The choice travels in links and forms instead of a cookie, so a seized browser keeps no trace
    of the portal's language either.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wanted = request.POST.get("lang") or request.GET.get("lang") or ""
        language = wanted if wanted in portal_languages() else translation.get_language()
        if language not in portal_languages():
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            request.portal_lang = language  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


def _portal_render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    language = request.portal_lang  # type: ignore[attr-defined]
    context = {
        **context,
        "portal_lang": language,
        "portal_languages": settings.HAVEN_PORTAL_LANGUAGES,
        "portal_lang_query": urlencode({"lang": language}),
        "exit_url": settings.HAVEN_PORTAL_EXIT_URL or reverse("portal:exit"),
        "pow_bits": settings.HAVEN_PORTAL_POW_BITS,
    }
    return render(request, template, context, status=status)


def _with_lang(request: HttpRequest, name: str) -> str:
    return f"{reverse(name)}?{urlencode({'lang': request.portal_lang})}"  # type: ignore[attr-defined]


def _busy(request: HttpRequest) -> HttpResponse:
    response = _portal_render(request, "portal/busy.html", {"message": BUSY}, status=429)
    response["Retry-After"] = "60"
    return response


def _fresh_referral_form(request: HttpRequest) -> ReferralForm:
    initial = {"form_token": abuse.issue_form_token()}
    chosen = request.GET.get("organisation")
    if chosen:
        initial["organisation"] = chosen
    return ReferralForm(initial=initial)


#: What the defender writes in the referral form, by the names the form and the content share.
REFERRAL_CONTENT_FIELDS = tuple(
    field.name for field in fields(services.ReferralContent) if field.name != "language"
)


def _uploads(form: ReferralForm) -> list[services.UploadedFile]:
    return [
        services.UploadedFile(name=upload.name or "file", data=upload.read())
        for upload in form.cleaned_data["attachments"]
    ]


@routes.path("", name="referral_new")
@public
@portal_page
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    """The self-referral form; on success the receipt page, shown once and never stored."""
    if not selectors.portal_organisations().exists():
        return _portal_render(request, "portal/busy.html", {"message": NO_ORGANISATION}, 503)
    if request.method != "POST":
        return _portal_render(
            request, "portal/referral_form.html", {"form": _fresh_referral_form(request)}
        )
    if not abuse.within_rate_limits("referral"):
        return _busy(request)
    form = ReferralForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        challenge = form.cleaned_data["form_token"]
        token = abuse.read_form_token(challenge)
        if token is None:
            form = _refreshed(request)
        elif wait := abuse.seconds_left_to_wait(token, challenge, form.cleaned_data["work"]):
            form.add_error(None, PLEASE_WAIT % {"seconds": wait})
            status = 429
        else:
            try:
                referral, code = services.referral_submit(
                    organisation=form.cleaned_data["organisation"],
                    # The form's fields are named after the content's; the language is the page's.
                    content=services.ReferralContent(
                        **{name: form.cleaned_data[name] for name in REFERRAL_CONTENT_FIELDS},
                        language=request.portal_lang,  # type: ignore[attr-defined]
                    ),
                    passphrase=form.cleaned_data["passphrase"],
                    files=_uploads(form),
                    form_token=token,
                )
            except UploadRejected as rejected:
                form.add_error("attachments", FILE_MESSAGES.get(rejected.code, FILE_REFUSED))
            except ApplicationError as error:
                form.add_error(None, str(error))
                if error.message == services.QUEUE_FULL:
                    status = 503
            else:
                response = _portal_render(
                    request,
                    "portal/receipt.html",
                    {
                        "receipt_words": code.split("-"),
                        "reference": referral.reference,
                        "entropy_bits": int(receipts.receipt_entropy_bits()),
                    },
                )
                sessions.start(response, referral)
                return response
    return _portal_render(request, "portal/referral_form.html", {"form": form}, status=status)


def _refreshed(request: HttpRequest) -> ReferralForm:
    """The same answers with a new token and the reason; files and passphrases are not sent back."""
    data = request.POST.copy()
    data["form_token"] = abuse.issue_form_token()
    for secret in ("passphrase", "passphrase_again"):
        data.pop(secret, None)
    refreshed = ReferralForm(data)
    refreshed.add_error(None, FORM_EXPIRED)
    return refreshed


@routes.path("status/open/", name="sign_in")
@public
@portal_page
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Open a referral's status page with its receipt code and passphrase."""
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        if not abuse.within_rate_limits("sign_in"):
            return _busy(request)
        if form.is_valid():
            with refusal_shown(request, form):
                referral = services.portal_sign_in(
                    receipt_code=form.cleaned_data["receipt"],
                    passphrase=form.cleaned_data["passphrase"],
                )
                response = redirect(_with_lang(request, "portal:status"))
                sessions.start(response, referral)
                return response
        return _portal_render(request, "portal/sign_in.html", {"form": form}, status=400)
    return _portal_render(request, "portal/sign_in.html", {"form": form})


def with_defender_session(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """
    For the pages behind a receipt code: the view is given the defender's live portal session;
    without one the visitor is sent to the sign-in page instead. Below ``portal_page``, whose
    language the sign-in address keeps.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = sessions.current(request)
        if session is None:
            return redirect(_with_lang(request, "portal:sign_in"))
        return view(request, session, *args, **kwargs)

    return wrapper


def _fresh(form_class: type[forms.Form]) -> Any:
    return form_class(initial={"form_token": abuse.issue_form_token()})


def _status_page(
    request: HttpRequest,
    referral: Referral,
    form: DefenderMessageForm | None,
    status: int = 200,
    *,
    check_in_form: DefenderCheckInForm | None = None,
    incident_form: DefenderIncidentForm | None = None,
    stay_notice: StrOrPromise = "",
) -> HttpResponse:
    case = referral.case
    can_write = referral.case_id is not None and referral.status != ReferralStatus.DECLINED
    if case is not None and case.status in CLOSED_STATUSES:
        can_write = False
    return _portal_render(
        request,
        "portal/status.html",
        {
            "referral": referral,
            "messages_thread": selectors.messages_for_defender(referral),
            "can_write": can_write,
            "form": form or _fresh(DefenderMessageForm),
            "active_stay": stays.case_has_active_stay(case),
            "check_in_form": check_in_form or _fresh(DefenderCheckInForm),
            "incident_form": incident_form or _fresh(DefenderIncidentForm),
            "stay_notice": stay_notice,
            # The asylum bridge: host-state deadline warnings, for the defender's own case only.
            "asylum_deadlines": defender_warnings(case),
        },
        status=status,
    )


@routes.path("status/", name="status")
@public
@portal_page
@with_defender_session
def status(request: HttpRequest, session: PortalSession) -> HttpResponse:
    """What happened to the referral, the decline reason if any, and the message thread."""
    return _status_page(request, session.referral, None)


@routes.path("status/messages/", name="message_send")
@public
@portal_page
@require_POST
@with_defender_session
def message_send(request: HttpRequest, session: PortalSession) -> HttpResponse:
    """The defender writes to the case team."""
    if not abuse.within_rate_limits("message"):
        return _busy(request)
    form = DefenderMessageForm(request.POST)
    if form.is_valid() and (token := _accepted_token(form)) is not None:
        with refusal_shown(request, form):
            services.message_from_defender(
                referral=session.referral, body=form.cleaned_data["body"], form_token=token
            )
            return redirect(_with_lang(request, "portal:status") + "#messages")
    return _status_page(request, session.referral, form, status=400)


def _accepted_token(form: AntiAbuseFields) -> abuse.FormToken | None:
    """The valid form's one-time token once its wait or work is done; else None and an error."""
    challenge = form.cleaned_data["form_token"]
    token = abuse.read_form_token(challenge)
    if token is None:
        form.add_error(None, FORM_EXPIRED)
        return None
    if wait := abuse.seconds_left_to_wait(token, challenge, form.cleaned_data["work"]):
        form.add_error(None, PLEASE_WAIT % {"seconds": wait})
        return None
    return token


def _check_in_write(referral: Referral, data: dict[str, Any], token: abuse.FormToken) -> object:
    return stays.check_in_from_defender(
        referral=referral, flags=data["flags"], note=data["note"], form_token=token
    )


def _incident_write(referral: Referral, data: dict[str, Any], token: abuse.FormToken) -> object:
    # The form's fields are named after the report's (beside its anti-abuse ones).
    report = stays.IncidentReport(**{f.name: data[f.name] for f in fields(stays.IncidentReport)})
    return stays.incident_from_defender(referral=referral, report=report, form_token=token)


StayFormClass = type[DefenderCheckInForm] | type[DefenderIncidentForm]
StayWrite = Callable[[Referral, dict[str, Any], abuse.FormToken], object]

#: The defender's two forms during a stay, by the kind their address names: the form, what
#: writes it, and the thanks shown for it.
STAY_FORMS: dict[str, tuple[StayFormClass, StayWrite, StrOrPromise]] = {
    "check_in": (DefenderCheckInForm, _check_in_write, CHECK_IN_RECEIVED),
    "incident": (DefenderIncidentForm, _incident_write, INCIDENT_RECEIVED),
}


@routes.path("status/check-in/", name="check_in_send", kwargs={"kind": "check_in"})
@routes.path("status/incident/", name="incident_send", kwargs={"kind": "incident"})
@public
@portal_page
@require_POST
@with_defender_session
def stay_form_send(request: HttpRequest, session: PortalSession, kind: str) -> HttpResponse:
    """
    The defender tells the team how they are during the stay (a check-in), or reports a security
    incident. After the session, rate limit and token are checked, the answer is the status page
    itself, so nothing about a check-in or incident lands in a URL or the history.
    """
    form_class, write, received = STAY_FORMS[kind]
    if not abuse.within_rate_limits("check_in"):
        return _busy(request)
    form = form_class(request.POST)
    if form.is_valid() and (token := _accepted_token(form)) is not None:
        with refusal_shown(request, form):
            write(session.referral, form.cleaned_data, token)
            return _status_page(request, session.referral, None, stay_notice=received)
    if isinstance(form, DefenderCheckInForm):
        return _status_page(request, session.referral, None, status=400, check_in_form=form)
    return _status_page(request, session.referral, None, status=400, incident_form=form)


@routes.path("status/close/", name="sign_out")
@public
@portal_page
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    response = redirect(_with_lang(request, "portal:sign_in"))
    sessions.end(request, response)
    return response


@routes.path("exit/", name="exit")
@public
@portal_page
def quick_exit(request: HttpRequest) -> HttpResponse:
    """
    Leave at once: end any portal session and tell the browser to forget this site's data.

    The page itself is blank and neutral; with JavaScript the quick-exit button also replaces
    the history entry, so "back" does not return to the portal.
    """
    response = render(request, "portal/exit.html", {})
    sessions.end(request, response)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


# Staff: the intake queue ---------------------------------------------------------------------


@intake_routes.path("", name="queue")
@requires(Permission.PORTAL_TRIAGE)
def intake_queue(request: HavenRequest) -> HttpResponse:
    membership = acting_member(request)
    return render(
        request,
        "portal/intake_queue.html",
        {
            "page": selectors.intake_queue(membership=membership, page=request.GET.get("page")),
            "summary": selectors.queue_summary(membership=membership),
        },
    )


def _form_problem(form: Any) -> str:
    """The first problem of an invalid form, to show after the redirect back."""
    for errors in form.errors.values():
        return str(errors[0])
    return str(_("Check the form and try again."))


@intake_routes.path("<uuid:referral_id>/", name="referral_detail")
@requires(Permission.PORTAL_TRIAGE)
def referral_detail(request: HavenRequest, referral_id: uuid.UUID) -> HttpResponse:
    """One referral decrypted for triage (audited), its duplicate check and the three decisions."""
    membership = acting_member(request)
    referral = selectors.referral_get(membership=membership, referral_id=referral_id)
    pending = referral.status == ReferralStatus.PENDING
    services.referral_viewed(membership=membership, referral=referral)
    return render(
        request,
        "portal/referral_detail.html",
        {
            "referral": referral,
            "pending": pending,
            "files": list(referral.files.all()),
            "duplicates": (
                selectors.duplicate_cases(membership=membership, referral=referral)
                if pending
                else []
            ),
            "open_form": OpenCaseForm(
                initial={"legal_name": (referral.account or {}).get("name", "")}
            ),
            "link_form": LinkCaseForm(),
            "decline_form": DeclineForm(),
        },
    )


NO_SUCH_CASE = _("You have no open case with that code.")


#: A triage decision: ``decide(request, membership, referral, cleaned_data)`` acts and answers.
Decide = Callable[[HavenRequest, Membership, Referral, dict[str, Any]], HttpResponse]


def _triage(
    request: HavenRequest, referral_id: uuid.UUID, form_class: type[forms.Form], decide: Decide
) -> HttpResponse:
    """
    The shape every triage decision shares: fetch the referral (404 if not the member's), check
    the form, run ``decide``; a refusal goes back to the referral page with its message.
    """
    membership = acting_member(request)
    referral = selectors.referral_get(membership=membership, referral_id=referral_id)
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_form_problem(form))
        return decide(request, membership, referral, form.cleaned_data)
    except Http404:
        messages.error(request, NO_SUCH_CASE)
    except ApplicationError as error:
        messages.error(request, str(error))
    return redirect("intake:referral_detail", referral_id=referral.pk)


def _open_case(
    request: HavenRequest, membership: Membership, referral: Referral, data: dict[str, Any]
) -> HttpResponse:
    case = services.referral_open_case(
        membership=membership, referral=referral, legal_name=data["legal_name"]
    )
    messages.success(request, _("Case opened from the referral."))
    return redirect("cases:detail", case_id=case.pk)


def _link_case(
    request: HavenRequest, membership: Membership, referral: Referral, data: dict[str, Any]
) -> HttpResponse:
    case = selectors.case_for_link(membership=membership, code=data["case_code"])
    services.referral_link_case(membership=membership, referral=referral, case=case)
    messages.success(request, _("The referral was added to the case."))
    return redirect("cases:detail", case_id=case.pk)


def _decline(
    request: HavenRequest, membership: Membership, referral: Referral, data: dict[str, Any]
) -> HttpResponse:
    services.referral_decline(membership=membership, referral=referral, reason=data["reason"])
    messages.success(request, _("The referral was declined; the defender will read why."))
    return redirect("intake:queue")


#: The triage decisions, by the address each is sent to: its form and what it does.
TRIAGE_DECISIONS: dict[str, tuple[type[forms.Form], Decide]] = {
    "open_case": (OpenCaseForm, _open_case),
    "link": (LinkCaseForm, _link_case),
    "decline": (DeclineForm, _decline),
}


@intake_routes.path(
    "<uuid:referral_id>/open-case/", name="open_case", kwargs={"decision": "open_case"}
)
@intake_routes.path("<uuid:referral_id>/link/", name="link", kwargs={"decision": "link"})
@intake_routes.path("<uuid:referral_id>/decline/", name="decline", kwargs={"decision": "decline"})
@requires(Permission.PORTAL_TRIAGE)
@require_POST
def referral_decide(request: HavenRequest, referral_id: uuid.UUID, decision: str) -> HttpResponse:
    """Open a case from the referral, add it to an existing case, or decline it."""
    form_class, decide = TRIAGE_DECISIONS[decision]
    return _triage(request, referral_id, form_class, decide)


@intake_routes.path("cases/<uuid:case_id>/messages/", name="team_message")
@requires(Permission.CASE_EDIT)
@require_POST
def team_message(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """A case team member writes to the defender; the thread is shown on the case page."""
    membership = acting_member(request)
    case = case_get(membership=membership, case_id=case_id)
    form = TeamMessageForm(request.POST)
    if form.is_valid():
        with refusal_shown(request):
            services.message_from_team(
                membership=membership, case=case, body=form.cleaned_data["body"]
            )
            messages.success(request, _("Message sent to the defender's portal."))
    else:
        messages.error(request, _("Write a message before sending."))
    return redirect(reverse("cases:detail", kwargs={"case_id": case.pk}) + "#portal-messages")
