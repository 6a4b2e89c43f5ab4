"""
Between the case records and one ``haven.case-facts/1`` document.

Threats, prosecutions and dependants are rows of their own (each on the timeline, each with its
own encrypted fields); the rest of the facts (defender profile, context, claim, relocation,
vulnerabilities and capacities) is one encrypted document on the case. ``split_facts`` takes a
full document apart for storage (import, intake) and ``build_facts`` puts it back together for
the engines and for export, so an import followed by an export gives the same facts.
"""

import copy
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

FACTS_SCHEMA_ID = "haven.case-facts/1"


@dataclass
class SplitFacts:
    """A facts document with its repeated records taken out."""

    document: dict[str, Any]
    threats: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    prosecutions: list[dict[str, Any]] = field(default_factory=list)
    dependants: list[dict[str, Any]] = field(default_factory=list)


def split_facts(facts: Mapping[str, Any]) -> SplitFacts:
    """Return the case document and, apart, each threat (with its note), prosecution and dependant."""
    document = copy.deepcopy(dict(facts))
    document["schema"] = FACTS_SCHEMA_ID
    threats = []
    for threat in document.pop("threats", []):
        details = dict(threat)
        note = details.pop("note", None)
        threats.append((details, note))
    prosecutions = [dict(item) for item in document.pop("prosecutions", [])]
    defender = document.get("defender")
    dependants = [dict(item) for item in defender.pop("dependants", [])] if defender else []
    return SplitFacts(document, threats, prosecutions, dependants)


def _copy_json(value: Any) -> Any:
    """
    A deep copy of a JSON value (dicts, lists and immutable scalars), as ``copy.deepcopy`` makes
    it but several times faster: a matching run copies hundreds of facts documents.
    """
    if value.__class__ is dict:
        return {key: _copy_json(item) for key, item in value.items()}
    if value.__class__ is list:
        return [_copy_json(item) for item in value]
    if isinstance(value, dict | list):  # a subclass: keep deepcopy's exact behaviour
        return copy.deepcopy(value)
    return value


def build_facts(
    document: Mapping[str, Any] | None,
    *,
    threats: Iterable[tuple[Mapping[str, Any], str | None]] = (),
    prosecutions: Iterable[Mapping[str, Any]] = (),
    dependants: Iterable[Mapping[str, Any]] = (),
    assessed_on: datetime.date | None = None,
    handed_over: bool = False,
) -> dict[str, Any]:
    """
    Return the full facts document; empty lists are left out, as absent means "not known".

    ``document`` is copied, so a case's cached facts are never changed, unless the caller hands
    it over (``handed_over``): a document just decrypted for this call alone, which is then
    completed in place (a matching run builds hundreds, and copying them cost more than a tenth
    of reading them).
    """
    if handed_over and document is not None:
        facts = document if isinstance(document, dict) else dict(document)
    else:
        facts = {key: _copy_json(value) for key, value in (document or {}).items()}
    facts["schema"] = FACTS_SCHEMA_ID
    if assessed_on is not None:
        facts["assessed_on"] = assessed_on.isoformat()
    threat_items = []
    for details, note in threats:
        item = dict(details)
        if note:
            item["note"] = note
        threat_items.append(item)
    if threat_items:
        facts["threats"] = threat_items
    prosecution_items = [dict(item) for item in prosecutions]
    if prosecution_items:
        facts["prosecutions"] = prosecution_items
    dependant_items = [dict(item) for item in dependants]
    if dependant_items:
        facts.setdefault("defender", {})["dependants"] = dependant_items
    return facts
