"""The case's defender at its centre and its full facts document (what the engines are run on)."""

from typing import Any

from haven.accounts.acting import Acting
from haven.cases.facts_mapping import build_facts
from haven.cases.models import Case, Defender, Dependant, Prosecution, Threat
from haven.cases.record_sources import contribute_facts
from haven.cases.selectors.common import CASE_KEYS, _check_sees


def case_principal_defender(*, membership: Acting, case: Case) -> Defender | None:
    """Return the defender at the centre of ``case``, for a member who may see it (404 otherwise)."""
    _check_sees(membership, case)
    return (
        case.defenders.select_related(CASE_KEYS).order_by("case_links__role", "created_at").first()
    )


def case_facts(*, membership: Acting, case: Case, assessed_on: Any = None) -> dict[str, Any]:
    """
    Return the case's full facts document: its own part and its threat, prosecution and dependant
    rows, for a member who may see the case (404 otherwise, AZ-02).
    """
    _check_sees(membership, case)
    threats = Threat.objects.filter(case=case).order_by("recorded_at")
    prosecutions = Prosecution.objects.filter(case=case).order_by("recorded_at")
    dependants = Dependant.objects.filter(case=case).order_by("recorded_at")
    facts = build_facts(
        case.facts,
        threats=[(threat.details, threat.narrative) for threat in threats],
        prosecutions=[item.details for item in prosecutions],
        dependants=[item.details for item in dependants],
        assessed_on=assessed_on,
    )
    return contribute_facts(case, facts)
