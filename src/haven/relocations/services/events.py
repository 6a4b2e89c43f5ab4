"""
Life during the stay: check-ins and recorded events (incidents and the like).
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting
from haven.audit.events import EventType
from haven.relocations.models import (
    CheckIn,
    RecordSource,
    Stay,
    StayEvent,
)
from haven.relocations.services.arrival import (
    _arrived,
)
from haven.relocations.services.common import (
    FUTURE_DATE,
    StayError,
    on_stay,
    record_stay_event,
    stay_written,
)
from haven.vault.keyring import keyring_scope

BEFORE_ARRIVAL = _("This date is before the arrival (%(arrived)s).")


@transaction.atomic
def check_in_record(
    *,
    membership: Acting,
    stay: Stay,
    done_on: datetime.date,
    mode: str,
    flags: Iterable[str],
    note: str = "",
    psychosocial_referral: bool = False,
    source: str = RecordSource.STAFF,
) -> CheckIn:
    """
    Record a voluntary wellbeing check-in: non-clinical flags and a confidential note; a referral
    to psychosocial support is a yes, never a clinical note.

    Permission: STAY_HOST or STAY_MANAGE; ``SYSTEM`` with ``source`` DEFENDER for the portal.
    Side effect: ``relocation.record_saved`` naming the source; the next check-in due moves on
    (each check-in answers the earliest one owed).
    """
    stay = _arrived(membership, stay, source)
    if done_on > timezone.localdate():
        raise StayError(FUTURE_DATE)
    if stay.arrived_on is not None and done_on < stay.arrived_on:
        raise StayError(BEFORE_ARRIVAL, arrived=stay.arrived_on.isoformat())
    with keyring_scope():
        check_in = CheckIn(
            **on_stay(stay, membership),
            done_on=done_on,
            mode=mode,
            flags=sorted(set(flags)),
            note=note.strip() or None,
            psychosocial_referral=psychosocial_referral,
            source=source,
        )
        check_in.save()
        stay_written(
            membership,
            stay,
            EventType.STAY_RECORD_SAVED,
            record="check_in",
            referral=psychosocial_referral,
            source=source,
        )
    return check_in


@transaction.atomic
def stay_event_record(
    *,
    membership: Acting,
    stay: Stay,
    kind: str,
    details: Mapping[str, Any],
    narrative: str = "",
    source: str = RecordSource.STAFF,
) -> StayEvent:
    """
    Record public activity or a security incident during the stay. Incidents become threats
    after departure in the case facts, and public activity feeds the sur place facts, so the next
    assessment weighs both (``case_records.contribute``).

    Permission: STAY_HOST or STAY_MANAGE; ``SYSTEM`` with ``source`` DEFENDER for the portal.
    Side effect: ``relocation.record_saved`` naming the kind and the source only.
    """
    stay = _arrived(membership, stay, source)
    happened_on = details.get("date")
    if isinstance(happened_on, datetime.date):
        if happened_on > timezone.localdate():
            raise StayError(FUTURE_DATE)
        details = {**details, "date": happened_on.isoformat()}
    with keyring_scope():
        event = StayEvent(
            **on_stay(stay, membership),
            kind=kind,
            details=dict(details),
            narrative=narrative.strip() or None,
            source=source,
        )
        event.save()
        record_stay_event(membership, stay, EventType.STAY_RECORD_SAVED, record=kind, source=source)
    return event
