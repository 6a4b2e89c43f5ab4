"""
Who may do what with programmes, applications and matching runs.

Coordinators manage the catalogue and run matching; caseworkers read the catalogue and apply for
the cases they may see; legal advisers read the catalogue. A host partner sees only the
applications at the programmes a coordinator assigned to it, with minimum data (a reference, the
window and the status: no case code, no facts, no threats); every other page is 404 to it.
"""

from haven.organisations.models import Role
from haven.organisations.policy import Permission, grant


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
    grant(Role.HOST_PARTNER, Permission.VIEW_HOSTED_APPLICATIONS)
