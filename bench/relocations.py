"""
Relocation stays at scale, measured side by side in one run.

1. Query counts: My cases (the dashboard, with its "due on stays" table and reminders) and the
   stay list are loaded by a caseworker and a coordinator with 10 stays, then with 10,000 stays
   and 10,000 check-ins (goal: the same counts).
2. The reminder job (``haven.relocations.reminders.remind``) over the 10,000 stays against a
   bare query that reads the same rows (the due stays joined to their assigned members, plain
   columns only) with nothing done to them. Printed as a time ratio, job / bare query, median
   of 7 (goal: at most 2).

Runs on the test settings' in-memory SQLite; ``make bench`` runs it.
"""

import datetime
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from tests.conftest import make_member, sign_in  # noqa: E402
from tests.relocations.factories import arrived_stay  # noqa: E402

from haven.accounts.acting import SYSTEM  # noqa: E402
from haven.accounts.services import organisation_create  # noqa: E402
from haven.cases.models import Assignment, Case, CaseStatus  # noqa: E402
from haven.organisations.models import Membership, Role  # noqa: E402
from haven.programmes.models import Application  # noqa: E402
from haven.relocations.models import CheckIn, Stay, StayReminder, StayStatus  # noqa: E402
from haven.relocations.reminders import remind  # noqa: E402
from haven.relocations.selectors import DUE_COLUMNS, due_filter  # noqa: E402
from haven.vault.models import DataKey  # noqa: E402

SMALL = 10
LARGE = 10_000
CHECK_INS = 10_000
ROUNDS = 7


def bulk_stays(organisation, programme, caseworker: Membership, count: int, *, first: int) -> None:
    """Insert ``count`` cases with accepted applications and stays; every third is assigned."""
    organisation_key = DataKey.objects.filter(organisation=organisation).first().organisation_key
    today = timezone.localdate()
    batch = 2_000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        ids = [uuid.uuid4() for _ in range(size)]
        keys = DataKey.objects.bulk_create(
            DataKey(
                organisation=organisation,
                owner_type="case",
                owner_id=case_id,
                wrapped=b"bench: never opened",
                organisation_key=organisation_key,
            )
            for case_id in ids
        )
        Case.objects.bulk_create(
            Case(
                id=case_id,
                organisation=organisation,
                code=f"R-{first + start + offset:07d}",
                data_key=key,
                status=CaseStatus.IN_RELOCATION,
            )
            for offset, (case_id, key) in enumerate(zip(ids, keys, strict=True))
        )
        applications = Application.objects.bulk_create(
            Application(
                organisation=organisation,
                case_id=case_id,
                programme=programme,
                route="nominated",
                status="accepted",
            )
            for case_id in ids
        )
        stays = []
        for offset, (case_id, application) in enumerate(zip(ids, applications, strict=True)):
            arrived = today - datetime.timedelta(days=(start + offset) % 80)
            stays.append(
                Stay(
                    organisation=organisation,
                    case_id=case_id,
                    application=application,
                    programme=programme,
                    host_country="NL",
                    planned_start=arrived,
                    planned_end=arrived + datetime.timedelta(days=90),
                    status=StayStatus.IN_STAY,
                    arrived_on=arrived,
                    next_check_in_due=arrived + datetime.timedelta(days=3 + (offset % 40)),
                    return_review_due=arrived + datetime.timedelta(days=48),
                )
            )
        Stay.objects.bulk_create(stays)
        Assignment.objects.bulk_create(
            Assignment(case_id=case_id, membership=caseworker) for case_id in ids[::3]
        )


def bulk_check_ins(organisation, count: int) -> None:
    stays = list(Stay.objects.values_list("pk", "case_id", "arrived_on")[:count])
    CheckIn.objects.bulk_create(
        (
            CheckIn(
                organisation=organisation,
                case_id=case_id,
                stay_id=stay_id,
                done_on=arrived_on + datetime.timedelta(days=3),
                mode="call",
            )
            for index in range(count)
            for stay_id, case_id, arrived_on in [stays[index % len(stays)]]
        ),
        batch_size=2_000,
    )


def queries(client: Client, url: str) -> int:
    """The queries of one page load, after a first load that refreshes the session's clock."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def median_time(action, *, before=None) -> float:
    """The median time of ``action`` over the rounds; ``before`` runs untimed ahead of each."""
    times = []
    for _ in range(ROUNDS):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    call_command("migrate", verbosity=0)
    organisation = organisation_create(
        membership=SYSTEM, slug="bench-stays", name="Bench Stays (fictional)"
    )
    caseworker_user = make_member(organisation, Role.CASEWORKER, "bench.caseworker")
    coordinator_user = make_member(organisation, Role.COORDINATOR, "bench.coordinator")
    caseworker = Membership.objects.get(user=caseworker_user)
    # One stay through the real services first: it creates the organisation's keys.
    programme = arrived_stay(organisation, coordinator_user).programme
    caseworker_client, coordinator_client = Client(), Client()
    sign_in(caseworker_client, caseworker_user)
    sign_in(coordinator_client, coordinator_user)

    bulk_stays(organisation, programme, caseworker, SMALL, first=0)
    remind()
    small = {
        "my cases": queries(caseworker_client, "/"),
        "stay list": queries(coordinator_client, "/relocations/"),
    }
    started = time.perf_counter()
    bulk_stays(organisation, programme, caseworker, LARGE - SMALL, first=SMALL)
    bulk_check_ins(organisation, CHECK_INS)
    print(
        f"(inserted {Stay.objects.count():,} stays and {CheckIn.objects.count():,} check-ins "
        f"in {time.perf_counter() - started:.0f} s)"
    )
    remind()
    large = {
        "my cases": queries(caseworker_client, "/"),
        "stay list": queries(coordinator_client, "/relocations/"),
    }
    for name in small:
        print(
            f"{name} queries at {SMALL} stays: {small[name]}; at {LARGE:,}: {large[name]} "
            f"(goal: equal)"
        )

    today = timezone.localdate()

    def bare_query() -> None:
        list(
            Stay.objects.filter(due_filter(today))
            .filter(case__assignments__isnull=False)
            .values_list("pk", "organisation_id", "case__assignments__membership_id", *DUE_COLUMNS)
        )

    def job() -> None:
        remind(today=today)

    def clear() -> None:
        StayReminder.objects.all().delete()

    bare = median_time(bare_query)
    # A cold run starts from no reminders and inserts every one of them (the first run of the
    # day); a steady run finds them made already (every later run, every interval).
    cold = median_time(job, before=clear)
    made = StayReminder.objects.count()
    steady = median_time(job)
    ratio = steady / bare
    print(
        f"reminder job over {LARGE:,} stays / bare query over the same rows: {ratio:.2f} "
        f"({steady * 1000:.0f} ms vs {bare * 1000:.0f} ms, median of {ROUNDS}; goal <= 2)"
    )
    print(
        f"(a cold run that inserts all {made:,} reminders: {cold * 1000:.0f} ms, "
        f"{cold / bare:.1f}x the bare query)"
    )
    ok = small == large and ratio <= 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
