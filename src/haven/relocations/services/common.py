"""
What every stay write shares: the error type, refusal messages used by several topics, its opening
(``writable_stay``: reach, lock, still open), the audit event, the programme's rules, and its close
(``stay_written``: the event, then ``_refresh``, stage and due dates read from the records).
"""

import datetime
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, acting_user, permits
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.cases.models import CaseStatus
from haven.cases.services import case_follow_records
from haven.domain.lifecycle import RelocationStatus
from haven.domain.stay import (
    DEFAULT_RULES,
    StayProblem,
    StayRecords,
    StayRules,
    arrival_alert_at,
    check_in_schedule,
    next_due,
    passport_too_short,
    return_review_due_on,
    stay_status,
    travel_plan_shred_on,
)
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.programmes.models import Programme
from haven.relocations.models import (
    CheckIn,
    Extension,
    ExtensionDecision,
    Preparation,
    ReturnPlan,
    Stay,
    TravellingDependant,
    VisaApplication,
    VisaOutcome,
)


class StayError(ApplicationError):
    """A refused write to a stay; nothing was saved."""


PROBLEM_MESSAGES = {
    StayProblem.END_NOT_AFTER_START: _("The planned end must be after the planned start."),
    StayProblem.LONGER_THAN_PROGRAMME: _(
        "This programme hosts stays of at most %(months)s months: choose an earlier end."
    ),
    StayProblem.EXTENSION_NOT_LATER: _(
        "An extension must end later than the stay now does (%(end)s)."
    ),
    StayProblem.EXTENSION_PAST_MAXIMUM: _(
        "This extension would take the stay past the programme's maximum of %(months)s months."
    ),
    StayProblem.ARRIVAL_BEFORE_START: _(
        "The arrival date is before the visa or the stay allows: check the date."
    ),
    StayProblem.DECISION_BEFORE_LODGING: _("The visa decision cannot come before it was lodged."),
    StayProblem.VALIDITY_ENDS_BEFORE_START: _("The visa's validity must end after it begins."),
}
ARRIVAL_IN_FUTURE = _("An arrival cannot be confirmed for a day that has not come.")
FUTURE_DATE = _("This date has not come yet.")
STAY_CLOSED = _("This stay has ended or was cancelled; nothing more can be recorded on it.")


def _reachable(membership: Acting, permission: Permission, obj: Any) -> None:
    """Refuse, as "not found", anything the member may not reach (AZ-02); ``SYSTEM`` reaches all."""
    if not permits(membership, permission, obj):
        raise Http404


def _refuse(problems: list[StayProblem], **params: Any) -> None:
    if problems:
        raise StayError(PROBLEM_MESSAGES[problems[0]], **params)


def _months(value: float | None) -> str:
    return f"{value:g}" if value is not None else ""


def lock_stay(stay: Stay) -> Stay:
    """Re-read the stay locked for this transaction, so two writers take turns (a double submit)."""
    return (
        Stay.objects.select_for_update(of=("self",))
        .select_related("case__data_key__organisation_key", "programme")
        .get(pk=stay.pk)
    )


def refuse_if_closed(stay: Stay) -> None:
    """Nothing more is written to a stay that ended or was cancelled."""
    if stay.status in (RelocationStatus.ENDED, RelocationStatus.CANCELLED):
        raise StayError(STAY_CLOSED)


def writable_stay(membership: Acting, permission: Permission, stay: Stay) -> Stay:
    """
    The opening of most stay writes: the stay re-read locked for this transaction, once the
    member may reach it with ``permission`` (Http404 otherwise, AZ-02; ``SYSTEM`` may) and while
    it is neither ended nor cancelled (StayError).
    """
    _reachable(membership, permission, stay)
    locked = lock_stay(stay)
    refuse_if_closed(locked)
    return locked


def host_or_staff(membership: Acting) -> Permission:
    """
    The permission a stay under way is written to with: a host partner of the programme writes as
    its host (STAY_HOST), anyone else as staff (STAY_MANAGE).
    """
    return (
        Permission.STAY_HOST
        if permits(membership, Permission.STAY_HOST)
        else Permission.STAY_MANAGE
    )


def record_stay_event(membership: Acting, stay: Stay, event: EventType, **data: Any) -> None:
    """One audit event about a stay: its id, its case's id and enumerated values only."""
    record_event(
        event,
        actor=acting_user(membership),
        organisation=stay.organisation_id,
        object_type="stay",
        object_id=stay.pk,
        data={"case_id": stay.case_id, **data},
    )


def on_stay(stay: Stay, membership: Acting) -> dict[str, Any]:
    """
    The fields every record kept on a stay starts with: its case, the stay, the organisation it is
    filed under and who recorded it (none for ``SYSTEM``), so no record is filed apart from its stay.
    """
    return {
        "case_id": stay.case_id,
        "stay": stay,
        "organisation_id": stay.organisation_id,
        "recorded_by": acting_user(membership),
    }


Replaced = TypeVar("Replaced", Preparation, ReturnPlan)


def record_to_replace(model: type[Replaced], stay: Stay, membership: Membership) -> Replaced:
    """
    The one record of ``model`` a stay keeps and that is replaced as it firms up (the preparation,
    the return plan): the saved one, or a new one the first time, marked as recorded now by
    ``membership`` so it names who wrote it last.
    """
    record = model.objects.filter(stay=stay).first() or model(
        case_id=stay.case_id, stay=stay, organisation_id=stay.organisation_id
    )
    record.recorded_by = membership.user
    record.recorded_at = timezone.now()
    return record


def save_once(record: Model, refusal: str | Promise) -> None:
    """
    Save a new record that a unique constraint allows once (a stay per offer, one pending
    extension, one return review), refusing a second with ``refusal``. The savepoint keeps the
    caller's transaction usable, so the refusal, not a broken transaction, is what the member sees.
    """
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise StayError(refusal) from None


def case_follows_stay(membership: Acting, stay: Stay, *, source: str, target: str) -> None:
    """Move the stay's case from ``source`` to ``target`` if its records now meet that move."""
    case_follow_records(membership=membership, case=stay.case, source=source, target=target)


def stay_rules(programme: Programme) -> StayRules:
    """The stay schedule of a programme: its own settings, design defaults for the rest."""
    rules = DEFAULT_RULES
    changes: dict[str, int] = {}
    if programme.return_review_weeks is not None:
        changes["return_review_weeks"] = programme.return_review_weeks
    if programme.arrival_alert_hours is not None:
        changes["arrival_alert_hours"] = programme.arrival_alert_hours
    if programme.travel_plan_shred_days is not None:
        changes["travel_plan_shred_days"] = programme.travel_plan_shred_days
    return StayRules(**{**rules.__dict__, **changes}) if changes else rules


def _expected_arrival(preparation: Preparation | None) -> datetime.datetime | None:
    if (
        preparation is None
        or preparation.travel_plan_shredded_at
        or not preparation.expected_arrival
    ):
        return None
    return datetime.datetime.fromisoformat(preparation.expected_arrival)


def _visa_expires_on(stay: Stay, visa: VisaApplication | None) -> datetime.date | None:
    """The earliest end of the travellers' granted visas: the defender's and each dependant's."""
    ends: list[datetime.date] = [
        end
        for end in TravellingDependant.objects.filter(
            stay=stay, visa_outcome=VisaOutcome.GRANTED, visa_valid_until__isnull=False
        ).values_list("visa_valid_until", flat=True)
        if end is not None
    ]
    if visa is not None and visa.outcome == VisaOutcome.GRANTED and visa.valid_until:
        ends.append(visa.valid_until)
    return min(ends) if ends else None


def stay_written(membership: Acting, stay: Stay, event: EventType, **data: Any) -> Stay:
    """
    The close of every write that changes what a stay's stage is read from: its audit event
    (``record_stay_event``), then the stage and due dates read again (``_refresh``), in the
    caller's transaction with the stay locked.
    """
    record_stay_event(membership, stay, event, **data)
    return _refresh(stay, membership=membership)


def _refresh(stay: Stay, *, membership: Acting) -> Stay:
    """
    Read the stay's stage and due dates from its records, save them, and let the case follow.
    Runs inside the caller's transaction with the stay locked.
    """
    rules = stay_rules(stay.programme)
    visa = VisaApplication.objects.filter(stay=stay).order_by("-recorded_at").first()
    preparation = Preparation.objects.filter(stay=stay).first()
    extensions = list(Extension.objects.filter(stay=stay).values_list("decision", flat=True))
    records = StayRecords(
        visa_outcome=visa.outcome if visa else None,
        travel_plan_recorded=preparation is not None and preparation.travel_plan_recorded,
        arrived_on=stay.arrived_on,
        extension_pending=ExtensionDecision.PENDING in extensions,
        extensions_granted=extensions.count(ExtensionDecision.GRANTED),
        ended_on=stay.ended_on,
        # Cancelled after the arrival, the stay happened and ended early (``ended_on``).
        cancelled=stay.cancelled_on is not None and stay.arrived_on is None,
    )
    stay.status = stay_status(records)
    stay.extensions_used = records.extensions_granted
    stay.return_review_due = return_review_due_on(
        start=stay.arrived_on or stay.planned_start, end=stay.planned_end, rules=rules
    )
    if stay.arrived_on is not None:
        schedule = check_in_schedule(arrived_on=stay.arrived_on, end=stay.planned_end, rules=rules)
        stay.next_check_in_due = next_due(schedule, CheckIn.objects.filter(stay=stay).count())
    expected = _expected_arrival(preparation)
    stay.arrival_alert_at = (
        arrival_alert_at(expected, rules=rules)
        if expected is not None and stay.arrived_on is None and stay.cancelled_on is None
        else None
    )
    shredded = preparation is not None and preparation.travel_plan_shredded_at is not None
    stay.travel_plan_shred_on = (
        travel_plan_shred_on(stay.arrived_on, rules=rules)
        if stay.arrived_on is not None and preparation is not None and not shredded
        else None
    )
    stay.visa_expires_on = _visa_expires_on(stay, visa)
    if not passport_too_short(
        planned_end=stay.planned_end, passport_expires_on=stay.passport_expires_on, rules=rules
    ):
        stay.passport_alert_on = None
    elif stay.passport_alert_on is None:
        stay.passport_alert_on = timezone.localdate()
    stay.updated_at = timezone.now()
    stay.save(
        update_fields=[
            "status",
            "extensions_used",
            "return_review_due",
            "next_check_in_due",
            "arrival_alert_at",
            "travel_plan_shred_on",
            "visa_expires_on",
            "passport_alert_on",
            "updated_at",
        ]
    )
    case_follows_stay(
        membership, stay, source=CaseStatus.APPLYING, target=CaseStatus.RELOCATION_PREPARATION
    )
    case_follows_stay(
        membership, stay, source=CaseStatus.RELOCATION_PREPARATION, target=CaseStatus.IN_RELOCATION
    )
    return stay
