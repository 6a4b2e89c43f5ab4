"""
Who may do what with programmes, applications and matching runs.

Coordinators manage the catalogue and run matching; caseworkers read the catalogue and apply for
the cases they may see; legal advisers read the catalogue. Host partners get nothing yet: their
minimal view of applications at their own programme is not built, so they meet the same 404 as
anyone else without a permission.
"""

from haven.accounts.models import Role
from haven.accounts.policy import Permission, grant


def install() -> None:
    """Grant this app's permissions to roles; called once from ``ProgrammesConfig.ready``."""
    grant(
        Role.COORDINATOR,
        Permission.VIEW_PROGRAMMES,
        Permission.MANAGE_PROGRAMMES,
        Permission.MANAGE_APPLICATIONS,
        Permission.REVIEW_APPLICATIONS,
        Permission.RUN_MATCHING,
    )
    grant(Role.CASEWORKER, Permission.VIEW_PROGRAMMES, Permission.MANAGE_APPLICATIONS)
    grant(Role.LEGAL_ADVISER, Permission.VIEW_PROGRAMMES)
