"""
Who may see and write which stay (AZ-03, need-to-know).

Staff reach a stay through its case: the case's own rule (assigned, coordinator, break-glass)
decides. A host partner reaches a stay only while a coordinator has assigned it to the stay's
programme, and then only the host view: dates, how many people, needs, arrival, check-ins and
local incidents, never the case, its threats or its travel plan. The rule exists for one object
(``may_reach_stay``) and for SQL (``reachable_stays_filter``); selectors use the second.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q

from haven.cases.access import visible_cases_filter
from haven.cases.models import Case
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, grant, may, register_object_rule
from haven.programmes.models import HostPartnerAssignment
from haven.relocations.models import Stay, StayStatus

STAFF_ROLES = (Role.COORDINATOR, Role.CASEWORKER, Role.LEGAL_ADVISER)


def is_host_partner(membership: Membership) -> bool:
    return membership.role == Role.HOST_PARTNER


def reachable_stays_filter(membership: Membership) -> Q:
    """The SQL condition for the stays ``membership`` may reach."""
    same_organisation = Q(organisation_id=membership.organisation_id)
    if is_host_partner(membership):
        hosts = Exists(
            HostPartnerAssignment.objects.filter(
                programme_id=OuterRef("programme_id"), membership_id=membership.pk
            )
        )
        return same_organisation & Q(hosts) & ~Q(status=StayStatus.CANCELLED)
    if membership.role not in STAFF_ROLES:
        return Q(pk__in=[])
    visible = Case.objects.filter(visible_cases_filter(membership)).values("pk")
    return same_organisation & Q(case_id__in=visible)


def may_reach_stay(membership: Membership, permission: Permission, stay: Any) -> bool:
    """The object rule for ``Stay``."""
    if stay.organisation_id != membership.organisation_id:
        return False
    if is_host_partner(membership):
        return Stay.objects.filter(pk=stay.pk).filter(reachable_stays_filter(membership)).exists()
    return may(membership, Permission.CASE_VIEW, stay.case)


def install() -> None:
    """Grant the stay permissions and register the object rule (app start-up)."""
    grant(Role.COORDINATOR, Permission.STAY_VIEW, Permission.STAY_MANAGE, Permission.STAY_DECIDE)
    grant(Role.CASEWORKER, Permission.STAY_VIEW, Permission.STAY_MANAGE)
    grant(Role.LEGAL_ADVISER, Permission.STAY_VIEW)
    # Host partners reach the same stay pages; selectors and templates give them the host view.
    grant(Role.HOST_PARTNER, Permission.STAY_VIEW, Permission.STAY_HOST)
    register_object_rule(Stay, may_reach_stay)
