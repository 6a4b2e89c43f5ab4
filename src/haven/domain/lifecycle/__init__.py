"""
The case and relocation state machines: which status may follow which, who may move a case
there, and what must be true first.

A case follows the data path of the architecture: intake, screening (is this person a human
rights defender), risk assessment, pathway planning, an application to a programme, relocation,
a return review with risk on return, and then return with follow-up, onward relocation or the
asylum bridge, before closure and, at the end of retention, erasure by crypto-shredding.

The machines only advise on moves. They know nothing about who the acting user is beyond a role
name, and nothing about the database: the caller states which requirements it has checked
(``satisfied``) and the machine answers with the allowed moves and, for every blocked move, the
reasons in plain words. The Django side maps role names to permissions and stores the move with
its audit event.

Each transition names the source of the rule it encodes, so a blocked move can be explained.
History is not tracked here: a case in the asylum bridge may go back either to pathway planning
or to the return review, and the caller offers the one that matches where the case came from.
"""

from haven.domain.lifecycle.case import CASE_MACHINE, CASE_TRANSITIONS
from haven.domain.lifecycle.machine import (
    StateMachine,
    Transition,
    TransitionError,
    TransitionOption,
)
from haven.domain.lifecycle.records import RECORD_DRIVEN_MOVES, follow_records
from haven.domain.lifecycle.relocation import RELOCATION_MACHINE, RELOCATION_TRANSITIONS
from haven.domain.lifecycle.states import (
    REQUIREMENT_DESCRIPTIONS,
    CaseStatus,
    RelocationStatus,
    Requirement,
    Role,
)

__all__ = [
    "CASE_MACHINE",
    "CASE_TRANSITIONS",
    "RECORD_DRIVEN_MOVES",
    "RELOCATION_MACHINE",
    "RELOCATION_TRANSITIONS",
    "REQUIREMENT_DESCRIPTIONS",
    "CaseStatus",
    "RelocationStatus",
    "Requirement",
    "Role",
    "StateMachine",
    "Transition",
    "TransitionError",
    "TransitionOption",
    "follow_records",
]
