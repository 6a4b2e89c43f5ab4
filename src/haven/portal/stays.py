"""
Whether a defender's case has a relocation stay running, for the portal's check-in entry.

The ``relocations`` app (built in parallel) owns stays. Until it lands there is no stay to ask
about, so the answer is always False and the status page shows no check-in or incident entry.
Wiring it means answering from the relocation's own selector here, and adding the check-in and
incident forms that write onto that stay.
"""

from haven.cases.models import Case


def case_has_active_stay(case: Case | None) -> bool:
    """Return whether ``case`` has a stay under way; always False until relocations exist."""
    return False
