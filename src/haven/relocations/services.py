"""
Every write to a stay, one function per use case.

Each takes the acting member first, checks its own permission (so the web, the CLI and a future
API get the same answer), runs in one transaction and writes its audit event (ids and enumerated
values only) in it. After each write ``_refresh`` reads the stay's stage and due dates from its
records (``haven.domain.stay``) and lets the case follow where the records now lead
(``cases.services.case_follow_records``): nobody ticks "arrival confirmed".
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, SystemActor, acting_user, permits
from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.cases.countries import country_code
from haven.cases.models import CaseStatus, Dependant
from haven.cases.services import case_follow_records
from haven.domain.lifecycle import RelocationStatus
from haven.domain.stay import (
    DEFAULT_RULES,
    StayProblem,
    StayRecords,
    StayRules,
    arrival_alert_at,
    cancel_target,
    check_in_schedule,
    extension_problems,
    next_due,
    passport_too_short,
    return_review_due_on,
    stay_problems,
    stay_status,
    travel_plan_shred_on,
)
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.programmes.models import Application, ApplicationStatus, Programme
from haven.programmes.services import application_status_move
from haven.relocations.models import (
    TRACEABLE_CHANNELS,
    CancelGround,
    CheckIn,
    Extension,
    ExtensionDecision,
    Preparation,
    RecordSource,
    Stay,
    StayEvent,
    StayOutcome,
    TravellingDependant,
    VisaApplication,
    VisaOutcome,
)
from haven.vault.keyring import keyring_scope


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
NOT_AN_OFFER = _("Only an offered place can be accepted; this application is %(status)s.")
NOT_A_HOST_COUNTRY = _("This programme hosts in %(countries)s only.")
ALREADY_OPEN = _("This offer was already accepted and its stay opened.")
NOT_ARRIVED = _("Record the arrival first: check-ins and incidents belong to a stay under way.")
ALREADY_ARRIVED = _("The arrival of this stay is already confirmed.")
ARRIVAL_IN_FUTURE = _("An arrival cannot be confirmed for a day that has not come.")
EXTENSION_PENDING = _("An extension is already waiting for a decision.")
EXTENSION_DECIDED = _("This extension was already decided.")
UNKNOWN_DEPENDANT = _("Choose dependants recorded on the case.")
FUTURE_DATE = _("This date has not come yet.")
BEFORE_ARRIVAL = _("This date is before the arrival (%(arrived)s).")
STAY_CLOSED = _("This stay has ended or was cancelled; nothing more can be recorded on it.")
ARRIVAL_BEFORE_LANDING = _("The scheduled landing cannot be before the planned start.")
NOTHING_TO_SHRED = _("There is no travel plan left to shred.")
SHRED_BEFORE_ARRIVAL = _(
    "The travel plan is shredded after the arrival, or when the stay is cancelled."
)
CANCEL_DATE_WRONG = _("The cancellation date cannot be in the future or before the arrival.")
NOT_CANCELLABLE = _("This stay has already ended or been cancelled.")
EXTENSION_FIRST = _("Decide the extension waiting on this stay first, then end it.")


def _reachable(membership: Membership, permission: Permission, obj: Any) -> None:
    """Refuse, as "not found", anything the member may not reach (AZ-02)."""
    if not may(membership, permission, obj):
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


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


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
    case_follow_records(
        membership=membership,
        case=stay.case,
        source=CaseStatus.APPLYING,
        target=CaseStatus.RELOCATION_PREPARATION,
    )
    case_follow_records(
        membership=membership,
        case=stay.case,
        source=CaseStatus.RELOCATION_PREPARATION,
        target=CaseStatus.IN_RELOCATION,
    )
    return stay


def _dependant_ids(application: Application, chosen: Iterable[Any]) -> list[str]:
    wanted = {str(value) for value in chosen}
    known = {
        str(pk)
        for pk in Dependant.objects.filter(case=application.case).values_list("pk", flat=True)
    }
    if not wanted <= known:
        raise StayError(UNKNOWN_DEPENDANT)
    return sorted(wanted)


@transaction.atomic
def stay_open(
    *,
    membership: Membership,
    application: Application,
    host_city: str,
    planned_start: datetime.date,
    planned_end: datetime.date,
    travelling_dependants: Iterable[Any] = (),
    needs: str = "",
    host_country: str = "",
) -> Stay:
    """
    Accept an offered place and open its stay: who travels, where, from when until when.

    Permission: STAY_MANAGE on the case. Dates must make sense and fit the programme's maximum.
    The application becomes ``accepted`` in the same transaction, so an offer is never accepted
    without its stay, nor a stay opened twice (a double submit finds the offer taken). Side
    effects: ``relocation.stay_opened`` and the application's status event; the case moves from
    applying to relocation preparation. Raises StayError.
    """
    _reachable(membership, Permission.STAY_MANAGE, application.case)
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme", "case", "intake_window")
        .get(pk=application.pk)
    )
    if (
        locked.status == ApplicationStatus.ACCEPTED
        and Stay.objects.filter(application=locked).exists()
    ):
        raise StayError(ALREADY_OPEN)
    if locked.status != ApplicationStatus.OFFERED:
        raise StayError(NOT_AN_OFFER, status=ApplicationStatus(locked.status).label)
    programme = locked.programme
    _refuse(
        stay_problems(
            start=planned_start, end=planned_end, maximum_months=programme.duration_months_max
        ),
        months=_months(programme.duration_months_max),
    )
    dependants = _dependant_ids(locked, travelling_dependants)
    window = locked.intake_window
    hosts = list(programme.host_countries or [])
    if host_country and hosts and host_country not in hosts:
        raise StayError(NOT_A_HOST_COUNTRY, countries=", ".join(hosts))
    host_country = (
        host_country
        or (window.host_country if window and window.host_country else "")
        or (hosts[0] if len(hosts) == 1 else "")
    )
    # STAY_MANAGE, checked above, is the permission to accept an offer: the move itself is the
    # programmes status machine's.
    application_status_move(
        membership=membership, application=locked, status=ApplicationStatus.ACCEPTED
    )
    with keyring_scope():
        stay = Stay(
            organisation_id=locked.organisation_id,
            case=locked.case,
            application=locked,
            programme=programme,
            host_country=host_country,
            host_city=host_city.strip() or None,
            planned_start=planned_start,
            planned_end=planned_end,
            people_count=1 + len(dependants),
            travelling_dependants=dependants,
            needs=needs.strip() or None,
        )
        try:
            with transaction.atomic():
                stay.save()
        except IntegrityError:
            raise StayError(ALREADY_OPEN) from None
        TravellingDependant.objects.bulk_create(
            TravellingDependant(
                case_id=stay.case_id,
                stay=stay,
                organisation_id=stay.organisation_id,
                recorded_by=membership.user,
                dependant_id=dependant_id,
            )
            for dependant_id in dependants
        )
        record_stay_event(membership, stay, EventType.STAY_OPENED, application_id=locked.pk)
        return _refresh(stay, membership=membership)


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
    _reachable(membership, Permission.STAY_MANAGE, stay)
    stay = lock_stay(stay)
    refuse_if_closed(stay)
    if lodged_on and decided_on and decided_on < lodged_on:
        _refuse([StayProblem.DECISION_BEFORE_LODGING])
    if valid_from and valid_until and valid_until <= valid_from:
        _refuse([StayProblem.VALIDITY_ENDS_BEFORE_START])
    issuer = country_code(issuing_state) if issuing_state.strip() else ""
    with keyring_scope():
        visa = VisaApplication(
            case_id=stay.case_id,
            stay=stay,
            organisation_id=stay.organisation_id,
            recorded_by=membership.user,
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
        record_stay_event(
            membership, stay, EventType.STAY_RECORD_SAVED, record="visa", outcome=outcome
        )
        _refresh(stay, membership=membership)
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
    _reachable(membership, Permission.STAY_MANAGE, stay)
    stay = lock_stay(stay)
    refuse_if_closed(stay)
    if expectations_acknowledged_on and expectations_acknowledged_on > timezone.localdate():
        raise StayError(FUTURE_DATE)
    if expected_arrival is not None and _local_day(expected_arrival) < stay.planned_start:
        raise StayError(ARRIVAL_BEFORE_LANDING)
    programme = stay.programme
    with keyring_scope():
        preparation = Preparation.objects.filter(stay=stay).first() or Preparation(
            case_id=stay.case_id, stay=stay, organisation_id=stay.organisation_id
        )
        preparation.recorded_by = membership.user
        preparation.recorded_at = timezone.now()
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
        record_stay_event(
            membership,
            stay,
            EventType.STAY_RECORD_SAVED,
            record="preparation",
            travel_plan=preparation.travel_plan_recorded,
            traceable_stipend=stipend_traceable(stipend),
        )
        _refresh(stay, membership=membership)
    return preparation


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
    permission = (
        Permission.STAY_HOST if may(membership, Permission.STAY_HOST) else Permission.STAY_MANAGE
    )
    _reachable(membership, permission, stay)
    stay = lock_stay(stay)
    refuse_if_closed(stay)
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
    record_stay_event(
        membership,
        stay,
        EventType.STAY_ARRIVAL_CONFIRMED,
        by_host=permission == Permission.STAY_HOST,
    )
    return _refresh(stay, membership=membership)


def _arrived(membership: Acting, stay: Stay, source: str = RecordSource.STAFF) -> Stay:
    """
    Lock a stay a host partner or staff member may write to, once it is under way.

    A record from the defender comes through the portal, which has no member: it passes
    ``SYSTEM`` after opening the stay from the defender's own receipt (``haven.portal.stays``).
    A member cannot file a record as the defender's (refused as "not found").
    """
    if source == RecordSource.DEFENDER and not isinstance(membership, SystemActor):
        raise Http404
    if not isinstance(membership, SystemActor):
        permission = (
            Permission.STAY_HOST
            if may(membership, Permission.STAY_HOST)
            else Permission.STAY_MANAGE
        )
        _reachable(membership, permission, stay)
    stay = lock_stay(stay)
    refuse_if_closed(stay)
    if stay.arrived_on is None:
        raise StayError(NOT_ARRIVED)
    return stay


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
            case_id=stay.case_id,
            stay=stay,
            organisation_id=stay.organisation_id,
            recorded_by=acting_user(membership),
            done_on=done_on,
            mode=mode,
            flags=sorted(set(flags)),
            note=note.strip() or None,
            psychosocial_referral=psychosocial_referral,
            source=source,
        )
        check_in.save()
        record_stay_event(
            membership,
            stay,
            EventType.STAY_RECORD_SAVED,
            record="check_in",
            referral=psychosocial_referral,
            source=source,
        )
        _refresh(stay, membership=membership)
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
            case_id=stay.case_id,
            stay=stay,
            organisation_id=stay.organisation_id,
            recorded_by=acting_user(membership),
            kind=kind,
            details=dict(details),
            narrative=narrative.strip() or None,
            source=source,
        )
        event.save()
        record_stay_event(membership, stay, EventType.STAY_RECORD_SAVED, record=kind, source=source)
    return event


@transaction.atomic
def extension_request(
    *,
    membership: Membership,
    stay: Stay,
    ground: str,
    requested_end: datetime.date,
    evidence: str = "",
) -> Extension:
    """
    Ask to extend the stay. The requested end must be later than the current one and within the
    programme's maximum counted from the start; one request waits at a time.

    Permission: STAY_MANAGE. Side effect: ``relocation.record_saved``.
    """
    stay = _arrived(membership, stay)
    _refuse(
        extension_problems(
            start=stay.arrived_on or stay.planned_start,
            current_end=stay.planned_end,
            requested_end=requested_end,
            maximum_months=stay.programme.duration_months_max,
        ),
        end=stay.planned_end.isoformat(),
        months=_months(stay.programme.duration_months_max),
    )
    with keyring_scope():
        extension = Extension(
            case_id=stay.case_id,
            stay=stay,
            organisation_id=stay.organisation_id,
            recorded_by=membership.user,
            ground=ground,
            requested_end=requested_end,
            evidence=evidence.strip() or None,
        )
        try:
            with transaction.atomic():
                extension.save()
        except IntegrityError:
            raise StayError(EXTENSION_PENDING) from None
        record_stay_event(
            membership, stay, EventType.STAY_RECORD_SAVED, record="extension", ground=ground
        )
        _refresh(stay, membership=membership)
    return extension


@transaction.atomic
def extension_decide(*, membership: Membership, extension: Extension, grant: bool) -> Extension:
    """
    The coordinator's decision on an extension. Granting moves the stay's planned end (checked
    again against the programme's maximum, which may have changed) and re-plans check-ins and the
    return review.

    Permission: STAY_DECIDE. Side effect: ``relocation.extension_decided``. A decided request
    cannot be decided again (a double submit is refused).
    """
    stay = extension.stay
    _reachable(membership, Permission.STAY_DECIDE, stay)
    stay = lock_stay(stay)
    refuse_if_closed(stay)
    locked = Extension.objects.select_for_update().get(pk=extension.pk)
    if locked.decision != ExtensionDecision.PENDING:
        raise StayError(EXTENSION_DECIDED)
    if grant:
        _refuse(
            extension_problems(
                start=stay.arrived_on or stay.planned_start,
                current_end=stay.planned_end,
                requested_end=locked.requested_end,
                maximum_months=stay.programme.duration_months_max,
            ),
            end=stay.planned_end.isoformat(),
            months=_months(stay.programme.duration_months_max),
        )
        stay.planned_end = locked.requested_end
        stay.save(update_fields=["planned_end"])
    locked.decision = ExtensionDecision.GRANTED if grant else ExtensionDecision.REFUSED
    locked.decided_by = membership.user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decision", "decided_by", "decided_at"])
    record_stay_event(
        membership,
        stay,
        EventType.STAY_EXTENSION_DECIDED,
        extension_id=locked.pk,
        decision=locked.decision,
    )
    _refresh(stay, membership=membership)
    return locked


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
    _reachable(membership, Permission.STAY_MANAGE, traveller.stay)
    stay = lock_stay(traveller.stay)
    refuse_if_closed(stay)
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
    record_stay_event(
        membership,
        stay,
        EventType.STAY_RECORD_SAVED,
        record="traveller",
        traveller_id=locked.pk,
        outcome=visa_outcome,
    )
    _refresh(stay, membership=membership)
    return locked


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
    the programme's days after arrival have passed (``relocation-practice.md``: 30 days by
    default). Refused before the arrival of a stay under way, and when nothing is left to shred.
    Side effect: one ``relocation.travel_plan_shredded`` event saying whether a person or the
    schedule did it.
    """
    if not permits(membership, Permission.STAY_MANAGE, stay):
        raise Http404
    stay = lock_stay(stay)
    if stay.arrived_on is None and stay.cancelled_on is None:
        raise StayError(SHRED_BEFORE_ARRIVAL)
    preparation = Preparation.objects.select_for_update().filter(stay=stay).first()
    if preparation is None or preparation.travel_plan_shredded_at is not None:
        raise StayError(NOTHING_TO_SHRED)
    _shred(preparation)
    record_stay_event(
        membership,
        stay,
        EventType.STAY_TRAVEL_PLAN_SHREDDED,
        scheduled=isinstance(membership, SystemActor),
    )
    _refresh(stay, membership=membership)
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
        case_follow_records(
            membership=membership,
            case=stay.case,
            source=CaseStatus.RELOCATION_PREPARATION,
            target=CaseStatus.PATHWAY_PLANNING,
        )
    return stay
