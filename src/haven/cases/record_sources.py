"""
Where apps above ``cases`` say what their own records show about a case.

``cases`` sits below the apps that keep records about a case's later life (a relocation stay, an
asylum referral), so it cannot import them. Instead each such app registers, at start-up:

- a facts contributor, which writes into the case-facts document what its records show (the
  relocation part from the stay, incidents abroad as threats), so the engines see those records
  and nobody types the same fact twice;
- a requirement source, which names the lifecycle requirements its records meet. Those names
  are then derived, never attested by ticking a box.
"""

from collections.abc import Callable, Iterable
from typing import Any

from haven.cases.models import Case

FactsContributor = Callable[[Case, dict[str, Any]], None]
RequirementSource = Callable[[Case], set[str]]

_FACTS_CONTRIBUTORS: list[FactsContributor] = []
_REQUIREMENT_SOURCES: list[RequirementSource] = []
_DERIVED_NAMES: set[str] = set()


def register_facts_contributor(contributor: FactsContributor) -> None:
    """Have ``contributor(case, facts)`` add its records to every facts document built."""
    if contributor not in _FACTS_CONTRIBUTORS:
        _FACTS_CONTRIBUTORS.append(contributor)


def register_requirement_source(source: RequirementSource, *, names: Iterable[str]) -> None:
    """Have ``source(case)`` say which of ``names`` the records meet; ``names`` become derived."""
    if source not in _REQUIREMENT_SOURCES:
        _REQUIREMENT_SOURCES.append(source)
    _DERIVED_NAMES.update(names)


def contribute_facts(case: Case, facts: dict[str, Any]) -> dict[str, Any]:
    """Let every registered app add what its records show to ``facts``; return ``facts``."""
    for contributor in _FACTS_CONTRIBUTORS:
        contributor(case, facts)
    return facts


def requirements_met_elsewhere(case: Case) -> set[str]:
    """The requirements the other apps' records meet for ``case``."""
    met: set[str] = set()
    for source in _REQUIREMENT_SOURCES:
        met |= source(case)
    return met


def derived_elsewhere() -> frozenset[str]:
    """The requirement names other apps derive from their records."""
    return frozenset(_DERIVED_NAMES)
