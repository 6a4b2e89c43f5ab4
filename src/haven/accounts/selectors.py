"""
Reads of members, invitations and sessions. Each takes the acting member or user first and returns
only what they may see; anything else is ``Http404``, the same answer as for a missing id (AZ-02).
"""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from haven.accounts.models import Invitation, LoginSession, SecurityNotice, User
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may


def memberships_of(user: User) -> QuerySet[Membership]:
    """Return the user's active memberships in active organisations, oldest first."""
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation", "user")
        .order_by("created_at")
    )


def membership_chosen(
    memberships: list[Membership], chosen_organisation_id: str | None
) -> Membership | None:
    """Return the membership a request acts under: the chosen organisation's, else the first."""
    for membership in memberships:
        if str(membership.organisation_id) == chosen_organisation_id:
            return membership
    return memberships[0] if memberships else None


def member_list(*, membership: Membership) -> QuerySet[Membership]:
    """Return every membership of the member's organisation, for people who manage members."""
    if not may(membership, Permission.MANAGE_MEMBERS):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation_id=membership.organisation_id)
        .select_related("user", "organisation")
        .order_by("user__username")
    )


def member_get(
    *, membership: Membership, membership_id: uuid.UUID, permission: Permission
) -> Membership:
    """Return one membership of the member's organisation, or raise ``Http404``."""
    target = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    if target is None or not may(membership, permission, target):
        raise Http404
    return target


def invitation_list_open(*, membership: Membership) -> list[Invitation]:
    """Return the organisation's invitations that can still be accepted."""
    if not may(membership, Permission.MANAGE_MEMBERS):
        return []
    invitations = Invitation.objects.filter(
        organisation_id=membership.organisation_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).order_by("-created_at")
    return [invitation for invitation in invitations if invitation.is_open]


def invitation_get(*, membership: Membership, invitation_id: uuid.UUID) -> Invitation:
    """Return one invitation of the member's organisation, or raise ``Http404``."""
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or not may(membership, Permission.MANAGE_MEMBERS, invitation):
        raise Http404
    return invitation


def login_session_list(user: User) -> QuerySet[LoginSession]:
    """Return the user's open sessions, newest first."""
    return LoginSession.objects.filter(user=user, ended_at__isnull=True).order_by("-created_at")


def security_notices_open(user: User) -> QuerySet[SecurityNotice]:
    """Return the account's own notices it has not dismissed yet, newest first (AUTH-10)."""
    return SecurityNotice.objects.filter(user=user, dismissed_at__isnull=True)


def security_notice_get_own(user: User, notice_id: uuid.UUID) -> SecurityNotice:
    """Return one of the account's own open notices, or raise ``Http404``."""
    notice = security_notices_open(user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    return notice


def login_session_get_own(user: User, session_id: uuid.UUID) -> LoginSession:
    """Return one of the user's own open sessions, or raise ``Http404``."""
    login_session = login_session_list(user).filter(pk=session_id).first()
    if login_session is None:
        raise Http404
    return login_session
