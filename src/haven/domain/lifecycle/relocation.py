"""
The relocation lifecycle: from planning through the visa and the journey to the end of the
stay, or its cancellation.
"""

from __future__ import annotations

from haven.domain.lifecycle.machine import StateMachine, Transition
from haven.domain.lifecycle.states import STAFF, RelocationStatus, Requirement


def _relocation(
    source: RelocationStatus,
    target: RelocationStatus,
    label: str,
    *requirements: Requirement,
) -> Transition[RelocationStatus]:
    return Transition(source, target, label, frozenset(STAFF), requirements)


_CANCELLABLE = (
    RelocationStatus.PLANNED,
    RelocationStatus.VISA_APPLIED,
    RelocationStatus.VISA_GRANTED,
    RelocationStatus.VISA_REFUSED,
)

RELOCATION_TRANSITIONS: tuple[Transition[RelocationStatus], ...] = (
    _relocation(
        RelocationStatus.PLANNED,
        RelocationStatus.VISA_APPLIED,
        "Visa applied for",
        Requirement.VISA_APPLICATION_SUBMITTED,
    ),
    _relocation(
        RelocationStatus.PLANNED,
        RelocationStatus.TRAVELLING,
        "No visa needed: travel",
        Requirement.VISA_NOT_REQUIRED,
        Requirement.TRAVEL_BOOKED,
        Requirement.TRAVEL_SECURITY_PLAN_RECORDED,
    ),
    _relocation(
        RelocationStatus.VISA_APPLIED,
        RelocationStatus.VISA_GRANTED,
        "Visa granted",
        Requirement.VISA_DECISION_RECORDED,
    ),
    _relocation(
        RelocationStatus.VISA_APPLIED,
        RelocationStatus.VISA_REFUSED,
        "Visa refused",
        Requirement.VISA_DECISION_RECORDED,
    ),
    _relocation(
        RelocationStatus.VISA_REFUSED,
        RelocationStatus.VISA_APPLIED,
        "Apply again or appeal the refusal",
        Requirement.VISA_APPLICATION_SUBMITTED,
    ),
    _relocation(
        RelocationStatus.VISA_GRANTED,
        RelocationStatus.TRAVELLING,
        "Travel to the host",
        Requirement.TRAVEL_BOOKED,
        Requirement.TRAVEL_SECURITY_PLAN_RECORDED,
    ),
    _relocation(
        RelocationStatus.TRAVELLING,
        RelocationStatus.IN_STAY,
        "Arrived: the stay begins",
        Requirement.ARRIVAL_CONFIRMED,
    ),
    _relocation(
        RelocationStatus.IN_STAY,
        RelocationStatus.EXTENSION_REQUESTED,
        "Request an extension of the stay",
        Requirement.WELLBEING_CHECK_IN_RECORDED,
        Requirement.EXTENSION_REQUEST_SUBMITTED,
    ),
    _relocation(
        RelocationStatus.EXTENSION_REQUESTED,
        RelocationStatus.EXTENDED,
        "Extension granted",
        Requirement.EXTENSION_DECISION_RECORDED,
        Requirement.EXTENSION_GRANTED,
    ),
    _relocation(
        RelocationStatus.EXTENSION_REQUESTED,
        RelocationStatus.IN_STAY,
        "Extension refused: the stay continues to its planned end",
        Requirement.EXTENSION_DECISION_RECORDED,
    ),
    _relocation(
        RelocationStatus.EXTENDED,
        RelocationStatus.EXTENSION_REQUESTED,
        "Request a further extension",
        Requirement.WELLBEING_CHECK_IN_RECORDED,
        Requirement.EXTENSION_REQUEST_SUBMITTED,
    ),
    _relocation(
        RelocationStatus.IN_STAY,
        RelocationStatus.ENDED,
        "The stay ends",
        Requirement.STAY_END_RECORDED,
    ),
    _relocation(
        RelocationStatus.EXTENDED,
        RelocationStatus.ENDED,
        "The extended stay ends",
        Requirement.STAY_END_RECORDED,
    ),
    _relocation(
        RelocationStatus.TRAVELLING,
        RelocationStatus.CANCELLED,
        "The journey was stopped",
        Requirement.CANCELLATION_REASON_RECORDED,
    ),
    *(
        _relocation(
            status,
            RelocationStatus.CANCELLED,
            "Cancel the relocation",
            Requirement.CANCELLATION_REASON_RECORDED,
        )
        for status in _CANCELLABLE
    ),
)

RELOCATION_MACHINE: StateMachine[RelocationStatus] = StateMachine(
    name="relocation",
    initial=RelocationStatus.PLANNED,
    final=frozenset({RelocationStatus.ENDED, RelocationStatus.CANCELLED}),
    transitions=RELOCATION_TRANSITIONS,
)
