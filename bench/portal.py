"""
Portal speed, measured side by side in one run.

1. Referral submission: the real ``POST /portal/`` (rate-limit counters, one-time token, a new
   data key wrapped by the organisation's key, encrypted fields, the audit event and the portal
   session, through the full middleware stack) against a twin view that takes the same form with
   the same answers and saves them in plain columns of a twin table, renders the same receipt page
   and nothing else. Both hash the passphrase with the same Argon2id parameters (the production
   ``HAVEN_PORTAL_ARGON2``), because no plain form stores a passphrase unhashed either: the ratio is
   what the portal's protections cost on top of an ordinary form. Printed as real / plain (goal:
   at most 1.5). The time of one Argon2 hash is printed for information.
2. Intake queue: the number of queries the staff queue page makes with 10 and with 10,000 waiting
   referrals (goal: the same count); the page's time at both sizes is printed for information.

Runs on the test settings' in-memory SQLite; ``make bench`` runs it.
"""

import os
import sys
import time
import types
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402
from tests.conftest import make_member, sign_in  # noqa: E402
from tests.portal.helpers import referral_data  # noqa: E402

from haven.accounts.access import public  # noqa: E402
from haven.accounts.acting import SYSTEM  # noqa: E402
from haven.accounts.services import organisation_create  # noqa: E402
from haven.organisations.models import Role  # noqa: E402
from haven.portal import receipts  # noqa: E402
from haven.portal.forms import ReferralForm  # noqa: E402
from haven.portal.models import Referral  # noqa: E402
from haven.portal.views import _portal_render, portal_page  # noqa: E402
from haven.vault.models import DataKey  # noqa: E402

SMALL, LARGE = 10, 10_000
NEVER_OPENED = "bench: the queue never checks a passphrase"
RUNS = 21
# The production cost of the passphrase hash, whatever the test settings say.
settings.HAVEN_PORTAL_ARGON2 = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
settings.HAVEN_PORTAL_RATE_LIMITS = dict.fromkeys(settings.HAVEN_PORTAL_RATE_LIMITS, (10**9, 60))
settings.HAVEN_PORTAL_QUEUE_CAP = 10**9


# Part 1: the submission against a plain twin ----------------------------------------------------


class PlainReferral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organisation_id = models.UUIDField()
    name = models.TextField()
    channel = models.TextField()
    handle = models.TextField()
    country = models.TextField()
    when = models.TextField()
    account = models.TextField()
    urgency = models.TextField()
    passphrase_hash = models.TextField()
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "portal"
        db_table = "bench_plain_referral"

    def __str__(self) -> str:
        return f"plain referral {self.pk}"


@public
@portal_page
@require_POST
def plain_referral(request):  # type: ignore[no-untyped-def]
    """The same form and receipt page, saved in plain columns: no keys, audit, token or limits."""
    form = ReferralForm(request.POST, request.FILES)
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    PlainReferral.objects.create(
        organisation_id=data["organisation"].pk,
        name=data["name"],
        channel=data["channel"],
        handle=data["handle"],
        country=data["country"],
        when=data["when"],
        account=data["account"],
        urgency=data["urgency"],
        passphrase_hash=receipts.hash_passphrase(data["passphrase"]),
    )
    code = receipts.new_receipt_code()
    return _portal_render(
        request,
        "portal/receipt.html",
        {"receipt_words": code.split("-"), "reference": "R-PLAIN", "entropy_bits": 103},
    )


def install_plain_route() -> None:
    from haven.config import urls as project_urls

    module = types.ModuleType("bench_portal_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("plain-portal/", plain_referral),
        *project_urls.urlpatterns,
    ]
    sys.modules["bench_portal_urls"] = module
    settings.ROOT_URLCONF = "bench_portal_urls"
    clear_url_caches()


def submission_ratio(organisation) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    client = Client()
    real_runs, plain_runs = [], []
    for run in range(RUNS + 2):  # interleaved, so load from other processes hits both alike
        for url, runs in (("/portal/", real_runs), ("/plain-portal/", plain_runs)):
            data = referral_data(organisation, account="Fictional account of events. " * 60)
            started = time.perf_counter()
            response = client.post(url, data)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.content[:500]
            client.cookies.clear()
            if run >= 2:  # the first two warm templates and caches
                runs.append(elapsed)
    real, plain = sorted(real_runs)[RUNS // 2], sorted(plain_runs)[RUNS // 2]
    return real / plain, real, plain


def argon2_time() -> float:
    started = time.perf_counter()
    for _ in range(5):
        receipts.hash_passphrase("a fictional passphrase")
    return (time.perf_counter() - started) / 5


# Part 2: the intake queue at 10 and 10,000 referrals ---------------------------------------------


def bulk_referrals(organisation, count: int, *, first: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Insert waiting referrals fast: the queue never decrypts, so their keys need not open."""
    organisation_key = DataKey.objects.filter(organisation=organisation).first().organisation_key
    batch = 2_000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        ids = [uuid.uuid4() for _ in range(size)]
        keys = [
            DataKey(
                organisation=organisation,
                owner_type="referral",
                owner_id=referral_id,
                wrapped=b"bench: never opened",
                organisation_key=organisation_key,
            )
            for referral_id in ids
        ]
        DataKey.objects.bulk_create(keys)
        Referral.objects.bulk_create(
            Referral(
                id=referral_id,
                organisation=organisation,
                data_key=key,
                reference=f"R-{first + start + offset:06d}",
                urgency_rank=(start + offset) % 3,
                language="en",
                receipt_digest=uuid.uuid4().hex * 2,
                passphrase_hash=NEVER_OPENED,
            )
            for offset, (referral_id, key) in enumerate(zip(ids, keys, strict=True))
        )


def queue_page(client: Client) -> tuple[int, float]:
    client.get("/intake/")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get("/intake/")
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return len(queries.captured_queries), elapsed


def main() -> int:
    call_command("migrate", verbosity=0)
    with connection.schema_editor() as editor:
        editor.create_model(PlainReferral)
    organisation = organisation_create(
        membership=SYSTEM, slug="bench-light", name="Bench Light (fictional)"
    )
    install_plain_route()

    ratio, real, plain = submission_ratio(organisation)
    print(
        f"referral submission, encrypted and audited / plain form save: {ratio:.2f} "
        f"({real * 1000:.1f} ms vs {plain * 1000:.1f} ms, median of {RUNS}; goal <= 1.5); "
        f"one Argon2id hash: {argon2_time() * 1000:.1f} ms"
    )

    coordinator = make_member(organisation, Role.COORDINATOR, "bench.coordinator")
    client = Client()
    sign_in(client, coordinator)
    Referral.objects.all().delete()
    bulk_referrals(organisation, SMALL)
    small_queries, small_time = queue_page(client)
    bulk_referrals(organisation, LARGE - SMALL, first=SMALL)
    large_queries, large_time = queue_page(client)
    print(
        f"intake queue queries at {SMALL:,} referrals: {small_queries}; at "
        f"{Referral.objects.count():,}: {large_queries} (goal: equal). "
        f"Time {small_time * 1000:.0f} ms vs {large_time * 1000:.0f} ms."
    )
    return 0 if ratio <= 1.5 and large_queries == small_queries else 1


if __name__ == "__main__":
    sys.exit(main())
