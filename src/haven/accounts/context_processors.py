"""Template context for the layout: the current membership and what its role may use."""

from django.http import HttpRequest

from haven.accounts.selectors import memberships_of
from haven.organisations.models import Role
from haven.organisations.policy import Permission, permissions_of

# Templates ask ``Permission.CASE_EDIT in haven_permissions``; a template would call the enum class
# itself, so pages get its members by name instead (a typo then shows nothing, never a raw string).
PERMISSIONS_BY_NAME = {permission.name: permission for permission in Permission}


def membership(request: HttpRequest) -> dict[str, object]:
    current = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    others = []
    if current is not None and user is not None and user.is_authenticated:
        # The middleware already read them; requests it did not see (API, tests) ask again.
        memberships = getattr(request, "memberships", None)
        if memberships is None:
            memberships = list(memberships_of(user))
        others = [m for m in memberships if m.pk != current.pk]
    return {
        "haven_membership": current,
        # The role's label from its enum: ``get_role_display`` builds a dictionary of every
        # role's translated label to find one, on every signed-in page (issue 17).
        "haven_role": Role(current.role).label if current is not None else "",
        "haven_permissions": {permission.value for permission in permissions_of(current)},
        "haven_other_memberships": others,
        "Permission": PERMISSIONS_BY_NAME,
    }
