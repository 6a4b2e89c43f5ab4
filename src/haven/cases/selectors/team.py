"""
The case's team: the members who may be assigned, whether a member is, and whether a member sees
the case only through an emergency (break-glass) grant.
"""

from django.db.models import QuerySet
from django.utils import timezone

from haven.cases.access import supervises_all_cases
from haven.cases.models import Assignment, Case
from haven.cases.selectors.common import CaseNotFoundError
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, may


def case_assignable_members(*, membership: Membership | None, case: Case) -> QuerySet[Membership]:
    """
    Members of the case's organisation who can work on cases, for the assignment form: for a member
    who may change that case's team; 404 for anyone else (AZ-02, AZ-03).
    """
    if not may(membership, Permission.CASE_ASSIGN, case):
        raise CaseNotFoundError
    return (
        Membership.objects.filter(
            organisation_id=case.organisation_id,
            is_active=True,
            role__in=(Role.CASEWORKER, Role.LEGAL_ADVISER, Role.COORDINATOR),
        )
        .select_related("user")
        .order_by("user__username")
    )


def is_assigned(*, membership: Membership, case: Case) -> bool:
    return Assignment.objects.filter(case=case, membership=membership).exists()


def sees_by_break_glass(
    *, membership: Membership, case: Case, assignments: list[Assignment] | None = None
) -> bool:
    """Whether the member sees the case only through an emergency grant (the page says so)."""
    if supervises_all_cases(membership):
        return False
    if assignments is not None:
        # ``case`` came from ``case_get``: not assigned means it is visible through a grant.
        return membership.pk not in {assignment.membership_id for assignment in assignments}
    if is_assigned(membership=membership, case=case):
        return False
    return case.break_glass_grants.filter(
        membership=membership, expires_at__gt=timezone.now()
    ).exists()
