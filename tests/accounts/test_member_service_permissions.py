"""
The member services check their permission themselves (issue 9): called directly, as the
``haven`` command or the API would, a role without it is refused with a MembershipError and a
member or invitation of another organisation is Http404. Nothing changes and no event is recorded.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from haven.accounts.models import Invitation, LoginSession
from haven.accounts.services import (
    NOT_A_MEMBER_MANAGER,
    MembershipError,
    invitation_create,
    invitation_revoke,
    login_sessions_end_all,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
)
from haven.audit.models import AuditEvent
from haven.organisations.models import Membership, Role
from tests.acting import acting

#: Each member service, called on the target member (or an invitation to their organisation).
WRITES: dict[str, Callable[[Membership, Membership, Invitation], Any]] = {
    "membership_change_role": lambda member, target, _invitation: membership_change_role(
        membership=member, member=target, role=Role.COORDINATOR
    ),
    "membership_deactivate": lambda member, target, _invitation: membership_deactivate(
        membership=member, member=target
    ),
    "membership_reactivate": lambda member, target, _invitation: membership_reactivate(
        membership=member, member=target
    ),
    "login_sessions_end_all": lambda member, target, _invitation: login_sessions_end_all(
        membership=member, member=target
    ),
    "invitation_revoke": lambda member, _target, invitation: invitation_revoke(
        membership=member, invitation=invitation
    ),
}


def state() -> list[Any]:
    return [
        AuditEvent.objects.count(),
        sorted(Membership.objects.values_list("pk", "role", "is_active")),
        LoginSession.objects.filter(ended_at__isnull=True).count(),
        Invitation.objects.filter(revoked_at__isnull=True).count(),
    ]


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_member_service_is_refused_without_the_permission_or_the_organisation(
    personas, coordinator, outsider, other_organisation, write
):
    """Caseworkers, auditors and analysts are refused; North Star's coordinator finds no one."""
    target = acting(personas[Role.LEGAL_ADVISER])
    if write is WRITES["membership_reactivate"]:
        Membership.objects.filter(pk=target.pk).update(is_active=False)
        target.refresh_from_db()
    LoginSession.objects.create(user=target.user, session_key_digest="fictional-session")
    invitation, _token = invitation_create(membership=acting(coordinator), role=Role.CASEWORKER)
    before = state()

    for role in (Role.CASEWORKER, Role.AUDITOR, Role.ANALYST, Role.HOST_PARTNER):
        with pytest.raises(MembershipError) as refusal:
            write(acting(personas[role]), target, invitation)
        assert str(refusal.value) == str(NOT_A_MEMBER_MANAGER)
    with pytest.raises(Http404):
        write(acting(outsider, other_organisation), target, invitation)

    assert state() == before
