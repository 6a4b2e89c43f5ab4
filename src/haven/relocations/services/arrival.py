"""
The arrival: confirmed by staff, or by the defender's first check-in.
"""

import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, SystemActor
from haven.audit.events import EventType
from haven.domain.stay import (
    StayProblem,
)
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.relocations.models import (
    RecordSource,
    Stay,
    TravellingDependant,
    VisaApplication,
)
from haven.relocations.services.common import (
    ARRIVAL_IN_FUTURE,
    StayError,
    _refuse,
    host_or_staff,
    stay_written,
    writable_stay,
)

NOT_ARRIVED = _("Record the arrival first: check-ins and incidents belong to a stay under way.")
ALREADY_ARRIVED = _("The arrival of this stay is already confirmed.")


@transaction.atomic
def arrival_confirm(
    *,
    membership: Membership,
    stay: Stay,
    arrived_on: datetime.date,
    housing_handed_over: bool,
) -> Stay:
    """
    Confirm the defender's arrival: by the host partner at the programme, or by staff.

    Permission: STAY_HOST (a host partner of the programme) or STAY_MANAGE. The arrival cannot
    be in the future nor before the visa's validity; it is confirmed once. Side effects:
    ``relocation.arrival_confirmed``; check-ins are scheduled from the arrival; the case moves
    into the relocation once the visa and travel plan are recorded too.
    """
    permission = host_or_staff(membership)
    stay = writable_stay(membership, permission, stay)
    if stay.arrived_on is not None:
        raise StayError(ALREADY_ARRIVED)
    if arrived_on > timezone.localdate():
        raise StayError(ARRIVAL_IN_FUTURE)
    visa = VisaApplication.objects.filter(stay=stay).order_by("-recorded_at").first()
    if visa and visa.valid_from and arrived_on < visa.valid_from:
        _refuse([StayProblem.ARRIVAL_BEFORE_START])
    stay.arrived_on = arrived_on
    stay.housing_handed_over = housing_handed_over
    stay.arrival_confirmed_by = membership.user
    stay.save(update_fields=["arrived_on", "housing_handed_over", "arrival_confirmed_by"])
    # The dependants travelling with the defender arrive with them unless recorded otherwise.
    TravellingDependant.objects.filter(stay=stay, arrived_on__isnull=True).update(
        arrived_on=arrived_on
    )
    return stay_written(
        membership,
        stay,
        EventType.STAY_ARRIVAL_CONFIRMED,
        by_host=permission == Permission.STAY_HOST,
    )


def _arrived(membership: Acting, stay: Stay, source: str = RecordSource.STAFF) -> Stay:
    """
    Lock a stay a host partner or staff member may write to, once it is under way.

    A record from the defender comes through the portal, which has no member: it passes
    ``SYSTEM`` after opening the stay from the defender's own receipt (``haven.portal.stays``).
    A member cannot file a record as the defender's (refused as "not found").
    """
    if source == RecordSource.DEFENDER and not isinstance(membership, SystemActor):
        raise Http404
    stay = writable_stay(membership, host_or_staff(membership), stay)
    if stay.arrived_on is None:
        raise StayError(NOT_ARRIVED)
    return stay
