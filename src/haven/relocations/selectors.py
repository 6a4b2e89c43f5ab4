"""
Every read of stays and their records.

Each takes the acting membership first and returns only what it may reach
(``access.reachable_stays_filter``); anything else raises ``Http404``, the answer for an id that
does not exist (AZ-02). Lists load their related rows in the same query, so their query count
does not grow with the number of stays (``tests/relocations/test_query_counts.py``).
"""

import datetime
import uuid
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from haven.cases.models import Assignment, Case, Dependant
from haven.cases.pagination import KeysetPage, SortKey, keyset_page
from haven.domain.stay import DEFAULT_RULES, document_reminders
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.programmes.models import Application
from haven.programmes.selectors import application_get
from haven.relocations.access import STAFF_ROLES, is_host_partner, reachable_stays_filter
from haven.relocations.models import (
    CheckIn,
    Extension,
    ExtensionDecision,
    FollowUp,
    Preparation,
    ReminderKind,
    ReturnPlan,
    ReturnReview,
    Stay,
    StayEvent,
    StayStatus,
    TravellingDependant,
    VisaApplication,
)

STAY_KEYS = "case__data_key__organisation_key"
STAYS_PER_PAGE = 100
OPEN_STATUSES = (
    StayStatus.PLANNED,
    StayStatus.VISA_APPLIED,
    StayStatus.VISA_GRANTED,
    StayStatus.VISA_REFUSED,
    StayStatus.TRAVELLING,
    StayStatus.IN_STAY,
    StayStatus.EXTENSION_REQUESTED,
    StayStatus.EXTENDED,
)
UNDER_WAY = (StayStatus.IN_STAY, StayStatus.EXTENSION_REQUESTED, StayStatus.EXTENDED)
#: Arrival is overdue once the day after the planned arrival has begun (design default).
ARRIVAL_GRACE = datetime.timedelta(days=1)


def reachable_stays(*, membership: Membership | None) -> QuerySet[Stay]:
    """The stays ``membership`` may reach: host partners theirs, staff those of cases they see."""
    if membership is None or not may(membership, Permission.STAY_VIEW):
        return Stay.objects.none()
    return Stay.objects.filter(reachable_stays_filter(membership))


def stay_get(*, membership: Membership | None, stay_id: uuid.UUID) -> Stay:
    """One stay the member may reach, with its case key and programme, or a 404."""
    try:
        return (
            reachable_stays(membership=membership)
            .select_related(STAY_KEYS, "programme")
            .get(pk=stay_id)
        )
    except Stay.DoesNotExist:
        raise Http404 from None


#: The stay list's order, soonest start first; indexed as ``stay_list_order``.
STAY_LIST_ORDER = (SortKey("planned_start"), SortKey("created_at"), SortKey("id"))
#: What a row of the stay list shows (host partners: the reference, which is the id), and
#: nothing encrypted: the list joins the programme for its name and no key table.
STAY_LIST_COLUMNS = (
    "id",
    "organisation_id",
    "programme",
    "programme__name",
    "status",
    "planned_start",
    "planned_end",
    "people_count",
    "created_at",
)
#: Staff rows also name the case by its code.
STAFF_STAY_LIST_COLUMNS = (*STAY_LIST_COLUMNS, "case", "case__code")


def stay_list(
    *,
    membership: Membership | None,
    include_closed: bool = False,
    after: uuid.UUID | None = None,
    before: uuid.UUID | None = None,
    last: bool = False,
) -> KeysetPage:
    """
    One page of the stays the member may reach, soonest first: after or before a stay, the last
    page, or the first. Staff rows carry the case's code and the programme's name; host-partner
    rows only the programme and the plain host columns. Its cost does not grow with the number
    of stays (keyset pages, a count capped at ``COUNT_CAP``).
    """
    staff = membership is not None and not is_host_partner(membership)
    stays = (
        reachable_stays(membership=membership)
        .select_related("programme", *(("case",) if staff else ()))
        .only(*(STAFF_STAY_LIST_COLUMNS if staff else STAY_LIST_COLUMNS))
    )
    if not include_closed:
        stays = stays.filter(status__in=OPEN_STATUSES)
    return keyset_page(
        stays, STAY_LIST_ORDER, size=STAYS_PER_PAGE, after=after, before=before, last=last
    )


def case_active_stay(*, membership: Membership | None, case: Case) -> Stay | None:
    """
    The case's stay that has not ended or been cancelled, if the member may reach it; None when
    there is none or it is out of the member's reach (other apps ask "is this defender away?").
    """
    return (
        reachable_stays(membership=membership)
        .filter(case=case, status__in=OPEN_STATUSES)
        .select_related("programme")
        .order_by("-created_at")
        .first()
    )


def application_for_stay(*, membership: Membership, application_id: uuid.UUID) -> Application:
    """An application whose case the member may see, for the accept-and-open form (else 404)."""
    return application_get(membership=membership, application_id=application_id)


def case_dependants(case: Case) -> list[Dependant]:
    """The case's dependants, for choosing who travels (details decrypt under the case key)."""
    return list(
        Dependant.objects.filter(case=case).select_related(STAY_KEYS).order_by("recorded_at")
    )


@dataclass
class StayRecords:
    """Everything recorded on one stay, for the staff page; read in one query per kind."""

    visas: list[VisaApplication] = field(default_factory=list)
    preparation: Preparation | None = None
    check_ins: list[CheckIn] = field(default_factory=list)
    events: list[StayEvent] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    return_review: ReturnReview | None = None
    return_plan: ReturnPlan | None = None
    follow_ups: list[FollowUp] = field(default_factory=list)
    travellers: list[TravellingDependant] = field(default_factory=list)

    @property
    def pending_extension(self) -> Extension | None:
        return next((e for e in self.extensions if e.decision == ExtensionDecision.PENDING), None)


#: The records kept on a stay, each read on the staff page.
_Kept = TypeVar(
    "_Kept",
    VisaApplication,
    Preparation,
    CheckIn,
    StayEvent,
    Extension,
    ReturnReview,
    ReturnPlan,
    FollowUp,
    TravellingDependant,
)


def _kept_on(stay: Stay, model: type[_Kept], *related: str) -> QuerySet[_Kept]:
    """The ``model`` records kept on ``stay``, with ``related`` and the case key that opens them."""
    return model.objects.filter(stay=stay).select_related(*related, STAY_KEYS)


def stay_records(*, membership: Membership, stay: Stay) -> StayRecords:
    """
    The records of a stay fetched with ``stay_get``. Host partners get none of them: what the
    defender said in check-ins, the travel plan and the incidents are for staff (need-to-know).
    """
    if is_host_partner(membership):
        return StayRecords()
    return StayRecords(
        visas=list(_kept_on(stay, VisaApplication).order_by("-recorded_at")),
        preparation=_kept_on(stay, Preparation).first(),
        check_ins=list(_kept_on(stay, CheckIn).order_by("-done_on")),
        events=list(_kept_on(stay, StayEvent).order_by("-recorded_at")),
        extensions=list(_kept_on(stay, Extension, "decided_by").order_by("-recorded_at")),
        return_review=_kept_on(stay, ReturnReview, "assessment").first(),
        return_plan=_kept_on(stay, ReturnPlan).first(),
        follow_ups=list(_kept_on(stay, FollowUp).order_by("due_on")),
        travellers=list(
            _kept_on(
                stay, TravellingDependant, "dependant__case__data_key__organisation_key"
            ).order_by("recorded_at")
        ),
    )


#: The records of a stay that are fetched by their own id.
_StayRecord = TypeVar("_StayRecord", Extension, FollowUp, TravellingDependant)


def _stay_record_get(
    model: type[_StayRecord], *, membership: Membership, pk: uuid.UUID
) -> _StayRecord:
    """One record of a stay the member may reach, with its stay, or a 404 (AZ-02)."""
    try:
        return model.objects.select_related("stay").get(
            pk=pk, stay__in=reachable_stays(membership=membership)
        )
    except model.DoesNotExist:
        raise Http404 from None


def extension_get(*, membership: Membership, extension_id: uuid.UUID) -> Extension:
    """An extension of a stay the member may reach, or a 404."""
    return _stay_record_get(Extension, membership=membership, pk=extension_id)


URGENT_KINDS = frozenset(
    {
        ReminderKind.CHECK_IN_OVERDUE,
        ReminderKind.ARRIVAL_UNCONFIRMED,
        ReminderKind.VISA_EXPIRING,
        ReminderKind.PASSPORT_EXPIRING,
    }
)


@dataclass(frozen=True)
class DueItem:
    """Something owed on a stay, for My cases: which case, what is due, since when."""

    stay: Stay
    what: str
    due_on: datetime.date

    @property
    def label(self) -> str:
        return str(ReminderKind(self.what).label)

    @property
    def urgent(self) -> bool:
        """Items about the defender's safety or legal stay, shown as a warning."""
        return self.what in URGENT_KINDS


#: Visa expiry reminders start this long before the earliest visa ends (the first warning).
VISA_HORIZON = datetime.timedelta(days=max(DEFAULT_RULES.visa_warning_days))


def _arrival_overdue(now: datetime.datetime, today: datetime.date) -> Q:
    """By the hour when the landing time is known, else by the day after the planned start."""
    return Q(arrived_on__isnull=True) & (
        Q(arrival_alert_at__lte=now)
        | Q(arrival_alert_at__isnull=True, planned_start__lte=today - ARRIVAL_GRACE)
    )


def due_filter(today: datetime.date, now: datetime.datetime | None = None) -> Q:
    """The SQL condition for open stays with something owed today (what ``due_kinds`` finds)."""
    now = now or timezone.now()
    return Q(status__in=OPEN_STATUSES) & (
        Q(status__in=UNDER_WAY, next_check_in_due__lt=today)
        | _arrival_overdue(now, today)
        | Q(status__in=UNDER_WAY, return_review_due__lte=today)
        | Q(status=StayStatus.EXTENSION_REQUESTED)
        | Q(visa_expires_on__lte=today + VISA_HORIZON)
        | Q(passport_alert_on__lte=today)
    )


def newly_due_filter(
    today: datetime.date, *, window: datetime.timedelta, now: datetime.datetime | None = None
) -> Q:
    """
    The SQL condition for stays whose item fell due within ``window`` before ``today``: what a
    reminder announces. Older items stay on My cases (``due_filter``) but were announced already.
    """
    since = today - window
    now = now or timezone.now()
    return Q(status__in=OPEN_STATUSES) & (
        Q(status__in=UNDER_WAY, next_check_in_due__lt=today, next_check_in_due__gte=since)
        | Q(
            arrived_on__isnull=True,
            arrival_alert_at__isnull=True,
            planned_start__lte=today - ARRIVAL_GRACE,
            planned_start__gte=since - ARRIVAL_GRACE,
        )
        | Q(arrived_on__isnull=True, arrival_alert_at__lte=now, arrival_alert_at__date__gte=since)
        | Q(status__in=UNDER_WAY, return_review_due__lte=today, return_review_due__gte=since)
        | Q(status=StayStatus.EXTENSION_REQUESTED)
        | Q(visa_expires_on__lte=today + VISA_HORIZON)
        | Q(passport_alert_on__lte=today, passport_alert_on__gte=since)
    )


#: The plain columns ``due_kinds`` reads, in its argument order.
DUE_COLUMNS = (
    "status",
    "next_check_in_due",
    "arrived_on",
    "planned_start",
    "return_review_due",
    "planned_end",
    "arrival_alert_at",
    "passport_alert_on",
    "visa_expires_on",
)


def due_kinds(
    status: str,
    next_check_in_due: datetime.date | None,
    arrived_on: datetime.date | None,
    planned_start: datetime.date,
    return_review_due: datetime.date | None,
    planned_end: datetime.date,
    arrival_alert_at: datetime.datetime | None = None,
    passport_alert_on: datetime.date | None = None,
    visa_expires_on: datetime.date | None = None,
    *,
    today: datetime.date,
    now: datetime.datetime | None = None,
) -> list[tuple[str, datetime.date]]:
    """
    What is owed on one stay today, as (kind, since) pairs, from its plain columns. An arrival
    with a scheduled landing is overdue by the hour (landing plus the programme's hours), one
    without by the day; passport and visa expiry follow ``haven.domain.stay.document_reminders``.
    """
    owed: list[tuple[str, datetime.date]] = []
    if status not in OPEN_STATUSES:
        return owed
    now = now or timezone.now()
    under_way = status in UNDER_WAY
    if under_way and next_check_in_due and next_check_in_due < today:
        owed.append((ReminderKind.CHECK_IN_OVERDUE, next_check_in_due))
    if arrived_on is None:
        if arrival_alert_at is not None:
            if arrival_alert_at <= now:
                owed.append(
                    (ReminderKind.ARRIVAL_UNCONFIRMED, timezone.localdate(arrival_alert_at))
                )
        elif planned_start + ARRIVAL_GRACE <= today:
            owed.append((ReminderKind.ARRIVAL_UNCONFIRMED, planned_start))
    if under_way and return_review_due and return_review_due <= today:
        owed.append((ReminderKind.RETURN_REVIEW_DUE, return_review_due))
    if status == StayStatus.EXTENSION_REQUESTED:
        owed.append((ReminderKind.EXTENSION_WAITING, planned_end))
    owed += document_reminders(
        passport_alert_on=passport_alert_on,
        visa_expires_on=visa_expires_on,
        today=today,
    )
    return owed


def due_reach_filter(membership: Membership) -> Q:
    """
    The stays of ``membership``'s assigned cases that it may reach, for a staff member
    (``due_items``): ``reachable_stays_filter`` and the assignment, written as one condition.
    """
    assigned = Exists(
        Assignment.objects.filter(case_id=OuterRef("case_id"), membership_id=membership.pk)
    )
    return Q(
        assigned,
        organisation_id=membership.organisation_id,
        case__organisation_id=membership.organisation_id,
        case__staged=False,
    )


def due_items(
    *, membership: Membership | None, today: datetime.date | None = None
) -> list[DueItem]:
    """
    What is owed on the stays of the member's assigned cases: overdue check-ins, unconfirmed
    arrivals, return reviews due and extensions waiting. One query, whatever the number of stays.

    The member's own assignment narrows the staff rule of ``reachable_stays_filter`` (the stay's
    organisation and a visible case: same organisation, not staged, and assigned, supervised or
    broken into) to exactly: the stay and its case in the member's organisation, the case not
    staged, and assigned to the member. So the rule's read of live break-glass grants and its
    subquery over cases are not needed here, and are not made (issue 17);
    ``tests/relocations/test_views.py`` checks both conditions find the same stays.
    """
    if (
        membership is None
        or membership.role not in STAFF_ROLES
        or not may(membership, Permission.STAY_VIEW)
    ):
        return []
    today = today or timezone.localdate()
    stays = (
        Stay.objects.filter(due_reach_filter(membership))
        .filter(due_filter(today))
        .select_related("case", "programme")
        .only(*STAFF_STAY_LIST_COLUMNS, *DUE_COLUMNS)
        .order_by(*(key.order(forward=True) for key in STAY_LIST_ORDER))[:STAYS_PER_PAGE]
    )
    return [
        DueItem(stay, kind, since)
        for stay in stays
        for kind, since in due_kinds(
            *(getattr(stay, column) for column in DUE_COLUMNS), today=today
        )
    ]


def traveller_get(*, membership: Membership, traveller_id: uuid.UUID) -> TravellingDependant:
    """A travelling dependant of a stay the member may reach (staff only), or a 404."""
    if is_host_partner(membership):
        raise Http404
    return _stay_record_get(TravellingDependant, membership=membership, pk=traveller_id)


def follow_up_get(*, membership: Membership, follow_up_id: uuid.UUID) -> FollowUp:
    """A follow-up of a stay the member may reach, or a 404."""
    return _stay_record_get(FollowUp, membership=membership, pk=follow_up_id)
