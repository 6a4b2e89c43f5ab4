"""
Members of an organisation: their role changed, their access withdrawn and given back, all their
sessions ended at once. Every change is checked here against ``MANAGE_MEMBERS`` (or
``END_MEMBER_SESSIONS``) over a member of the acting member's own organisation.
"""

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import record_action
from haven.accounts.errors import MembershipError
from haven.accounts.models import LoginSession
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, may

CANNOT_CHANGE_OWN_MEMBERSHIP = _("You cannot change or deactivate your own membership.")
NOT_A_MEMBER_MANAGER = _("Your role does not manage members.")


def check_member_manager(
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


def _check_member_change(membership: Membership, member: Membership) -> None:
    """Check MANAGE_MEMBERS over ``member`` and refuse a change to one's own membership."""
    check_member_manager(membership, member)
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
    check_member_manager(membership, member, Permission.END_MEMBER_SESSIONS)
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
