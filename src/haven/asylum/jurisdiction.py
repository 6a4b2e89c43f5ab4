"""
The assessment's jurisdiction follows the host state, with a warning when the record differs.

A defender in Spain will be heard by Spain, under the EU standard; assessing them under the UK's
(as happened, issue 13) gives staff the wrong test without saying so. So the host state decides:
the host state of the stay under way (from the confirmed arrival until it ends), or else where the
defender is, when that is outside the country of risk. Its jurisdiction, from the host-state
catalogue, is written into the facts the engines read (a facts contributor in
``haven.cases.record_sources``), and the case page warns when the jurisdiction recorded on the
case, or the one the latest assessment used, is another.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from haven.cases.countries import country_name
from haven.cases.models import Case
from haven.cases.record_sources import register_facts_contributor
from haven.cases.selectors import latest_assessment
from haven.cases.vocabulary import term
from haven.domain.host_states import jurisdiction_warning
from haven.organisations.models import Membership
from haven.reference import host_state_catalogue
from haven.relocations.case_records import current_stay
from haven.relocations.models import Stay
from haven.vault.keyring import keyring_scope

RECORDED_DIFFERS = _(
    "The defender is in %(state)s, where claims are decided under the %(expected)s standard, but "
    "the case records %(recorded)s. The engines now use %(expected)s; change the recorded "
    "jurisdiction, or ask counsel why it should stay."
)
ASSESSED_DIFFERS = _(
    "The latest assessment was made under the %(recorded)s standard, but the defender is in "
    "%(state)s, where claims are decided under %(expected)s: run a new assessment."
)


@dataclass(frozen=True)
class Host:
    """The host state a defender is in, and the stay that put them there (if any)."""

    state: str
    stay: Stay | None


def current_host(case: Case) -> Host | None:
    """The host state of the stay under way, or where the defender is outside the country of risk."""
    stay = current_stay(case)
    if stay is not None and stay.arrived_on is not None and stay.ended_on is None:
        return Host(stay.host_country.upper(), stay)
    with keyring_scope():
        facts = case.facts or {}
    here = (facts.get("defender") or {}).get("current_country")
    home = (facts.get("context") or {}).get("country")
    if here and home and here != home:
        return Host(str(here).upper(), None)
    return None


def host_jurisdiction(host_state: str) -> str | None:
    rules = host_state_catalogue().rules_for(host_state)
    return rules.jurisdiction if rules is not None else None


def jurisdiction_notices(*, membership: Membership, case: Case, host_state: str) -> list[str]:
    """Warnings, in words, when the recorded or the last assessed jurisdiction is not the host's."""
    catalogue = host_state_catalogue()
    with keyring_scope():
        recorded = ((case.facts or {}).get("claim") or {}).get("jurisdiction")
        latest = latest_assessment(membership=membership, case=case)
        assessed = (
            ((latest.output or {}).get("protection") or {}).get("jurisdiction") if latest else None
        )
    notices = []
    for value, words in ((recorded, RECORDED_DIFFERS), (assessed, ASSESSED_DIFFERS)):
        notice = jurisdiction_warning(catalogue, host_state, value)
        if notice is None:
            continue
        params = {
            "state": country_name(host_state),
            "expected": term(notice.params["expected"]),
            "recorded": term(notice.params["recorded"]),
        }
        notices.append(str(words) % params)
    return notices


def contribute(case: Case, facts: dict[str, Any]) -> None:
    """Write the host state's jurisdiction into the facts the engines read."""
    host = current_host(case)
    if host is None:
        return
    expected = host_jurisdiction(host.state)
    if expected is not None:
        facts.setdefault("claim", {})["jurisdiction"] = expected


def install() -> None:
    register_facts_contributor(contribute)
