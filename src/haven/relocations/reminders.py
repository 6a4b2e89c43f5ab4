"""
Reminders about stays, made by a background job (django-tasks, database backend) and shown in
the app; never an e-mail, so no case content leaves Haven.

``remind`` finds, in one query, every open stay with something owed (an overdue check-in, an
arrival not confirmed, a return review due, an extension waiting) together with the members
assigned to its case, and records one ``StayReminder`` per member and item. It is idempotent:
running it again makes nothing twice. ``haven worker`` enqueues it on a schedule and runs the
queue beside the server.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from haven.accounts.models import Membership
from haven.relocations.models import Stay, StayReminder
from haven.relocations.selectors import DUE_COLUMNS, due_filter, due_kinds


def remind(*, today: datetime.date | None = None) -> int:
    """Record the reminders due today for every organisation; return how many are new."""
    today = today or timezone.localdate()
    rows = (
        Stay.objects.filter(due_filter(today))
        .filter(case__assignments__isnull=False)
        .values_list("pk", "organisation_id", "case__assignments__membership_id", *DUE_COLUMNS)
    )
    reminders = [
        StayReminder(
            organisation_id=organisation_id,
            recipient_id=membership_id,
            stay_id=stay_id,
            kind=kind,
            due_on=since,
        )
        for stay_id, organisation_id, membership_id, *columns in rows.iterator(chunk_size=2000)
        for kind, since in due_kinds(*columns, today=today)
    ]
    with transaction.atomic():
        before = StayReminder.objects.count()
        StayReminder.objects.bulk_create(reminders, ignore_conflicts=True, batch_size=1000)
        return StayReminder.objects.count() - before


@task()
def send_stay_reminders() -> int:
    """The background job: ``remind`` for today."""
    return remind()


def unread_reminders(membership: Membership | None) -> list[StayReminder]:
    """The member's unread reminders with their stays' case codes, newest first (one query)."""
    if membership is None:
        return []
    return list(
        StayReminder.objects.filter(recipient=membership, read_at__isnull=True)
        .select_related("stay__case")
        .order_by("-created_at")[:20]
    )


def reminders_mark_read(*, membership: Membership) -> int:
    """Mark the member's reminders read; return how many."""
    return StayReminder.objects.filter(recipient=membership, read_at__isnull=True).update(
        read_at=timezone.now()
    )
