"""
Ending a stay early and shredding the travel plan once it is no longer needed.
"""

import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, SystemActor
from haven.audit.events import EventType
from haven.cases.models import CaseStatus
from haven.domain.lifecycle import RelocationStatus
from haven.domain.stay import (
    cancel_target,
)
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.relocations.models import (
    CancelGround,
    Preparation,
    Stay,
    StayOutcome,
)
from haven.relocations.services.common import (
    StayError,
    _reachable,
    _refresh,
    case_follows_stay,
    lock_stay,
    record_stay_event,
    stay_written,
)
from haven.vault.keyring import keyring_scope

NOTHING_TO_SHRED = _("There is no travel plan left to shred.")
SHRED_BEFORE_ARRIVAL = _(
    "The travel plan is shredded after the arrival, or when the stay is cancelled."
)
CANCEL_DATE_WRONG = _("The cancellation date cannot be in the future or before the arrival.")
NOT_CANCELLABLE = _("This stay has already ended or been cancelled.")
EXTENSION_FIRST = _("Decide the extension waiting on this stay first, then end it.")


def _shred(preparation: Preparation) -> None:
    preparation.travel_plan = None
    preparation.flight_details = None
    preparation.expected_arrival = None
    preparation.travel_plan_shredded_at = timezone.now()
    preparation.save(
        update_fields=[
            "travel_plan",
            "flight_details",
            "expected_arrival",
            "travel_plan_shredded_at",
        ]
    )


@transaction.atomic
def travel_plan_shred(*, membership: Acting, stay: Stay) -> Preparation:
    """
    Destroy the travel plan: route and transits, flight details and the scheduled landing are
    overwritten with nothing (their ciphertext is gone from the row), and the stay forgets when
    the defender was due to land. That a plan existed stays on record, so the stage holds.

    Called by staff after the arrival (STAY_MANAGE), and by the reminder job as ``SYSTEM`` once
    the programme's days after arrival have passed (30 days by default: route and dates are the
    most dangerous data before travel and serve no one once the defender has arrived). Refused
    before the arrival of a stay under way, and when nothing is left to shred.
    Side effect: one ``relocation.travel_plan_shredded`` event saying whether a person or the
    schedule did it.
    """
    _reachable(membership, Permission.STAY_MANAGE, stay)
    stay = lock_stay(stay)
    if stay.arrived_on is None and stay.cancelled_on is None:
        raise StayError(SHRED_BEFORE_ARRIVAL)
    preparation = Preparation.objects.select_for_update().filter(stay=stay).first()
    if preparation is None or preparation.travel_plan_shredded_at is not None:
        raise StayError(NOTHING_TO_SHRED)
    _shred(preparation)
    stay_written(
        membership,
        stay,
        EventType.STAY_TRAVEL_PLAN_SHREDDED,
        scheduled=isinstance(membership, SystemActor),
    )
    return preparation


@transaction.atomic
def stay_cancel(
    *,
    membership: Membership,
    stay: Stay,
    ground: str,
    on: datetime.date,
    note: str = "",
) -> Stay:
    """
    Cancel a stay, before the departure or after the arrival, with its ground and a note.

    Permission: STAY_DECIDE (the coordinator decides what the programme funds). The relocation
    machine decides where it goes (``cancel_target``): before the arrival the stay is
    ``cancelled``, its travel plan shredded at once (it has no more use) and the case, if it was
    preparing this relocation, goes back to pathway planning by its records. After the arrival
    the stay ``ended`` early on the date given, outcome "ended early" (updatable later); the
    return and its follow-ups stay with the staff. A stay already ended or cancelled, or one
    with an extension waiting, is refused; so is a date in the future or before the arrival.
    Host partners no longer see a cancelled stay. Side effects: ``relocation.stay_cancelled``
    with the ground (an enumerated value; the note is encrypted), and
    ``relocation.travel_plan_shredded`` when a plan was shredded.
    """
    _reachable(membership, Permission.STAY_DECIDE, stay)
    stay = lock_stay(stay)
    target = cancel_target(RelocationStatus(stay.status), arrived=stay.arrived_on is not None)
    if target is None:
        if stay.status == RelocationStatus.EXTENSION_REQUESTED:
            raise StayError(EXTENSION_FIRST)
        raise StayError(NOT_CANCELLABLE)
    if ground not in CancelGround.values:
        raise Http404
    if on > timezone.localdate() or (stay.arrived_on is not None and on < stay.arrived_on):
        raise StayError(CANCEL_DATE_WRONG)
    after_arrival = stay.arrived_on is not None
    with keyring_scope():
        stay.cancelled_on = on
        stay.cancel_ground = ground
        stay.cancel_note = note.strip() or None
        fields = ["cancelled_on", "cancel_ground", "cancel_note"]
        if after_arrival:
            stay.ended_on = on
            stay.outcome = StayOutcome.ENDED_EARLY
            stay.outcome_on = on
            fields += ["ended_on", "outcome", "outcome_on"]
        stay.save(update_fields=fields)
        record_stay_event(
            membership,
            stay,
            EventType.STAY_CANCELLED,
            ground=ground,
            after_arrival=after_arrival,
        )
        preparation = Preparation.objects.select_for_update().filter(stay=stay).first()
        if (
            not after_arrival
            and preparation is not None
            and preparation.travel_plan_shredded_at is None
        ):
            _shred(preparation)
            record_stay_event(
                membership, stay, EventType.STAY_TRAVEL_PLAN_SHREDDED, scheduled=False
            )
        stay = _refresh(stay, membership=membership)
    if not after_arrival:
        case_follows_stay(
            membership,
            stay,
            source=CaseStatus.RELOCATION_PREPARATION,
            target=CaseStatus.PATHWAY_PLANNING,
        )
    return stay
