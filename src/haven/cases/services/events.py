"""The audit event every case service writes: about one case, by the acting member or Haven."""

from collections.abc import Mapping
from typing import Any

from haven.accounts.acting import Acting, acting_user
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.cases.models import Case


def record_case_event(
    event_type: EventType, *, membership: Acting, case: Case, data: Mapping[str, Any]
) -> None:
    """Append ``event_type`` about ``case`` to the chain; ``data`` holds ids and enum values only."""
    record_event(
        event_type,
        actor=acting_user(membership),
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data=data,
    )
