"""
Preparing the journey: the visa, the travel plan and stipend, and who travels.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.audit.events import EventType
from haven.cases.countries import country_code
from haven.domain.stay import (
    StayProblem,
)
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.relocations.models import (
    TRACEABLE_CHANNELS,
    Preparation,
    Stay,
    TravellingDependant,
    VisaApplication,
    VisaOutcome,
)
from haven.relocations.services.common import (
    ARRIVAL_IN_FUTURE,
    FUTURE_DATE,
    StayError,
    _refuse,
    on_stay,
    record_to_replace,
    stay_written,
    writable_stay,
)
from haven.vault.keyring import keyring_scope

ARRIVAL_BEFORE_LANDING = _("The scheduled landing cannot be before the planned start.")


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


@transaction.atomic
def visa_record(
    *,
    membership: Membership,
    stay: Stay,
    route: str,
    outcome: str,
    consulate: str = "",
    issuing_state: str = "",
    lodged_on: datetime.date | None = None,
    decided_on: datetime.date | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> VisaApplication:
    """
    Record the visa application as it stands (a new row each time, so its history stays).

    Permission: STAY_MANAGE. A decision before lodging, or a validity that ends before it starts,
    is refused, and so is an issuing state that is no country (the state is kept as its code, for
    the asylum bridge's Dublin III art 12 warning). Side effect: ``relocation.record_saved``; a
    granted visa (or none needed) lets the
    case start the stay once the arrival and travel plan are recorded.
    """
    stay = writable_stay(membership, Permission.STAY_MANAGE, stay)
    if lodged_on and decided_on and decided_on < lodged_on:
        _refuse([StayProblem.DECISION_BEFORE_LODGING])
    if valid_from and valid_until and valid_until <= valid_from:
        _refuse([StayProblem.VALIDITY_ENDS_BEFORE_START])
    issuer = country_code(issuing_state) if issuing_state.strip() else ""
    with keyring_scope():
        visa = VisaApplication(
            **on_stay(stay, membership),
            route=route,
            outcome=outcome,
            consulate=consulate.strip() or None,
            issuing_state=issuer,
            lodged_on=lodged_on,
            decided_on=decided_on,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        visa.save()
        stay_written(membership, stay, EventType.STAY_RECORD_SAVED, record="visa", outcome=outcome)
    return visa


def stipend_traceable(stipend: Mapping[str, Any]) -> bool:
    """Whether the stipend's payment channel could be traced from the defender's home country."""
    return stipend.get("channel") in TRACEABLE_CHANNELS


@transaction.atomic
def preparation_save(
    *,
    membership: Membership,
    stay: Stay,
    travel_plan: str,
    digital_check_done: bool,
    insurance: Mapping[str, Any],
    stipend: Mapping[str, Any],
    expectations_acknowledged_on: datetime.date | None,
    flight_details: str = "",
    expected_arrival: datetime.datetime | None = None,
    passport_expires_on: datetime.date | None = None,
) -> Preparation:
    """
    Save what is prepared before departure (one record per stay, replaced as it firms up).

    The programme's return expectation and asylum policy are stored as shown, beside the day
    the defender acknowledged them: information, never a waiver. Permission: STAY_MANAGE.
    Side effect: ``relocation.record_saved`` (with whether a plan exists and whether the stipend
    channel is traceable, never their content). The scheduled landing (``expected_arrival``)
    starts the arrival alert clock; the passport's end feeds the expiry reminders. Once the travel
    plan is shredded, the plan, flights and landing given here are ignored: nothing comes back.
    """
    stay = writable_stay(membership, Permission.STAY_MANAGE, stay)
    if expectations_acknowledged_on and expectations_acknowledged_on > timezone.localdate():
        raise StayError(FUTURE_DATE)
    if expected_arrival is not None and _local_day(expected_arrival) < stay.planned_start:
        raise StayError(ARRIVAL_BEFORE_LANDING)
    programme = stay.programme
    with keyring_scope():
        preparation = record_to_replace(Preparation, stay, membership)
        if preparation.travel_plan_shredded_at is None:
            preparation.travel_plan = travel_plan.strip() or None
            preparation.travel_plan_recorded = bool(travel_plan.strip())
            preparation.flight_details = flight_details.strip() or None
            preparation.expected_arrival = (
                expected_arrival.isoformat() if expected_arrival is not None else None
            )
        preparation.digital_check_done = digital_check_done
        preparation.insurance = dict(insurance)
        preparation.stipend = dict(stipend)
        preparation.expectations_shown = {
            "asylum_policy": programme.asylum_policy,
            "requires_return": programme.requires_return_intent,
        }
        preparation.expectations_acknowledged_on = expectations_acknowledged_on
        preparation.save()
        stay.passport_expires_on = passport_expires_on
        stay.save(update_fields=["passport_expires_on"])
        stay_written(
            membership,
            stay,
            EventType.STAY_RECORD_SAVED,
            record="preparation",
            travel_plan=preparation.travel_plan_recorded,
            traceable_stipend=stipend_traceable(stipend),
        )
    return preparation


@transaction.atomic
def traveller_record(
    *,
    membership: Membership,
    traveller: TravellingDependant,
    visa_outcome: str,
    visa_valid_until: datetime.date | None = None,
    arrived_on: datetime.date | None = None,
) -> TravellingDependant:
    """
    Record where one travelling dependant's own journey stands: their visa and their arrival.

    Permission: STAY_MANAGE. An arrival in the future or before the stay's planned start, or a
    validity on a visa not granted, is refused. Side effect: ``relocation.record_saved`` with the
    visa outcome only; the stay's visa expiry reminder follows the earliest traveller's visa.
    """
    stay = writable_stay(membership, Permission.STAY_MANAGE, traveller.stay)
    if arrived_on is not None and arrived_on > timezone.localdate():
        raise StayError(ARRIVAL_IN_FUTURE)
    if arrived_on is not None and arrived_on < stay.planned_start:
        _refuse([StayProblem.ARRIVAL_BEFORE_START])
    locked = TravellingDependant.objects.select_for_update().get(pk=traveller.pk, stay=stay)
    locked.visa_outcome = visa_outcome
    locked.visa_valid_until = visa_valid_until if visa_outcome == VisaOutcome.GRANTED else None
    locked.arrived_on = arrived_on
    locked.recorded_by = membership.user
    locked.save(update_fields=["visa_outcome", "visa_valid_until", "arrived_on", "recorded_by"])
    stay_written(
        membership,
        stay,
        EventType.STAY_RECORD_SAVED,
        record="traveller",
        traveller_id=locked.pk,
        outcome=visa_outcome,
    )
    return locked
