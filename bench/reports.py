"""
The analyst's report at the size of a real organisation, measured side by side in one run.

With 1,000 and then 100,000 cases (inserted in bulk), the report page (every table, suppressed,
rendered with its charts, through the full middleware stack) is timed against one bare
``SELECT COUNT(*)`` over the organisation's cases, interleaved so both see the same machine. The
goal is a constant number of queries and a page at most three times the count.

Runs on PostgreSQL when ``DATABASE_URL`` points at it (in a throw-away test database beside the
named one, as the test suite does) and on SQLite otherwise.
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from tests.conftest import make_member, sign_in  # noqa: E402

from haven.accounts.acting import SYSTEM  # noqa: E402
from haven.accounts.services import organisation_create  # noqa: E402
from haven.cases.models import URGENCY_RANK, Case, CaseStatus, Urgency  # noqa: E402
from haven.organisations.models import Membership, Role  # noqa: E402
from haven.reports.selectors import analyst_report  # noqa: E402
from haven.vault.keyring import keyring_scope  # noqa: E402
from haven.vault.models import DataKey  # noqa: E402

SMALL, LARGE = 1_000, 100_000
RUNS = 15
GOAL = 3.0


def bulk_cases(organisation, count: int, *, first: int = 0) -> None:
    """Insert cases in bulk with keys that are never opened: the report decrypts nothing."""
    with keyring_scope():
        organisation_key = DataKey.objects.filter(organisation=organisation).first()
    if organisation_key is None:
        raise SystemExit("the organisation has no data key to copy the key reference from")
    now = timezone.now()
    statuses = [s.value for s in CaseStatus if s != CaseStatus.ERASED]
    urgencies = list(Urgency)
    for start in range(0, count, 5_000):
        size = min(5_000, count - start)
        ids = [uuid.uuid4() for _ in range(size)]
        keys = [
            DataKey(
                organisation=organisation,
                owner_type="case",
                owner_id=case_id,
                wrapped=b"bench: never opened",
                organisation_key=organisation_key.organisation_key,
            )
            for case_id in ids
        ]
        DataKey.objects.bulk_create(keys)
        Case.objects.bulk_create(
            Case(
                id=case_id,
                organisation=organisation,
                code=f"B-{first + start + offset:07d}",
                data_key=key,
                status=statuses[(first + start + offset) % len(statuses)],
                urgency=urgencies[(first + start + offset) % len(urgencies)],
                urgency_rank=URGENCY_RANK[urgencies[(first + start + offset) % len(urgencies)]],
                created_at=now - datetime.timedelta(hours=first + start + offset),
            )
            for offset, (case_id, key) in enumerate(zip(ids, keys, strict=True))
        )


def count_cases(organisation) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM cases_case WHERE organisation_id = %s",
            [organisation.pk.hex] if connection.vendor == "sqlite" else [organisation.pk],
        )
        cursor.fetchone()


def side_by_side(client: Client, organisation, membership) -> tuple[float, float, int]:
    page_times, count_times = [], []
    with CaptureQueriesContext(connection) as queries:
        analyst_report(membership=membership)
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get("/reports/")
        page_times.append(time.perf_counter() - started)
        assert response.status_code == 200
        started = time.perf_counter()
        count_cases(organisation)
        count_times.append(time.perf_counter() - started)
    return statistics.median(page_times), statistics.median(count_times), len(queries)


def measure() -> int:
    organisation = organisation_create(
        membership=SYSTEM, slug="bench-reports", name="Bench Reports (fictional)"
    )
    coordinator = make_member(organisation, Role.COORDINATOR, "bench.coordinator")
    analyst = make_member(organisation, Role.ANALYST, "bench.analyst")
    from tests.cases.factories import open_canary_case

    open_canary_case(organisation, coordinator)  # a real case, so a real data key exists
    client = Client()
    sign_in(client, analyst)

    bulk_cases(organisation, SMALL - 1)
    membership = Membership.objects.get(user=analyst)
    small_page, small_count, small_queries = side_by_side(client, organisation, membership)
    started = time.perf_counter()
    bulk_cases(organisation, LARGE - SMALL, first=SMALL)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"(inserted {LARGE:,} cases in {time.perf_counter() - started:.0f} s, {connection.vendor})"
    )
    large_page, large_count, large_queries = side_by_side(client, organisation, membership)

    print(
        f"{SMALL:,} cases: report {small_page * 1000:.1f} ms in {small_queries} queries, "
        f"COUNT(*) {small_count * 1000:.2f} ms"
    )
    print(
        f"{LARGE:,} cases: report {large_page * 1000:.1f} ms in {large_queries} queries, "
        f"COUNT(*) {large_count * 1000:.2f} ms"
    )
    ratio = large_page / large_count
    print(f"report / COUNT(*) at {LARGE:,} cases: {ratio:.2f} (goal <= {GOAL})")
    print(f"report queries at {SMALL:,} and {LARGE:,} cases: {small_queries} and {large_queries}")
    return 0


def main() -> int:
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return measure()
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
