"""
Reminders about stays, made by a background job (django-tasks, database backend) and shown in
the app; never an e-mail, so no case content leaves Haven.

``remind`` finds, in one query, every open stay with something newly owed (a check-in gone
overdue, an arrival not confirmed, a return review fallen due, an extension waiting) together
with the members assigned to its case, and records one ``StayReminder`` per member and item. It
is idempotent: running it again makes nothing twice. ``shred_due_travel_plans`` destroys the
travel plans whose day has come (30 days after arrival by default). ``haven worker`` enqueues it
on a schedule and runs the queue beside the server.
"""

import datetime
import uuid
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from haven.accounts.acting import SYSTEM
from haven.accounts.compiled import CompiledRead
from haven.accounts.round_trips import Call
from haven.organisations.models import Membership
from haven.relocations.models import Stay, StayReminder
from haven.relocations.selectors import ARRIVAL_GRACE, DUE_COLUMNS, due_kinds, newly_due_filter
from haven.relocations.services import StayError, travel_plan_shred

REMINDER_WINDOW = datetime.timedelta(days=7)


def remind(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """
    Record the reminders due today for every organisation; return how many are new.

    A reminder announces an item that fell due in the last ``REMINDER_WINDOW`` (a week, so a
    worker that was down for a few days misses nothing); older items remain on My cases. Two
    reads (those stays with their assigned members, and the reminders they already have) and
    one insert of only what is new.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    due = Stay.objects.filter(newly_due_filter(today, window=REMINDER_WINDOW, now=now))
    rows = due.filter(case__assignments__isnull=False).values_list(
        "pk", "organisation_id", "case__assignments__membership_id", *DUE_COLUMNS
    )
    made = set(
        StayReminder.objects.filter(stay__in=due.values("pk")).values_list(
            "recipient_id", "stay_id", "kind", "due_on"
        )
    )
    reminders = [
        StayReminder(
            organisation_id=organisation_id,
            recipient_id=membership_id,
            stay_id=stay_id,
            kind=kind,
            due_on=since,
        )
        for stay_id, organisation_id, membership_id, *columns in rows
        for kind, since in due_kinds(*columns, today=today, now=now)
        if since >= today - REMINDER_WINDOW - ARRIVAL_GRACE
        and (membership_id, stay_id, kind, since) not in made
    ]
    with transaction.atomic():
        # A worker racing this one may insert the same reminder: the constraint keeps one.
        StayReminder.objects.bulk_create(reminders, ignore_conflicts=True, batch_size=1000)
    return len(reminders)


@task()
def send_stay_reminders() -> int:
    """The background job: ``remind`` for today."""
    return remind()


def shred_due_travel_plans(*, today: datetime.date | None = None) -> int:
    """
    Shred every travel plan whose day has come (the arrival plus the programme's days, kept in
    ``Stay.travel_plan_shred_on``); return how many. Each is shredded by ``travel_plan_shred``
    as ``SYSTEM``, in its own transaction with its own audit event, so one failure leaves the
    others done and the next run tries again.
    """
    today = today or timezone.localdate()
    due = Stay.objects.filter(travel_plan_shred_on__lte=today).select_related("programme")
    shredded = 0
    for stay in due:
        try:
            travel_plan_shred(membership=SYSTEM, stay=stay)
        except StayError:
            # Shredded meanwhile (a person pressed the button): nothing left to do.
            continue
        shredded += 1
    return shredded


@task()
def shred_travel_plans() -> int:
    """The background job: ``shred_due_travel_plans`` for today."""
    return shred_due_travel_plans()


def _unread_query(*, member: Any) -> QuerySet[StayReminder]:
    return (
        StayReminder.objects.filter(recipient_id=member, read_at__isnull=True)
        .select_related("stay__case")
        .order_by("-created_at")[:20]
    )


#: Compiled at its first use (an id no row has stands for the member), not on every visit to
#: the dashboard (issue 17).
_UNREAD = CompiledRead(_unread_query, member=uuid.UUID(int=0))


def unread_reminders_read(membership: Membership | None) -> Call | None:
    """
    The member's unread reminders with their stays' case codes, newest first, as a read and its
    values for ``read_together`` (the dashboard's round trip); None for nothing to read.
    """
    if membership is None:
        return None
    return _UNREAD, {"member": membership.pk}


def reminders_mark_read(*, membership: Membership) -> int:
    """Mark the member's reminders read; return how many."""
    return StayReminder.objects.filter(recipient=membership, read_at__isnull=True).update(
        read_at=timezone.now()
    )
