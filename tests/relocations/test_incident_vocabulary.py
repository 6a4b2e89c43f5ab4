"""
A stay's incidents are handed to the engines as case-facts threats (``incident_threats``), so
each incident type must be a threat kind of the case-facts schema, which the risk engine weighs
(``THREAT_SEVERITY``): the model's docstring promises it, and this holds it.
"""

import json
from importlib import resources

from haven.relocations.models import IncidentType


def test_every_incident_type_is_a_case_facts_threat_kind() -> None:
    schema = json.loads(
        resources.files("haven").joinpath("spec/case-facts.schema.json").read_text()
    )
    threat_kinds = set(schema["$defs"]["threat_kind"]["enum"])

    assert set(IncidentType.values) <= threat_kinds
