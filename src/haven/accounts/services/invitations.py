"""
Invitations: the only way into an organisation. A coordinator creates a one-time code; whoever
holds it picks a name and a password, and becomes a member with the invited role.
"""

import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import record_action
from haven.accounts.errors import MembershipError
from haven.accounts.models import Invitation, User
from haven.accounts.services.common import secret_digest
from haven.accounts.services.members import NOT_A_MEMBER_MANAGER, check_member_manager
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, may

INVITATION_LIFETIME = timedelta(hours=72)
INVITATION_NOT_USABLE = _("This invitation link is not valid any more. Ask for a new one.")
USERNAME_TAKEN = _("This username is taken. Choose another.")


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
        token_digest=secret_digest(invitation_code_normalise(token)),
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
        .filter(token_digest=secret_digest(invitation_code_normalise(token)))
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
    Side effects: one ``org.invitation_accepted`` event. Changes nothing and raises
    ``MembershipError`` when the link is not usable or the name is taken, ``ValidationError`` when
    the name or the password fails its validators.
    """
    invitation = invitation_find_open(token)
    if invitation is None:
        raise MembershipError(INVITATION_NOT_USABLE)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise MembershipError(INVITATION_NOT_USABLE)
    if User.objects.filter(username__iexact=username).exists():
        raise MembershipError(USERNAME_TAKEN)
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
    check_member_manager(membership, invitation)
    if invitation.revoked_at is not None or invitation.accepted_at is not None:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_action(EventType.INVITATION_REVOKED, membership, invitation)
