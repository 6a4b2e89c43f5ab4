"""Template context for the layout: the current membership and what its role may use."""

from django.http import HttpRequest

from haven.accounts.selectors import memberships_of
from haven.organisations.policy import permissions_of


def membership(request: HttpRequest) -> dict[str, object]:
    current = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    others = []
    if current is not None and user is not None and user.is_authenticated:
        others = [m for m in memberships_of(user) if m.pk != current.pk]
    return {
        "haven_membership": current,
        "haven_permissions": {permission.value for permission in permissions_of(current)},
        "haven_other_memberships": others,
    }
