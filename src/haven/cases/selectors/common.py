"""
What every read of cases shares: the case's keys to load with it, the closed statuses, the page
size, the 404 that never tells a missing case from a hidden one, and the two checks of who asks.
"""

from django.http import Http404

from haven.accounts.acting import Acting, permits
from haven.cases.models import Case, CaseStatus
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission

CASE_KEYS = "data_key__organisation_key"
CLOSED_STATUSES = (CaseStatus.CLOSED, CaseStatus.ERASED, CaseStatus.NOT_ELIGIBLE)
CASES_PER_PAGE = 50


class CaseNotFoundError(Http404):
    """The case does not exist or the member may not see it; the two are never told apart."""


def _active(membership: Membership | None) -> bool:
    return (
        membership is not None
        and membership.is_active
        and membership.role in (Role.COORDINATOR, Role.CASEWORKER, Role.LEGAL_ADVISER)
    )


def _check_sees(membership: Acting | None, case: Case) -> None:
    """
    Refuse, as not found (AZ-02, AZ-03), a member who may not see ``case``; ``SYSTEM`` (the
    ``haven cases`` command, a service called with no person behind it) passes, as in the
    services' own checks. Inside a case page reading the case's object rule costs no query:
    ``case_get`` already answered it.
    """
    if membership is None or not permits(membership, Permission.CASE_VIEW, case):
        raise CaseNotFoundError
