"""
Worker processes for the reliability suite, run as ``python -m tests.reliability.workers JOB``.

Each job configures Django from the environment the test gives it (a data folder of its own, a
file SQLite database or a PostgreSQL one, a master key) and prints one JSON line of results, so
the tests can run several at once and kill them without sharing a Python process.
"""

import json
import os
import sys
import threading
import time
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings.dev")
    import django

    django.setup()


def append_events(count: int) -> dict[str, Any]:
    """Write ``count`` audit events, one transaction each, as a busy web worker would."""
    from haven.audit.events import EventType
    from haven.audit.services import record_event

    for index in range(count):
        record_event(EventType.CASE_VIEWED, object_type="case", object_id=f"w{os.getpid()}-{index}")
    return {"written": count}


def concurrent_searches(threads: int, limit: int) -> dict[str, Any]:
    """Run ``threads`` searches at once as one person, the hourly limit set to ``limit``."""
    from django.db import connection

    from haven.cases.services import search as search_services
    from haven.organisations.models import Membership
    from haven.vault.errors import SearchRateLimitedError

    search_services.SEARCHES_PER_HOUR = limit
    membership = Membership.objects.select_related("user", "organisation").get(
        user__username="rel.searcher"
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(threads)

    def search() -> None:
        barrier.wait()
        try:
            search_services.defender_search(
                membership=membership,
                organisation=membership.organisation,
                field="email",
                value="nobody@example.org",
            )
            outcomes.append("ran")
        except SearchRateLimitedError:
            outcomes.append("refused")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    workers = [threading.Thread(target=search) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"ran": outcomes.count("ran"), "refused": outcomes.count("refused"), "all": outcomes}


def create_searcher() -> dict[str, Any]:
    from haven.accounts.models import User
    from haven.organisations.models import Membership, Organisation, Role

    organisation = Organisation.objects.get(slug="rel-org")
    user = User.objects.create_user(username="rel.searcher", password="x" * 20)
    Membership.objects.create(user=user, organisation=organisation, role=Role.CASEWORKER)
    return {"user": str(user.public_id)}


def web_latency(seconds: float) -> dict[str, Any]:
    """
    For ``seconds``, repeat what a case page does to the database: read cases and append one
    audit event (the chain head is what a long import used to hold). Report each latency.
    """
    from haven.audit.events import EventType
    from haven.audit.services import record_event
    from haven.cases.models import Case

    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            list(Case.objects.filter(staged=False).order_by("-created_at")[:20])
            record_event(EventType.CASE_VIEWED, object_type="case", object_id="page")
        except Exception as error:
            errors.append(type(error).__name__)
        latencies.append(time.monotonic() - started)
        time.sleep(0.05)
    return {"latencies": latencies, "errors": errors}


def import_file(path: str, slug: str, batch_size: int, timed: bool) -> dict[str, Any]:
    """Import a file in this process, with or without the time limit per batch."""
    import json as json_module

    from haven.accounts.acting import SYSTEM
    from haven.cases.transfer import BATCH_SECONDS, cases_import
    from haven.organisations.models import Organisation

    with open(path, encoding="utf-8") as handle:
        document = json_module.load(handle)
    report = cases_import(
        membership=SYSTEM,
        organisation=Organisation.objects.get(slug=slug),
        document=document,
        batch_size=batch_size,
        batch_seconds=BATCH_SECONDS if timed else None,
    )
    return {"created": report.created}


def rotate_org(slug: str, batch_size: int) -> dict[str, Any]:
    """
    ``haven keys rotate-org`` with small batches, so a test can kill it between two of them.

    The command re-wraps 200 data keys a transaction: the whole of a test organisation, so the
    only moment to kill it mid-rotation would be a few milliseconds before it exits.
    """
    from haven.organisations.models import Organisation
    from haven.vault.rotation import rotate_organisation

    report = rotate_organisation(
        organisation=Organisation.objects.get(slug=slug), batch_size=batch_size
    )
    return {"rewrapped": report.rewrapped, "remaining": report.remaining}


JOBS = {
    "import": lambda argv: import_file(argv[0], argv[1], int(argv[2]), argv[3] == "timed"),
    "rotate-org": lambda argv: rotate_org(argv[0], int(argv[1])),
    "append-events": lambda argv: append_events(int(argv[0])),
    "searches": lambda argv: concurrent_searches(int(argv[0]), int(argv[1])),
    "create-searcher": lambda argv: create_searcher(),
    "web-latency": lambda argv: web_latency(float(argv[0])),
}

if __name__ == "__main__":
    _setup()
    print(json.dumps(JOBS[sys.argv[1]](sys.argv[2:])))
