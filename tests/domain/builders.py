"""Build fictional case facts from the few fields a test cares about."""

from haven.domain.facts import CaseFacts, parse_facts


def make_facts(**sections) -> CaseFacts:
    """Case facts with ``assessed_on`` 2026-11-20 and only the sections given."""
    return parse_facts({"schema": "haven.case-facts/1", "assessed_on": "2026-11-20", **sections})
