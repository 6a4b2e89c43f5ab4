"""
Checks that several case services make before they write: the case is live, a reason is long
enough, an urgency is known, the facts still pass the engines' parser, and the member may do
this to the case at all. Also the two shapes
every write to a case shares: ``on_case`` (the fields a record kept on a case starts with) and
``touch`` (the case marked changed).
"""

from collections.abc import Mapping
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, acting_user, permits
from haven.cases.errors import CaseError
from haven.cases.models import Case, CaseStatus, Urgency
from haven.cases.selectors import case_facts
from haven.domain.facts import FactsError, parse_facts
from haven.organisations.models import Membership, Organisation
from haven.organisations.policy import Permission

CASE_ERASED = _("This case was erased and can no longer be changed.")
UNKNOWN_URGENCY = _("That urgency is not one Haven knows.")
REASON_REQUIRED = _("Give a reason of at least %(minimum)s characters.")
FACTS_INVALID = _("These facts cannot be saved: %(problems)s")
MINIMUM_REASON = 10


def check_permitted(membership: Acting, permission: Permission, case: Case) -> None:
    """
    Refuse, as not found (AZ-02), a member who may not do ``permission`` to ``case``: the
    service asks itself, so a page, the ``haven`` command and the API get the same answer.
    """
    if not permits(membership, permission, case):
        raise Http404


def check_permitted_in(
    membership: Acting, permission: Permission, organisation: Organisation
) -> None:
    """
    Refuse, as not found (AZ-02), a member whose role lacks ``permission`` or who acts for
    another organisation than ``organisation``: for writes with no case yet, such as opening one.
    ``SYSTEM`` passes.
    """
    if not permits(membership, permission):
        raise Http404
    if isinstance(membership, Membership) and membership.organisation_id != organisation.pk:
        raise Http404


def check_live(case: Case) -> None:
    """Refuse any change to an erased case."""
    if case.status == CaseStatus.ERASED:
        raise CaseError(CASE_ERASED)


def check_urgency(urgency: str) -> None:
    """Refuse an urgency the model does not define."""
    if urgency not in Urgency.values:
        raise CaseError(UNKNOWN_URGENCY)


def on_case(case: Case, membership: Acting) -> dict[str, Any]:
    """
    The fields every record kept on a case starts with: the case, the organisation it is filed
    under and who recorded it (none for ``SYSTEM``), so no record is filed apart from its case.
    """
    return {
        "case": case,
        "organisation_id": case.organisation_id,
        "recorded_by": acting_user(membership),
    }


def touch(case: Case, **columns: Any) -> None:
    """
    Mark the case changed now, for the lists ordered by last change, writing ``columns`` (plain
    columns of the case row) in the same UPDATE and onto ``case``, so the caller's copy says what
    the row now says.
    """
    Case.objects.filter(pk=case.pk).update(**columns, updated_at=timezone.now())
    for name, value in columns.items():
        setattr(case, name, value)


def required_reason(reason: str) -> str:
    """Return the reason stripped, refusing one shorter than ``MINIMUM_REASON`` characters."""
    cleaned = (reason or "").strip()
    if len(cleaned) < MINIMUM_REASON:
        raise CaseError(REASON_REQUIRED, minimum=MINIMUM_REASON)
    return cleaned


def facts_problems(
    membership: Acting,
    case: Case,
    *,
    document: Mapping[str, Any] | None = None,
    extra: Any = None,
) -> list[tuple[str, str]]:
    """Return what is wrong with the case's facts once ``document`` and ``extra`` rows are applied."""
    facts = case_facts(membership=membership, case=case, assessed_on=timezone.localdate())
    if document is not None:
        rebuilt = dict(document)
        for key in ("threats", "prosecutions"):
            if key in facts:
                rebuilt[key] = facts[key]
        dependants = facts.get("defender", {}).get("dependants")
        if dependants:
            rebuilt.setdefault("defender", {})["dependants"] = dependants
        rebuilt["assessed_on"] = facts["assessed_on"]
        facts = rebuilt
    if extra is not None:
        section, item = extra
        if section == "dependants":
            facts.setdefault("defender", {}).setdefault("dependants", []).append(item)
        else:
            facts.setdefault(section, []).append(item)
    return parse_problems(facts)


def parse_problems(facts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return every problem the engines' parser finds in ``facts`` (none when they pass)."""
    try:
        parse_facts(facts)
    except FactsError as error:
        return list(error.problems)
    return []


def raise_problems(problems: list[tuple[str, str]]) -> None:
    """Refuse with every problem listed, when there is any."""
    if problems:
        text = "; ".join(f"{path}: {message}" for path, message in problems)
        raise CaseError(FACTS_INVALID, problems=text)
