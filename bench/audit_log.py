"""
Audit screen paging at 1,000 and at 100,000 events of one organisation (and as many of another),
side by side in one run: Django's Paginator (exact COUNT and OFFSET, as the screen used to page)
against the keyset pages and capped count it uses now, first and last page each. Prints each
side's median time and its growth (the 100,000 time over the 1,000 time; goal for the keyset
side: at most 1.5). Fictional rows inserted directly (the chain's hashes are placeholders: this
measures reads). Runs on the test settings' in-memory SQLite.
"""

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.utils import timezone  # noqa: E402

from haven.audit.models import AuditEvent  # noqa: E402
from haven.cases.pagination import keyset_page  # noqa: E402
from haven.web.audit_log import AUDIT_ORDER, PAGE_SIZE  # noqa: E402

ORGANISATION, OTHER = uuid.uuid4(), uuid.uuid4()


def fill(count: int, start: int) -> None:
    """Insert ``count`` events, every other one of the organisation the screen shows."""
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                seq=start + index,
                occurred_at=now,
                event_type="case.viewed",
                organisation_id=ORGANISATION if index % 2 else OTHER,
                object_type="case",
                object_id=str(index),
                data={},
                prev_hash="0" * 64,
                hash=f"{start + index:064x}",
            )
            for index in range(count)
        ],
        batch_size=5000,
    )


def rows():  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(organisation_id=ORGANISATION).order_by("-seq")


def median_ms(action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(7):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def paginator_first() -> None:
    list(Paginator(rows(), PAGE_SIZE).get_page(1))


def paginator_last() -> None:
    paginator = Paginator(rows(), PAGE_SIZE)
    list(paginator.get_page(paginator.num_pages))


def keyset_first() -> None:
    list(keyset_page(rows(), AUDIT_ORDER, size=PAGE_SIZE).rows)


def keyset_last() -> None:
    list(keyset_page(rows(), AUDIT_ORDER, size=PAGE_SIZE, last=True).rows)


SIDES = (paginator_first, paginator_last, keyset_first, keyset_last)


def main() -> int:
    call_command("migrate", verbosity=0)
    fill(2_000, 1)
    small = {side.__name__: median_ms(side) for side in SIDES}
    fill(198_000, 2_001)
    large = {side.__name__: median_ms(side) for side in SIDES}
    for name, small_ms in small.items():
        print(
            f"audit screen {name}: 1,000 events {small_ms:.1f} ms, 100,000 events "
            f"{large[name]:.1f} ms"
        )
    for name in small:
        print(f"growth {name}: {large[name] / small[name]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
