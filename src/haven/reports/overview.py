"""
The coordinator's overview: what needs a coordinator today, counted, with links to act on it.

Everything is read through the owning apps' selectors, so the overview shows only what the
coordinator may reach there: overdue check-ins and return reviews due (the stays' plain due
columns, the rule My cases uses), decisions waiting (erasures, extensions, matching runs),
emergency access still open, stays by stage and the age of the portal queue. It decrypts nothing:
case codes and member names are plain columns.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from haven.cases.models import BreakGlassGrant, CaseErasure
from haven.cases.selectors import erasures_pending
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.portal.selectors import QueueSummary, queue_summary
from haven.programmes.models import MatchingRun, MatchingRunStatus
from haven.programmes.selectors import matching_run_list
from haven.relocations.models import STAY_STATUSES
from haven.relocations.selectors import DUE_COLUMNS, due_filter, due_kinds, reachable_stays

SHOWN = 20


@dataclass(frozen=True)
class StageCount:
    label: str
    count: int


@dataclass(frozen=True)
class Overview:
    as_of: datetime.date
    #: What the reachable stays owe, counted by due kind (``due_kinds``: ``check_in_overdue``,
    #: ``return_review_due``, ``arrival_unconfirmed``, ``extension_waiting``); a kind never
    #: counted reads 0.
    owed: Counter[str]
    stays_by_stage: tuple[StageCount, ...]
    erasures: tuple[CaseErasure, ...]
    matching_runs: tuple[MatchingRun, ...]
    break_glass: tuple[BreakGlassGrant, ...]
    queue: QueueSummary | None

    @property
    def queue_age_days(self) -> int | None:
        if self.queue is None or self.queue.oldest_age is None:
            return None
        return self.queue.oldest_age.days


def coordinator_overview(*, membership: Membership) -> Overview:
    """
    The overview for a coordinator of ``membership``'s organisation.

    Permission: ``reports.overview`` (coordinators); anyone else gets 404. A constant number of
    queries, whatever the number of cases and stays.
    """
    if not may(membership, Permission.VIEW_OVERVIEW):
        raise Http404
    today = timezone.localdate()
    now = timezone.now()
    stays = reachable_stays(membership=membership)

    owed: Counter[str] = Counter()
    for columns in stays.filter(due_filter(today)).values_list(*DUE_COLUMNS):
        for kind, _since in due_kinds(*columns, today=today):
            owed[kind] += 1

    counted = dict(
        stays.order_by().values("status").annotate(stays=Count("id")).values_list("status", "stays")
    )
    by_stage = tuple(
        StageCount(str(label), counted.get(value, 0))
        for value, label in STAY_STATUSES.choices
        if counted.get(value)
    )

    runs: tuple[MatchingRun, ...] = ()
    if may(membership, Permission.RUN_MATCHING):
        runs = tuple(
            matching_run_list(membership=membership)
            .filter(status=MatchingRunStatus.PROPOSED)
            .select_related("created_by")[:SHOWN]
        )
    try:
        queue: QueueSummary | None = queue_summary(membership=membership)
    except Http404:
        queue = None
    grants = tuple(
        BreakGlassGrant.objects.filter(
            organisation_id=membership.organisation_id, expires_at__gt=now
        )
        .select_related("case", "membership__user")
        .order_by("expires_at")[:SHOWN]
    )
    return Overview(
        as_of=today,
        owed=owed,
        stays_by_stage=by_stage,
        erasures=tuple(erasures_pending(membership=membership)[:SHOWN]),
        matching_runs=runs,
        break_glass=grants,
        queue=queue,
    )
