"""
Sign-in, second factor, sessions, invitations and member management: thin views over services.

Each view declares its access policy (``haven.accounts.access``); ``AccessMiddleware`` enforces it.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.models import Device

from haven.accounts import selectors, services, signin, totp
from haven.accounts.access import (
    ViewFunction,
    public,
    requires,
    requires_recent_second_factor,
    sign_in_step,
    signed_in,
)
from haven.accounts.errors import MembershipError
from haven.accounts.forms import (
    AcceptInvitationForm,
    BothFactorsForm,
    CodeForm,
    DigitsForm,
    EnrolmentCodeForm,
    InvitationForm,
    OrganisationChoiceForm,
    RoleForm,
)
from haven.accounts.lockout import is_locked_out
from haven.accounts.models import RecoveryCodeDevice, User
from haven.accounts.reading import Digits
from haven.accounts.requests import HavenRequest, acting_member, authenticated_user
from haven.accounts.routing import Routes
from haven.accounts.shortcuts import RecordActions, page_status
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership
from haven.organisations.policy import Permission

#: The URL tables of ``haven.accounts.urls`` and ``haven.accounts.member_urls``: each view's
#: address stands above it (``haven.accounts.routing``).
routes = Routes()
member_routes = Routes()

CODE_REFUSED = gettext_lazy("That code was not accepted. Check it and try again.")
TOO_MANY_CODES = gettext_lazy("Too many wrong codes. Wait a minute, then try again.")


def _member(request: HttpRequest) -> Membership:
    return acting_member(cast(HavenRequest, request))


def _takes_secrets(*fields: str) -> Callable[[ViewFunction], ViewFunction]:
    """
    For a page whose form carries a password or a code: Django's error reports leave ``fields``
    out, and the page is never cached, so neither the secret nor the form that took it is kept.
    """

    def decorator(view: ViewFunction) -> ViewFunction:
        return sensitive_post_parameters(*fields)(never_cache(view))

    return decorator


# Signing in ----------------------------------------------------------------------------------


@routes.path("login/", name="login")
@public
@_takes_secrets("password")
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: the password. Unknown names, wrong passwords and inactive accounts look alike."""
    if request.user.is_authenticated:
        user = authenticated_user(request)
        if user.is_verified():  # type: ignore[attr-defined]
            return redirect("web:dashboard")
        return redirect(signin.second_factor_entry_url(user))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            assert isinstance(user, User)
            signin.password_accepted(request, user, next_url)
            return redirect(signin.second_factor_entry_url(user))
        services.sign_in_failure_record(username=request.POST.get("username", ""))
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


BOTH_FACTORS_REFUSED = gettext_lazy(
    "That did not work. Check your username, password and code, and try again."
)


@routes.path("login/both-factors/", name="login_both_factors")
@public
@_takes_secrets("password", "code")
def sign_in_with_both_factors(request: HttpRequest) -> HttpResponse:
    """
    Sign in with the password and the second factor on one form, even during a lockout.

    A stranger who types wrong passwords pauses the normal sign-in of a named account (AUTH-08);
    the owner, holding both factors, comes through here (issue 11, item 11). Any mistake gets the
    same answer, so the page tells a password guesser nothing, and wrong codes meet the same
    throttle as on the code page. Signing in while the account is locked is reported to the
    owner (security notice) and audited.
    """
    form = BothFactorsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(username=data["username"]).first()
        if user is None:
            make_password(data["password"])  # take as long as a real check
        password_ok = bool(user and user.is_active and user.check_password(data["password"]))
        device = totp.confirmed_device(user) if user and password_ok else None
        if user is not None and device is not None:
            was_locked = is_locked_out(user.get_username())
            check = _code_check(user, device, data["code"])
            if check.accepted and check.device is not None:
                signin.password_accepted(request, user)
                next_url = signin.second_factor_accepted(request, check.device, check.method)
                if was_locked:
                    services.lockout_passed_by_owner_record(user=user, method=check.method)
                return redirect(next_url)
            services.second_factor_failure_record(user=user, method=check.method)
        else:
            services.sign_in_failure_record(username=data["username"])
        form.add_error(None, BOTH_FACTORS_REFUSED)
    return render(
        request,
        "accounts/login_both_factors.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@routes.path("two-factor/", name="second_factor")
@sign_in_step
@_takes_secrets("code")
def second_factor(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the authenticator app, or one backup code (AUTH-05, AUTH-07)."""
    user = authenticated_user(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect("web:dashboard")
    device = totp.confirmed_device(user)
    if device is None:
        return redirect("accounts:enrol")
    form, check = _code_form(request, user, device, services.second_factor_failure_record)
    if check is not None and check.device is not None:
        return redirect(signin.second_factor_accepted(request, check.device, check.method))
    return render(request, "accounts/second_factor.html", {"form": form})


@dataclass(frozen=True)
class _CodeCheck:
    method: str
    device: Device | None
    allowed: bool
    accepted: bool


def _code_check(user: User, device: Device, typed: str) -> _CodeCheck:
    """
    Check a typed authenticator or backup code, within django-otp's throttle (AUTH-05, AUTH-07).

    Sign-in and step-up share this so that both refuse and slow down wrong codes the same way.
    """
    code = typed.replace(" ", "")
    if code.isdigit():
        allowed, _details = device.verify_is_allowed()
        return _CodeCheck("totp", device, allowed, bool(allowed and totp.check_code(device, code)))
    recovery = RecoveryCodeDevice.objects.filter(user=user).first()
    allowed = recovery is not None and recovery.verify_is_allowed()[0]
    accepted = bool(allowed and recovery and recovery.verify_token(code))
    return _CodeCheck("recovery_code", recovery, allowed, accepted)


def _code_form(
    request: HttpRequest, user: User, device: Device, failure_record: Callable[..., object]
) -> tuple[CodeForm, _CodeCheck | None]:
    """
    The code form of the second-factor and step-up pages: the check of a sent code when it was
    accepted; otherwise no check, and the failure recorded (``failure_record(user=, method=)``)
    with the reason on the form, as both pages refuse a wrong or throttled code alike.
    """
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = _code_check(user, device, form.cleaned_data["code"])
        if check.accepted and check.device is not None:
            return form, check
        failure_record(user=user, method=check.method)
        form.add_error("code", TOO_MANY_CODES if not check.allowed else CODE_REFUSED)
    return form, None


@routes.path("step-up/", name="step_up")
@signed_in
@_takes_secrets("code")
def step_up(request: HttpRequest) -> HttpResponse:
    """
    Ask again for the second factor before a sensitive action (SESS-04), then go back to it.

    ``next`` is kept only when it is a path on this site, so the page cannot be used to send
    someone elsewhere.
    """
    user = authenticated_user(request)
    next_path = signin.safe_next_path(request.POST.get("next") or request.GET.get("next", ""))
    device = totp.confirmed_device(user)
    if device is None:
        return redirect("web:dashboard")
    form, check = _code_form(request, user, device, services.step_up_failure_record)
    if check is not None:
        signin.step_up_accepted(request, check.method)
        return redirect(next_path)
    return render(request, "accounts/step_up.html", {"form": form, "next": next_path})


@routes.path("two-factor/setup/", name="enrol")
@sign_in_step
@_takes_secrets("code")
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: set up the authenticator app, confirm one code, then show backup codes once."""
    user = authenticated_user(request)
    if user.is_verified() or totp.confirmed_device(user) is not None:  # type: ignore[attr-defined]
        return redirect("accounts:second_factor")
    device = totp.pending_device(user)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp.check_code(device, form.cleaned_data["code"]):
            codes = services.totp_enrolment_confirm(user=user, device=device)
            continue_to = signin.second_factor_accepted(request, device, "totp")
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "continue_to": continue_to},
            )
        services.second_factor_failure_record(user=user, method="totp_enrolment")
        form.add_error("code", CODE_REFUSED)
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "secret": totp.secret_text(device), "qr_svg": totp.qr_code_svg(device)},
    )


@routes.path("logout/", name="logout")
@sign_in_step
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Log out: end the session on the server and ask the browser to forget the site (SESS-03)."""
    signin.sign_out(request, reason="logout", by_owner=True)
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


# The signed-in account's own security --------------------------------------------------------


@routes.path("security/", name="security")
@signed_in
def security(request: HttpRequest) -> HttpResponse:
    """The account's open sessions, each of which can be ended, and its backup codes."""
    current = signin.current_login_session(request)
    return render(
        request,
        "accounts/security.html",
        {
            "sessions": selectors.login_session_list(authenticated_user(request)),
            "current_id": current.pk if current else None,
            "security_notices": selectors.security_notices_open(authenticated_user(request)),
            "digits_form": DigitsForm(initial={"digits": authenticated_user(request).digits}),
        },
    )


@routes.path("security/digits/", name="digits")
@signed_in
@require_POST
def digits_set(request: HttpRequest) -> HttpResponse:
    """Choose the digits the account's pages show numbers and dates in."""
    form = DigitsForm(request.POST)
    if form.is_valid():
        services.account_digits_set(
            user=authenticated_user(request), digits=Digits(form.cleaned_data["digits"])
        )
        messages.success(request, _("Your choice of digits was saved."))
    else:
        messages.error(request, _("Choose one of the two ways of writing numbers."))
    return redirect("accounts:security")


@routes.path("security/notices/<uuid:notice_id>/dismiss/", name="security_notice_dismiss")
@signed_in
@require_POST
def security_notice_dismiss(request: HttpRequest, notice_id: uuid.UUID) -> HttpResponse:
    """Hide one of the account's own security notices once read (AUTH-10)."""
    user = authenticated_user(request)
    notice = selectors.security_notice_get_own(user, notice_id)
    services.security_notice_dismiss(user=user, notice=notice)
    return redirect("accounts:security")


@routes.path("security/password/", name="password_change")
@signed_in
@_takes_secrets("old_password", "new_password1", "new_password2")
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password after giving the current one; the account is told in the app."""
    user = authenticated_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        signin.password_changed_here(request, user, form.cleaned_data["new_password1"])
        messages.success(request, _("Your password was changed."))
        return redirect("accounts:security")
    status = page_status(request)
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@routes.path("sessions/<uuid:session_id>/end/", name="session_end")
@signed_in
@require_POST
def session_end(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    """End one of the account's own sessions; ending the current one logs out."""
    user = authenticated_user(request)
    login_session = selectors.login_session_get_own(user, session_id)
    current = signin.current_login_session(request)
    services.login_session_end(actor=user, login_session=login_session, reason="ended_by_owner")
    if current is not None and current.pk == login_session.pk:
        return sign_out(request)
    messages.success(request, _("The session was ended."))
    return redirect("accounts:security")


@routes.path("security/backup-codes/", name="recovery_codes")
@signed_in
@requires_recent_second_factor(return_to="accounts:security")
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    """Replace the backup codes and show the new ones once."""
    codes = services.recovery_codes_issue(user=authenticated_user(request))
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "continue_to": reverse("accounts:security")},
    )


@routes.path("organisation/", name="organisation_switch")
@signed_in
@require_POST
def organisation_switch(request: HttpRequest) -> HttpResponse:
    """Act for another organisation the account belongs to."""
    form = OrganisationChoiceForm(request.POST)
    if form.is_valid():
        chosen = str(form.cleaned_data["organisation"])
        if any(
            str(m.organisation_id) == chosen
            for m in selectors.memberships_of(authenticated_user(request))
        ):
            request.session[signin.ORGANISATION_ID] = chosen
    return redirect("web:dashboard")


# Invitations ---------------------------------------------------------------------------------


@routes.path("invitations/accept/", name="invitation_accept")
@public
@_takes_secrets("code", "password", "password_again")
def invitation_accept(request: HttpRequest) -> HttpResponse:
    """
    Accept a one-time invitation: its code, a name and a password, then the second factor.

    The code never appears in a URL the server sees: the link carries it in the fragment, which a
    small script copies into the form, and without JavaScript the person types it. An unknown,
    used or expired code is a 400 with the form and its message; nothing is created.
    """
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = services.invitation_find_open(form.cleaned_data["code"])
        if invitation is None:
            form.add_error("code", services.INVITATION_NOT_USABLE)
        else:
            try:
                user = services.invitation_accept(
                    token=form.cleaned_data["code"],
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                )
            except ValidationError as error:  # the name or password fails its validators
                form.add_error(None, error)
            except MembershipError as error:  # the code was used meanwhile, or the name is taken
                form.add_error(None, str(error))
            else:
                if request.user.is_authenticated:
                    signin.sign_out(request, reason="switched_account", by_owner=True)
                signin.password_accepted(request, user)
                return redirect("accounts:enrol")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# Members (coordinators) ----------------------------------------------------------------------


def _member_list_page(
    request: HttpRequest, form: InvitationForm, status: int = 200
) -> HttpResponse:
    member = _member(request)
    return render(
        request,
        "accounts/member_list.html",
        {
            "memberships": selectors.member_list(membership=member),
            "invitations": selectors.invitation_list_open(membership=member),
            "form": form,
        },
        status=status,
    )


@member_routes.path("", name="list")
@requires(Permission.MANAGE_MEMBERS)
def member_list(request: HttpRequest) -> HttpResponse:
    """The organisation's members, its open invitations and the form for a new one."""
    return _member_list_page(request, InvitationForm())


@member_routes.path("invite/", name="invite")
@requires(Permission.MANAGE_MEMBERS)
@requires_recent_second_factor(return_to="members:list")
@require_POST
def invitation_create(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _member_list_page(request, form, status=400)
    invitation, token = services.invitation_create(
        membership=member, role=form.cleaned_data["role"], username=form.cleaned_data["username"]
    )
    link = request.build_absolute_uri(reverse("accounts:invitation_accept")) + "#" + token
    return render(
        request,
        "accounts/invitation_created.html",
        {"invitation": invitation, "link": link, "code": token},
    )


@member_routes.path("invitations/<uuid:invitation_id>/revoke/", name="revoke")
@requires(Permission.MANAGE_MEMBERS)
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    invitation = selectors.invitation_get(membership=_member(request), invitation_id=invitation_id)
    services.invitation_revoke(membership=_member(request), invitation=invitation)
    messages.success(request, _("The invitation was revoked."))
    return redirect("members:list")


@member_routes.path("<uuid:membership_id>/", name="detail")
@requires(Permission.MANAGE_MEMBERS)
def member_detail(request: HttpRequest, membership_id: uuid.UUID) -> HttpResponse:
    target = selectors.member_get(
        membership=_member(request),
        membership_id=membership_id,
        permission=Permission.MANAGE_MEMBERS,
    )
    return render(
        request,
        "accounts/member_detail.html",
        {
            "target": target,
            "form": RoleForm(initial={"role": target.role}),
            "open_sessions": selectors.login_session_list(target.user).count(),
        },
    )


ROLE_NOT_LISTED = gettext_lazy("Choose one of the listed roles.")


#: The changes to a member the acting member manages (404 for anyone else): each runs one
#: membership service (``membership=..., member=...``), then back to that member's page with
#: "Saved." or the refusal.
_on_member = RecordActions(
    load=lambda manager, pk: selectors.member_get(
        membership=manager, membership_id=pk, permission=Permission.MANAGE_MEMBERS
    ),
    keyword="member",
    back=lambda target: redirect("members:detail", membership_id=target.pk),
)


@member_routes.path("<uuid:membership_id>/role/", name="role")
@requires(Permission.MANAGE_MEMBERS)
@requires_recent_second_factor(return_to="members:detail")
@require_POST
def member_role(request: HavenRequest, membership_id: uuid.UUID) -> HttpResponse:
    form = RoleForm(request.POST)

    def change_role(*, membership: Membership, member: Membership) -> None:
        if not form.is_valid():
            raise ApplicationError(ROLE_NOT_LISTED)
        services.membership_change_role(
            membership=membership, member=member, role=form.cleaned_data["role"]
        )

    return _on_member.act(request, membership_id, change_role, _("Saved."))


@member_routes.path("<uuid:membership_id>/deactivate/", name="deactivate")
@requires(Permission.MANAGE_MEMBERS)
@require_POST
def member_deactivate(request: HavenRequest, membership_id: uuid.UUID) -> HttpResponse:
    return _on_member.act(request, membership_id, services.membership_deactivate, _("Saved."))


@member_routes.path("<uuid:membership_id>/reactivate/", name="reactivate")
@requires(Permission.MANAGE_MEMBERS)
@requires_recent_second_factor(return_to="members:detail")
@require_POST
def member_reactivate(request: HavenRequest, membership_id: uuid.UUID) -> HttpResponse:
    return _on_member.act(request, membership_id, services.membership_reactivate, _("Saved."))


@member_routes.path("<uuid:membership_id>/end-sessions/", name="end_sessions")
@requires(Permission.END_MEMBER_SESSIONS)
@require_POST
def member_end_sessions(request: HttpRequest, membership_id: uuid.UUID) -> HttpResponse:
    """End every session of a member at once ("colleague arrested", SESS-03)."""
    member = _member(request)
    target = selectors.member_get(
        membership=member, membership_id=membership_id, permission=Permission.END_MEMBER_SESSIONS
    )
    ended = services.login_sessions_end_all(membership=member, member=target)
    messages.success(request, _("%(count)d session(s) ended.") % {"count": ended})
    return redirect("members:detail", membership_id=target.pk)
