"""Who a test acts as: a fictional persona's membership, or ``SYSTEM`` where no person acts."""

from haven.accounts.acting import SYSTEM, Acting
from haven.organisations.models import Membership


def acting(user, organisation=None) -> Acting:
    """
    Return the membership through which ``user`` acts (in ``organisation`` when given), or
    ``SYSTEM`` for ``None``: the import command and the seeders act as no one.
    """
    if user is None:
        return SYSTEM
    if isinstance(user, Membership):
        return user
    memberships = Membership.objects.select_related("user", "organisation").filter(user=user)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return memberships.get()
