"""
Cases by risk level, country and profile: a snapshot counted by a background job.

These three values are encrypted in each case (the facts' country and profiles, the latest
assessment's staff risk level), so the database cannot group them and the report, which never
decrypts, cannot either. ``recount_profiles`` opens the live cases of one organisation in batches
with the case list's own reading (``haven.cases.listing.case_summaries``), counts them in memory
and replaces that organisation's ``ProfileTally`` rows in one transaction, so a reader sees either
the old snapshot or the new one. Erased cases, and those an unfinished import staged, are left
out. A case with two profiles counts once under each; a case without a value counts under "not
recorded" (value ``""``).

``haven worker`` enqueues ``recount_profile_tallies`` every hour; the demo seed runs it once.
Nothing decrypted leaves this module: only codes and counts are stored.
"""

import datetime
import uuid
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.cases.listing import case_summaries
from haven.cases.models import Case, CaseStatus
from haven.organisations.models import Organisation
from haven.reports.models import ProfileTally
from haven.vault.keyring import keyring_scope

DIMENSIONS = ("risk", "country", "profile")
#: Cases decrypted at a time: bounds the memory and the size of each query.
BATCH = 500
#: How often ``haven worker`` recounts, in seconds.
RECOUNT_EVERY = 3600


def count_profiles(organisation_id: uuid.UUID) -> dict[str, Counter[str]]:
    """Counts of the organisation's live cases by risk level, country and profile (none staged)."""
    counts: dict[str, Counter[str]] = {dimension: Counter() for dimension in DIMENSIONS}
    live = (
        # Not the cases an unfinished import staged: nobody's yet (``cases.access``).
        Case.objects.filter(organisation_id=organisation_id, staged=False)
        .exclude(status=CaseStatus.ERASED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(live)
    with keyring_scope():
        for start in range(0, len(ids), BATCH):
            for summary in case_summaries(ids[start : start + BATCH]).values():
                counts["risk"][summary.risk or ""] += 1
                counts["country"][summary.country or ""] += 1
                for profile in set(summary.profiles) or {""}:
                    counts["profile"][profile[:64]] += 1
    return counts


def recount_profiles(organisation_id: uuid.UUID, *, now: datetime.datetime | None = None) -> int:
    """Replace the organisation's ``ProfileTally`` rows with a fresh count; returns rows written."""
    counted_at = now or timezone.now()
    # Decrypt and count outside the transaction; only the swap of rows holds it.
    counts = count_profiles(organisation_id)
    rows = [
        ProfileTally(
            organisation_id=organisation_id,
            dimension=dimension,
            value=value,
            cases=number,
            computed_at=counted_at,
        )
        for dimension, counter in counts.items()
        for value, number in counter.items()
    ]
    with transaction.atomic():
        ProfileTally.objects.filter(organisation_id=organisation_id).delete()
        ProfileTally.objects.bulk_create(rows)
        # The job decrypted every live case of the organisation: say so in its audit log.
        record_event(
            EventType.REPORT_PROFILES_COUNTED,
            organisation=organisation_id,
            data={"rows": len(rows)},
        )
    return len(rows)


def recount_all_profiles(*, now: datetime.datetime | None = None) -> int:
    """Recount every organisation, each in its own transaction; returns organisations counted."""
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    for organisation_id in organisations:
        recount_profiles(organisation_id, now=now)
    return len(organisations)


@task()
def recount_profile_tallies() -> int:
    return recount_all_profiles()
