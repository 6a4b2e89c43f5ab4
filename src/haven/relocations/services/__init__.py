"""
Every write to a stay, one function per use case, one module per topic, re-exported here.

Each takes the acting member first, checks its own permission (so the web, the CLI and a future
API get the same answer), runs in one transaction and writes its audit event (ids and enumerated
values only) in it. Most writes open with ``writable_stay`` (in ``common``: reached, locked, still
open) and close with ``stay_written`` (the audit event, then ``_refresh``, which reads the stay's
stage and due dates from its records, ``haven.domain.stay``, and lets the case follow where the
records now lead).

Read first: ``common`` (opening and closing a write, refusals, the refresh), ``opening`` (an accepted offer becomes a
stay), ``preparation`` (visa, travel plan, travellers), ``arrival``, ``events`` (check-ins and
incidents), ``extensions``, ``ending`` (shredding the travel plan, cancelling).
"""

from haven.relocations.services.arrival import (
    ALREADY_ARRIVED,
    NOT_ARRIVED,
    arrival_confirm,
)
from haven.relocations.services.common import (
    ARRIVAL_IN_FUTURE,
    FUTURE_DATE,
    PROBLEM_MESSAGES,
    STAY_CLOSED,
    StayError,
    lock_stay,
    record_stay_event,
    refuse_if_closed,
    stay_rules,
)
from haven.relocations.services.ending import (
    CANCEL_DATE_WRONG,
    EXTENSION_FIRST,
    NOT_CANCELLABLE,
    NOTHING_TO_SHRED,
    SHRED_BEFORE_ARRIVAL,
    stay_cancel,
    travel_plan_shred,
)
from haven.relocations.services.events import (
    BEFORE_ARRIVAL,
    check_in_record,
    stay_event_record,
)
from haven.relocations.services.extensions import (
    EXTENSION_DECIDED,
    EXTENSION_PENDING,
    extension_decide,
    extension_request,
)
from haven.relocations.services.opening import (
    ALREADY_OPEN,
    NOT_A_HOST_COUNTRY,
    NOT_AN_OFFER,
    UNKNOWN_DEPENDANT,
    stay_open,
)
from haven.relocations.services.preparation import (
    ARRIVAL_BEFORE_LANDING,
    preparation_save,
    stipend_traceable,
    traveller_record,
    visa_record,
)

__all__ = [
    "ALREADY_ARRIVED",
    "ALREADY_OPEN",
    "ARRIVAL_BEFORE_LANDING",
    "ARRIVAL_IN_FUTURE",
    "BEFORE_ARRIVAL",
    "CANCEL_DATE_WRONG",
    "EXTENSION_DECIDED",
    "EXTENSION_FIRST",
    "EXTENSION_PENDING",
    "FUTURE_DATE",
    "NOTHING_TO_SHRED",
    "NOT_AN_OFFER",
    "NOT_ARRIVED",
    "NOT_A_HOST_COUNTRY",
    "NOT_CANCELLABLE",
    "PROBLEM_MESSAGES",
    "SHRED_BEFORE_ARRIVAL",
    "STAY_CLOSED",
    "UNKNOWN_DEPENDANT",
    "StayError",
    "arrival_confirm",
    "check_in_record",
    "extension_decide",
    "extension_request",
    "lock_stay",
    "preparation_save",
    "record_stay_event",
    "refuse_if_closed",
    "stay_cancel",
    "stay_event_record",
    "stay_open",
    "stay_rules",
    "stipend_traceable",
    "travel_plan_shred",
    "traveller_record",
    "visa_record",
]
