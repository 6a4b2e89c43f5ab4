"""
The permission check every programmes write makes itself, so a page, the ``haven`` command and the
API get the same answer whatever they checked before calling.
"""

from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, permits
from haven.organisations.policy import Permission
from haven.programmes.errors import ProgrammeError

NOT_A_PROGRAMME_MANAGER = _("Your role does not manage the programme catalogue.")


def check_permitted(
    membership: Acting, permission: Permission, subject: object, refusal: str | Promise
) -> None:
    """
    Refuse a role without ``permission`` with ``refusal``, and answer a ``subject`` the member may
    not reach as not found, like one that does not exist (AZ-02). ``SYSTEM`` passes.
    """
    if not permits(membership, permission):
        raise ProgrammeError(refusal)
    if not permits(membership, permission, subject):
        raise Http404
