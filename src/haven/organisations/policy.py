"""
The one place that answers "may this member do this to this object".

Two layers:

1. Roles grant permissions (``ROLE_PERMISSIONS``). A permission is a verb on a kind of thing
   ("members.manage", "audit.view"); views declare the permission they need with
   ``haven.accounts.access.requires`` and never look at the role themselves.
2. Object rules narrow that to one object. Each app registers a rule for its models with
   ``register_object_rule``; without one, an object is reachable only when its ``organisation_id``
   is the member's organisation. An object with neither is refused: deny by default (AZ-01).

Selectors call ``may(..., obj)`` (or filter by the same rule in SQL) and raise ``Http404`` when it
says no, so a user cannot tell "not yours" from "does not exist" (AZ-02).
"""

from collections.abc import Callable
from enum import StrEnum, unique
from typing import Any

from haven.organisations.models import Membership, Role


@unique
class Permission(StrEnum):
    """What a role can be allowed to do. Add members for new apps; never rename old ones."""

    MANAGE_MEMBERS = "members.manage"
    END_MEMBER_SESSIONS = "members.end_sessions"
    VIEW_AUDIT_LOG = "audit.view"
    VIEW_PROGRAMMES = "programmes.view"
    MANAGE_PROGRAMMES = "programmes.manage"
    MANAGE_APPLICATIONS = "programmes.applications"
    REVIEW_APPLICATIONS = "programmes.review_applications"
    RUN_MATCHING = "programmes.matching"
    VIEW_HOSTED_APPLICATIONS = "programmes.hosted_applications"
    CASE_VIEW = "cases.view"
    CASE_OPEN = "cases.open"
    CASE_EDIT = "cases.edit"
    CASE_ASSIGN = "cases.assign"
    CASE_REVEAL_IDENTITY = "cases.reveal_identity"
    CASE_BREAK_GLASS = "cases.break_glass"
    PORTAL_TRIAGE = "portal.triage"
    STAY_VIEW = "relocations.view"
    STAY_MANAGE = "relocations.manage"
    STAY_DECIDE = "relocations.decide"
    STAY_HOST = "relocations.host"
    VIEW_REPORTS = "reports.view"
    ASYLUM_VIEW = "asylum.view"
    ASYLUM_RECORD = "asylum.record"
    ASYLUM_LEGAL_OPINION = "asylum.legal_opinion"
    COUNSEL_DIRECTORY_MANAGE = "counsel.directory_manage"
    COUNSEL_REFER = "counsel.refer"
    CASE_ERASE = "cases.erase"
    VIEW_OVERVIEW = "reports.overview"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.COORDINATOR: frozenset(
        {
            Permission.MANAGE_MEMBERS,
            Permission.END_MEMBER_SESSIONS,
            Permission.VIEW_AUDIT_LOG,
            Permission.VIEW_REPORTS,
        }
    ),
    Role.CASEWORKER: frozenset(),
    Role.LEGAL_ADVISER: frozenset(),
    Role.HOST_PARTNER: frozenset(),
    Role.ANALYST: frozenset({Permission.VIEW_REPORTS}),
    Role.AUDITOR: frozenset({Permission.VIEW_AUDIT_LOG}),
}

ObjectRule = Callable[[Membership, Permission, Any], bool]
_OBJECT_RULES: dict[type, ObjectRule] = {}


def grant(role: Role, *permissions: Permission) -> None:
    """Add permissions to a role; apps call this at start-up for the permissions they define."""
    ROLE_PERMISSIONS[role] = ROLE_PERMISSIONS.get(role, frozenset()) | frozenset(permissions)


def register_object_rule(model: type, rule: ObjectRule) -> None:
    """Make ``rule(membership, permission, obj)`` decide access to instances of ``model``."""
    _OBJECT_RULES[model] = rule


def permissions_of(membership: Membership | None) -> frozenset[Permission]:
    """Return what a membership allows: nothing at all when it or its user is inactive."""
    if membership is None or not membership.is_active or not membership.user.is_active:
        return frozenset()
    if not membership.organisation.is_active:
        return frozenset()
    return ROLE_PERMISSIONS.get(membership.role, frozenset())


def _same_organisation(membership: Membership, permission: Permission, obj: Any) -> bool:
    organisation_id = getattr(obj, "organisation_id", None)
    return organisation_id is not None and organisation_id == membership.organisation_id


def may(membership: Membership | None, permission: Permission, obj: Any = None) -> bool:
    """Return whether the member may do ``permission``, to ``obj`` when one is given."""
    if membership is None or permission not in permissions_of(membership):
        return False
    if obj is None:
        return True
    for klass in type(obj).__mro__:
        rule = _OBJECT_RULES.get(klass)
        if rule is not None:
            return rule(membership, permission, obj)
    return _same_organisation(membership, permission, obj)
