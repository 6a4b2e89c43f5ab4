"""
Who reaches the asylum bridge's records (AZ-03, need-to-know: that a defender considers asylum,
a claim and legal advice are never shared without the defender's consent).

Only the case team: coordinators, caseworkers and legal advisers who may see the case. Host
partners, analysts and auditors hold none of these permissions, so every asylum page answers
them 404; a member of another organisation is refused by the case's own rule. Only a legal
adviser records a legal opinion.
"""

from typing import Any

from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, grant, may


def may_reach_case_records(
    membership: Membership | None, permission: Permission, case: Any
) -> bool:
    """Whether ``membership`` holds ``permission`` and may see ``case`` (its object rule decides)."""
    return may(membership, permission) and may(membership, Permission.CASE_VIEW, case)


def install() -> None:
    """Grant the asylum permissions (app start-up)."""
    for role in (Role.COORDINATOR, Role.CASEWORKER, Role.LEGAL_ADVISER):
        grant(role, Permission.ASYLUM_VIEW, Permission.ASYLUM_RECORD)
    grant(Role.LEGAL_ADVISER, Permission.ASYLUM_LEGAL_OPINION)
