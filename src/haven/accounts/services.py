"""
Writes to organisations, members, invitations, sessions and second factors.

Each function runs in one transaction and records its audit event in it, so a change and its
record stand or fall together. Permission checks happen before the call (the view's declared
policy and a selector); each docstring says which one it assumes.
"""

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.acting import SystemActor, record_action
from haven.accounts.models import (
    Invitation,
    LoginSession,
    RecoveryCode,
    RecoveryCodeDevice,
    SecurityNotice,
    SecurityNoticeKind,
    User,
    recovery_code_digest,
)
from haven.accounts.reading import Digits
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership, Organisation, Role
from haven.organisations.policy import Permission, may

ORGANISATION_SLUG_TAKEN = "An organisation with the slug {slug!r} already exists."
INVITATION_LIFETIME = timedelta(hours=72)
RECOVERY_CODE_COUNT = 10


class MembershipError(ApplicationError):
    """A change to a membership that would leave the organisation in a bad state."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def home_organisation(user: User) -> Organisation | None:
    """Return the organisation an account's sign-in events are filed under: its first active one."""
    membership = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("created_at")
        .first()
    )
    return membership.organisation if membership else None


def account_event_record(
    event_type: EventType,
    user: User | None,
    data: Mapping[str, Any] | None = None,
    *,
    organisation: Organisation | None = None,
) -> None:
    """
    Record an event about an account, acted by that account (or by no one for an unknown name),
    filed under its home organisation (``organisation`` when the caller has already read it).
    """
    record_event(
        event_type,
        actor=user,
        organisation=organisation or (home_organisation(user) if user else None),
        object_type="user",
        object_id=user.public_id if user else "",
        data=data,
    )


# Organisations -------------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, membership: SystemActor, slug: str, name: str) -> Organisation:
    """
    Create an organisation (a tenant) and return it.

    Permission: only Haven itself (``SYSTEM``: the ``haven orgs create`` command, the demo and
    test set-up) creates tenants; no member of one can.
    Side effects: one ``org.created`` audit event. Raises ``ValidationError`` for a bad or taken slug.
    """
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError(ORGANISATION_SLUG_TAKEN.format(slug=slug))
    organisation = Organisation(slug=slug, name=name)
    organisation.full_clean()
    organisation.save()
    record_action(EventType.ORGANISATION_CREATED, membership, organisation)
    return organisation


# Signing in ----------------------------------------------------------------------------------


@transaction.atomic
def sign_in_failure_record(*, username: str) -> None:
    """
    Record a refused password. The name itself is never stored (AUD-05): only the account's id
    when the name belongs to one.
    """
    user = User.objects.filter(username=username).first()
    account_event_record(EventType.LOGIN_FAILED, user)


@transaction.atomic
def lockout_passed_by_owner_record(*, user: User, method: str) -> None:
    """
    Report that the account's owner signed in during a lockout with both factors (issue 11).

    Side effects: one ``auth.signed_in_during_lockout`` event and a security notice, so the
    owner learns that someone has been guessing their password.
    """
    account_event_record(EventType.SIGNED_IN_DURING_LOCKOUT, user, data={"method": method})
    security_notice_create(user=user, kind=SecurityNoticeKind.SIGNED_IN_DURING_LOCKOUT)


@transaction.atomic
def second_factor_failure_record(*, user: User, method: str) -> None:
    """Record a refused second-factor code (AUTH-05)."""
    account_event_record(EventType.SECOND_FACTOR_FAILED, user, {"method": method})


def step_up_success_record(*, user: User, method: str) -> None:
    """Record a correct step-up code given to reach a sensitive action (SESS-04)."""
    account_event_record(EventType.STEP_UP_SUCCEEDED, user, {"method": method})


def step_up_failure_record(*, user: User, method: str) -> None:
    """Record a refused step-up code (SESS-04); the throttle itself lives on the device."""
    account_event_record(EventType.STEP_UP_FAILED, user, {"method": method})


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device: TOTPDevice) -> list[str]:
    """
    Confirm a newly enrolled authenticator and issue the first set of backup codes.

    Permission: the caller has checked a valid code from ``device`` for ``user``.
    Side effects: ``auth.second_factor_enrolled`` and ``auth.backup_codes_regenerated`` events.
    Returns the backup codes, which exist in clear only in this return value.
    """
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    account_event_record(EventType.SECOND_FACTOR_ENROLLED, user, {"method": "totp"})
    security_notice_create(user=user, kind=SecurityNoticeKind.SECOND_FACTOR_ENROLLED)
    return _recovery_codes_replace(user=user)


def _new_recovery_code() -> str:
    raw = secrets.token_bytes(10)  # 80 bits, well beyond guessing against a throttled form
    text = "".join(
        "ABCDEFGHJKMNPQRSTVWXYZ0123456789"[int.from_bytes(raw, "big") >> (5 * i) & 31]
        for i in range(16)
    )
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """
    Replace the user's backup codes with a fresh set and return them in clear, once.

    Only digests are stored (AUTH-07); the previous set stops working.
    Side effects: one ``auth.backup_codes_regenerated`` event and an in-app notice (AUTH-10).
    """
    codes = _recovery_codes_replace(user=user)
    security_notice_create(user=user, kind=SecurityNoticeKind.BACKUP_CODES_REGENERATED)
    return codes


def _recovery_codes_replace(*, user: User) -> list[str]:
    """Swap in new backup codes with their audit event; enrolment gives its own notice."""
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "backup codes", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_digest=recovery_code_digest(code)) for code in codes
    )
    account_event_record(EventType.BACKUP_CODES_REGENERATED, user, {"count": len(codes)})
    return codes


@transaction.atomic
def login_session_start(*, user: User, session_key: str, method: str) -> LoginSession:
    """
    Record a session that has passed both factors and return it.

    Permission: the caller has verified the second factor and rotated the session key.
    Side effects: ``auth.second_factor_succeeded`` (and ``auth.backup_code_used`` for a backup
    code), then ``auth.login_succeeded`` naming the new session.
    """
    organisation = home_organisation(user)
    login_session = LoginSession.objects.create(user=user, session_key_digest=_digest(session_key))
    account_event_record(
        EventType.SECOND_FACTOR_SUCCEEDED, user, {"method": method}, organisation=organisation
    )
    if method == "recovery_code":
        account_event_record(EventType.BACKUP_CODE_USED, user, organisation=organisation)
    record_event(
        EventType.LOGIN_SUCCEEDED,
        actor=user,
        organisation=organisation,
        object_type="login_session",
        object_id=login_session.pk,
    )
    return login_session


@transaction.atomic
def login_session_end(
    *, actor: User | None, login_session: LoginSession, reason: str, logged_out: bool = False
) -> None:
    """
    End one session: the middleware refuses it from the next request on.

    Permission: the session is the actor's own (checked by ``login_session_get_own``), or the
    caller is the middleware expiring it (actor None).
    Side effects: ``auth.logged_out`` when the owner logs out, ``auth.session_ended`` otherwise.
    """
    updated = LoginSession.objects.filter(pk=login_session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    if not updated:
        return
    record_event(
        EventType.LOGGED_OUT if logged_out else EventType.SESSION_ENDED,
        actor=actor,
        organisation=home_organisation(login_session.user),
        object_type="login_session",
        object_id=login_session.pk,
        data={"reason": reason},
    )


@transaction.atomic
def login_sessions_end_all(*, membership: Membership, member: Membership) -> int:
    """
    End every open session of ``member``'s account at once ("colleague arrested", SESS-03) and
    return how many.

    Permission: ``Permission.END_MEMBER_SESSIONS`` over a member of the same organisation, checked
    here (``membership_deactivate`` ends them under ``MANAGE_MEMBERS``). Side effects: one
    ``auth.all_sessions_ended`` event with the count. Raises MembershipError for a role without
    the permission; a member of another organisation is Http404.
    """
    _check_member_manager(membership, member, Permission.END_MEMBER_SESSIONS)
    return _sessions_end_all(membership, member)


def _sessions_end_all(membership: Membership, member: Membership) -> int:
    user = member.user
    ended = LoginSession.objects.filter(user=user, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    record_event(
        EventType.ALL_SESSIONS_ENDED,
        actor=membership.user,
        organisation=membership.organisation_id,
        object_type="user",
        object_id=user.public_id,
        data={"count": ended},
    )
    return ended


# Invitations and membership ------------------------------------------------------------------

INVITATION_NOT_USABLE = _("This invitation link is not valid any more. Ask for a new one.")
USERNAME_TAKEN = _("This username is taken. Choose another.")
CANNOT_CHANGE_OWN_MEMBERSHIP = _("You cannot change or deactivate your own membership.")
NOT_A_MEMBER_MANAGER = _("Your role does not manage members.")


def _check_member_manager(
    membership: Membership, subject: object, permission: Permission = Permission.MANAGE_MEMBERS
) -> None:
    """
    Refuse a role without ``permission`` (MembershipError), and answer a member or invitation of
    another organisation as not found (AZ-02), whatever the page or command checked before.
    """
    if not may(membership, permission):
        raise MembershipError(NOT_A_MEMBER_MANAGER)
    if not may(membership, permission, subject):
        raise Http404


@transaction.atomic
def invitation_create(
    *, membership: Membership, role: Role | str, username: str = ""
) -> tuple[Invitation, str]:
    """
    Create a one-time invitation and return it with its token, the only time the token exists.

    The invitation is to the member's own organisation. Permission: ``Permission.MANAGE_MEMBERS``,
    checked here. Side effects: one ``org.invitation_created`` event with the role. Raises
    MembershipError for a member whose role does not manage members.
    """
    if not may(membership, Permission.MANAGE_MEMBERS):
        raise MembershipError(NOT_A_MEMBER_MANAGER)
    organisation = membership.organisation
    role = Role(role)
    token = invitation_code_new()
    invitation = Invitation.objects.create(
        organisation=organisation,
        role=role,
        username=username.strip(),
        token_digest=_digest(invitation_code_normalise(token)),
        created_by=membership.user,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    record_action(EventType.INVITATION_CREATED, membership, invitation, {"role": role.value})
    return invitation, token


# Invitation codes: 16 characters of Crockford's base32 (80 random bits), typeable from a phone
# and read aloud without ambiguity. The code travels in the link's fragment, which browsers never
# send, so it reaches no access log (issue 11, item 6); without JavaScript it is typed on the page.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
_CODE_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def invitation_code_new() -> str:
    """Return a new invitation code, grouped as ``XXXX-XXXX-XXXX-XXXX`` for reading."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(code[start : start + 4] for start in range(0, CODE_LENGTH, 4))


def invitation_code_normalise(code: str) -> str:
    """Return the canonical form of a typed code: no spaces or dashes, upper case, O=0, I=L=1."""
    compact = "".join(code.split()).replace("-", "").upper()
    return compact.translate(_CODE_LOOKALIKES)


def invitation_find_open(token: str) -> Invitation | None:
    """Return the open invitation for a code, or None (expired, used, revoked, unknown)."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_digest=_digest(invitation_code_normalise(token)))
        .first()
    )
    if invitation is None or not invitation.is_open or not invitation.organisation.is_active:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str) -> User:
    """
    Create the invited account and its membership, and use up the invitation.

    Permission: anyone holding the link. Validates the password (AUTH-02) and the username.
    Side effects: one ``org.invitation_accepted`` event. Raises ``ValidationError`` and changes
    nothing when the link is not usable, the name is taken or the password is weak.
    """
    invitation = invitation_find_open(token)
    if invitation is None:
        raise ValidationError(INVITATION_NOT_USABLE)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ValidationError(INVITATION_NOT_USABLE)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(USERNAME_TAKEN)
    user = User(username=username)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    Membership.objects.create(user=user, organisation=invitation.organisation, role=invitation.role)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        EventType.INVITATION_ACCEPTED,
        actor=user,
        organisation=invitation.organisation,
        object_type="invitation",
        object_id=invitation.pk,
        data={"role": invitation.role},
    )
    return user


@transaction.atomic
def invitation_revoke(*, membership: Membership, invitation: Invitation) -> None:
    """
    Make an open invitation unusable.

    Permission: ``Permission.MANAGE_MEMBERS`` over an invitation to the member's organisation,
    checked here. Side effects: one ``org.invitation_revoked`` event. Raises MembershipError for a
    role without the permission; another organisation's invitation is Http404.
    """
    _check_member_manager(membership, invitation)
    if invitation.revoked_at is not None or invitation.accepted_at is not None:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_action(EventType.INVITATION_REVOKED, membership, invitation)


def _check_member_change(membership: Membership, member: Membership) -> None:
    """Check MANAGE_MEMBERS over ``member`` and refuse a change to one's own membership."""
    _check_member_manager(membership, member)
    if member.user_id == membership.user_id:
        raise MembershipError(CANNOT_CHANGE_OWN_MEMBERSHIP)


def _record_member_event(event_type: EventType, membership: Membership, member: Membership) -> None:
    record_action(event_type, membership, member)


@transaction.atomic
def membership_change_role(
    *, membership: Membership, member: Membership, role: Role | str
) -> Membership:
    """
    Give ``member`` another role; it takes effect on their next request.

    Permission: ``Permission.MANAGE_MEMBERS`` over a member of the same organisation, checked
    here (MembershipError for a role without it, Http404 for another organisation's member).
    Side effects: one ``org.member_role_changed`` event with both roles. Raises
    ``MembershipError`` for the acting member's own membership.
    """
    _check_member_change(membership, member)
    role = Role(role)
    previous = member.role
    if previous == role:
        return member
    member.role = role
    member.save(update_fields=["role"])
    record_action(
        EventType.MEMBER_ROLE_CHANGED, membership, member, {"from": previous, "to": role.value}
    )
    return member


@transaction.atomic
def membership_deactivate(*, membership: Membership, member: Membership) -> Membership:
    """
    Withdraw a member's access and end all their sessions at once.

    Permission: ``Permission.MANAGE_MEMBERS`` over a member of the same organisation, checked
    here (MembershipError for a role without it, Http404 for another organisation's member).
    Side effects: ``org.member_deactivated`` and ``auth.all_sessions_ended`` events. Raises
    ``MembershipError`` for the acting member's own membership.
    """
    _check_member_change(membership, member)
    if member.is_active:
        member.is_active = False
        member.save(update_fields=["is_active"])
        _record_member_event(EventType.MEMBER_DEACTIVATED, membership, member)
    _sessions_end_all(membership, member)
    return member


@transaction.atomic
def membership_reactivate(*, membership: Membership, member: Membership) -> Membership:
    """
    Give a deactivated member their access back (with their existing second factor).

    Permission: ``Permission.MANAGE_MEMBERS`` over a member of the same organisation, checked
    here (MembershipError for a role without it, Http404 for another organisation's member).
    Side effects: one ``org.member_reactivated`` event.
    """
    _check_member_change(membership, member)
    if not member.is_active:
        member.is_active = True
        member.save(update_fields=["is_active"])
        _record_member_event(EventType.MEMBER_REACTIVATED, membership, member)
    return member


# In-app security notices (AUTH-10) -------------------------------------------------------------


def security_notice_create(*, user: User, kind: SecurityNoticeKind) -> SecurityNotice:
    """
    Tell the account in the app that its factors changed or it was locked (AUTH-10).

    Called inside the transaction of the change it reports, whose audit event records it.
    """
    return SecurityNotice.objects.create(user=user, kind=kind)


@transaction.atomic
def security_notice_dismiss(*, user: User, notice: SecurityNotice) -> None:
    """
    Hide a notice the account has read.

    Permission: the caller fetched ``notice`` with ``selectors.security_notice_get_own``.
    Side effects: sets ``dismissed_at``; no audit event (the change it reported has one).
    """
    if notice.user_id != user.pk:
        raise ValidationError(_("That notice is not yours."))
    notice.dismissed_at = timezone.now()
    notice.save(update_fields=["dismissed_at"])


def account_digits_set(*, user: User, digits: Digits) -> None:
    """
    Set how the account reads numbers and dates (``haven.accounts.reading``).

    Permission: the account changes its own preference (the caller is signed in as ``user``).
    Side effects: none beyond the field; no audit event, as for a dismissed notice: it changes
    how pages look to this account, not anyone's data or access.
    """
    user.digits = digits
    user.save(update_fields=["digits"])


@transaction.atomic
def password_change(*, user: User, new_password: str) -> None:
    """
    Set a new password for the account.

    Permission: the caller has checked the current password (and the session is signed in).
    Validates the new password (AUTH-02). Side effects: one ``auth.password_changed`` event and
    an in-app notice (AUTH-10). Raises ``ValidationError`` and changes nothing for a weak one.
    """
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    account_event_record(EventType.PASSWORD_CHANGED, user)
    security_notice_create(user=user, kind=SecurityNoticeKind.PASSWORD_CHANGED)
