"""
Need-to-know: who is on a case's access list, emergency break-glass access, revealing a
defender's identity, and the record of who opened which case.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, acting_user, permits, record_action
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.cases.errors import CaseError
from haven.cases.models import (
    Assignment,
    BreakGlassGrant,
    Case,
    Defender,
    IdentityReveal,
    Notification,
    NotificationKind,
)
from haven.cases.selectors import case_by_code, case_principal_defender, visible_cases
from haven.cases.services.guards import check_live, check_permitted, required_reason
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission
from haven.vault.keyring import keyring_scope

BREAK_GLASS_HOURS = 8
NOT_A_CASE_MEMBER = _("That person is not an active member of this case's organisation.")
NO_CASE_WITH_CODE = _("There is no open case with that code in your organisation.")
ALREADY_VISIBLE = _("You can already see this case.")


@transaction.atomic
def case_assign(*, membership: Acting, case: Case, assignee: Membership) -> Assignment:
    """
    Put ``assignee`` on the case's access list (AZ-03); assigning twice changes nothing.

    Permission: CASE_ASSIGN on the case, checked here (Http404 otherwise, AZ-02); the member who
    opens a case is put on its list by ``case_open`` itself. Side effect: one ``case.assigned``
    event. Raises CaseError for a member of another organisation.
    """
    check_permitted(membership, Permission.CASE_ASSIGN, case)
    return access_list_add(membership=membership, case=case, assignee=assignee)


def access_list_add(*, membership: Acting, case: Case, assignee: Membership) -> Assignment:
    """
    Add ``assignee`` to the case's access list for a caller that has checked the permission:
    ``case_assign``, or ``case_open`` putting the member who opens the case on it. Runs in the
    caller's transaction.
    """
    check_live(case)
    if assignee.organisation_id != case.organisation_id or not assignee.is_active:
        raise CaseError(NOT_A_CASE_MEMBER)
    assignment, created = Assignment.objects.get_or_create(
        case=case,
        membership=assignee,
        defaults={"assigned_by": acting_user(membership)},
    )
    if created:
        record_action(EventType.CASE_ASSIGNED, membership, case, {"membership": str(assignee.pk)})
    return assignment


@transaction.atomic
def case_unassign(*, membership: Acting, case: Case, assignee: Membership) -> None:
    """
    Take a member off the access list; their next request no longer sees the case (AZ-03).

    Permission: CASE_ASSIGN on the case, checked here (Http404 otherwise, AZ-02). Side effect:
    one ``case.unassigned`` event when they were on it.
    """
    check_permitted(membership, Permission.CASE_ASSIGN, case)
    deleted, _count = Assignment.objects.filter(case=case, membership=assignee).delete()
    if deleted:
        record_action(EventType.CASE_UNASSIGNED, membership, case, {"membership": str(assignee.pk)})


def break_glass_open(*, membership: Membership, code: str, reason: str) -> Case:
    """
    Give a member emergency access to a case of their organisation they are not assigned to.

    Permission: CASE_BREAK_GLASS, checked here (Http404 otherwise, AZ-02). The grant lasts
    ``BREAK_GLASS_HOURS``; the reason is kept encrypted under the case key; every active
    coordinator of the organisation gets an in-app notification. Side effect: one
    ``authz.break_glass`` event (also for a code that matches nothing, so probing is on record).
    Raises CaseError for a short reason or an unknown code.
    """
    if not permits(membership, Permission.CASE_BREAK_GLASS):
        raise Http404
    cleaned = required_reason(reason)
    case = case_by_code(membership=membership, code=code)
    if case is None:
        with transaction.atomic():
            record_event(
                EventType.BREAK_GLASS,
                actor=membership.user,
                organisation=membership.organisation_id,
                object_type="case",
                data={"outcome": "no_such_case"},
            )
        raise CaseError(NO_CASE_WITH_CODE)
    if visible_cases(membership=membership).filter(pk=case.pk).exists():
        raise CaseError(ALREADY_VISIBLE)
    with transaction.atomic():
        return _break_glass_grant(membership=membership, case=case, reason=cleaned)


#: Who the case team is, for the notifications the defender's own messages raise.
CASE_TEAM_ROLES = (Role.COORDINATOR, Role.CASEWORKER, Role.LEGAL_ADVISER)


def case_team_notify(*, case: Case, kind: str) -> int:
    """
    Tell the case team in the app that something arrived on ``case`` (a check-in or an incident
    the defender sent from the portal): the organisation's coordinators and the staff assigned to
    the case, each active. The notification names the case by id and the kind only, never what
    was sent. Called inside the writing service's transaction, which writes the one audit event;
    no actor (the defender is no member). Returns how many were told.
    """
    if kind not in NotificationKind.values:
        raise ValueError(kind)
    team = Membership.objects.filter(
        Q(role=Role.COORDINATOR) | Q(case_assignments__case=case),
        organisation_id=case.organisation_id,
        is_active=True,
        role__in=CASE_TEAM_ROLES,
    ).distinct()
    created = Notification.objects.bulk_create(
        Notification(organisation_id=case.organisation_id, recipient=member, kind=kind, case=case)
        for member in team
    )
    return len(created)


def _break_glass_grant(*, membership: Membership, case: Case, reason: str) -> Case:
    now = timezone.now()
    with keyring_scope():
        grant = BreakGlassGrant(
            case=case,
            organisation_id=case.organisation_id,
            membership=membership,
            recorded_by=membership.user,
            reason=reason,
            expires_at=now + datetime.timedelta(hours=BREAK_GLASS_HOURS),
        )
        grant.save()
    coordinators = Membership.objects.filter(
        organisation_id=case.organisation_id, role=Role.COORDINATOR, is_active=True
    ).exclude(pk=membership.pk)
    Notification.objects.bulk_create(
        Notification(
            organisation_id=case.organisation_id,
            recipient=coordinator,
            kind=NotificationKind.BREAK_GLASS,
            case=case,
            actor=membership,
        )
        for coordinator in coordinators
    )
    record_action(
        EventType.BREAK_GLASS,
        membership,
        case,
        {"grant_id": grant.pk, "outcome": "granted", "hours": BREAK_GLASS_HOURS},
    )
    return case


@transaction.atomic
def notifications_mark_read(*, membership: Membership) -> int:
    """Mark every notification of the member read; returns how many were unread."""
    return Notification.objects.filter(recipient=membership, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def identity_reveal(*, membership: Membership, case: Case, reason: str) -> Defender | None:
    """
    Record that a member opens the defender's identity, and why; return the defender to show.

    Permission: CASE_REVEAL_IDENTITY on the case, checked here (Http404 otherwise, AZ-02).
    Nothing stays revealed: the identity is shown in the response to this request only. Side
    effect: one ``case.identity_revealed`` event with the reveal's id (the reason is stored
    encrypted, never in the audit chain). Raises CaseError for a short reason.
    """
    check_permitted(membership, Permission.CASE_REVEAL_IDENTITY, case)
    check_live(case)
    cleaned = required_reason(reason)
    defender = case_principal_defender(membership=membership, case=case)
    with keyring_scope():
        reveal = IdentityReveal(
            case=case, organisation_id=case.organisation_id, recorded_by=membership.user
        )
        reveal.reason = cleaned
        reveal.save()
    record_action(
        EventType.IDENTITY_REVEALED,
        membership,
        case,
        {"reveal_id": reveal.pk, "defender_id": defender.pk if defender else ""},
    )
    return defender


def case_viewed(*, membership: Membership, case: Case, by_break_glass: bool) -> None:
    """
    Record that a member opened a case page, so bulk browsing by an insider shows in the audit
    log (T3). Side effect: one ``case.viewed`` event saying whether access came by break-glass.

    Its one write is ``record_event``, which is atomic on its own: a transaction here as well would
    only add a savepoint to every case page.
    """
    record_action(EventType.CASE_VIEWED, membership, case, {"break_glass": by_break_glass})
