"""
Haven under load, served as deployed: gunicorn with three worker processes on loopback.

A caseworker's signed-in session requests the dashboard, the case list, a case page (with ten
threats, ten notes, a consent and three assessments) and an assessment page, while anonymous
requests fetch the sign-in page, all interleaved, from 1, 4 and 16 concurrent clients. Each page's
median (p50) and 95th-percentile (p95) response time is printed as a multiple of the sign-in
page's at the same client count, measured in the same rounds, so the machine's speed and the load
from other processes cancel out. The last lines read ``load <page> x<clients>: <ratio>`` (the p50
multiple; goal for the case page: at most 3). At 16 clients the three workers are saturated and
every request spends most of its time queued in gunicorn, so the multiples approach 1: they then
show that no page starves the others, not what a page costs (read that at 1 and 4 clients).

Bounded and local: the server listens on 127.0.0.1 only, every client sends a fixed number of
requests (``REQUESTS_PER_PAGE`` per page and client count, spread over the clients), and nothing
leaves the machine. The data is fictional and lives in a throw-away database: a temporary SQLite
file, or a test database beside the one ``DATABASE_URL`` names when it points at PostgreSQL.
"""

import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = tempfile.mkdtemp(prefix="haven-load-")
os.environ["HAVEN_DATA_DIR"] = DATA_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "haven.config.settings.dev"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from tests.conftest import make_member, sign_in  # noqa: E402

from cases import bulk_cases, rich_case  # noqa: E402
from haven.accounts.acting import SYSTEM  # noqa: E402
from haven.accounts.services import organisation_create  # noqa: E402
from haven.cases.models import Assessment  # noqa: E402
from haven.cli.serving import LOOPBACK, gunicorn_command, listen_on_loopback  # noqa: E402
from haven.organisations.models import Membership, Role  # noqa: E402
from haven.vault.masterkey import ensure_demo_master_key  # noqa: E402

#: As ``deploy/haven.service`` runs it.
WORKERS = 3
CLIENT_COUNTS = (1, 4, 16)
#: Each page's requests at each client count: enough that a p50 of a few milliseconds is not moved
#: by the one or two requests a scheduler hiccup or a collection stretches.
REQUESTS_PER_PAGE = 96
OTHER_CASES = 300
SIGN_IN = "sign-in page"
SIGN_IN_PATH = "/accounts/login/"
CASE_PAGE = "case page"
CASE_PAGE_GOAL = 3.0


def prepare_database() -> tuple[dict[str, str], str | None]:
    """
    Create the throw-away database; return the environment that points gunicorn at it and the
    name of the PostgreSQL test database to drop afterwards (None for the temporary SQLite file).
    """
    if connection.vendor == "postgresql":
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
        return {"DATABASE_URL": url}, name
    call_command("migrate", verbosity=0)
    return {}, None


def seed(client: Client) -> dict[str, str]:
    """Fictional data; return the URL of each page to request."""
    ensure_demo_master_key(settings.HAVEN_MASTER_KEY_FILE)
    organisation = organisation_create(
        membership=SYSTEM, slug="load-light", name="Load Light (fictional)"
    )
    caseworker = make_member(organisation, Role.CASEWORKER, "load.caseworker")
    membership = Membership.objects.get(user=caseworker)
    case = rich_case(organisation, caseworker)
    bulk_cases(organisation, membership, OTHER_CASES)
    assessment = Assessment.objects.filter(case=case).order_by("-recorded_at").first()
    sign_in(client, caseworker)
    if connection.vendor == "postgresql":
        # The planner's statistics, as autovacuum gathers them after a bulk insert: without
        # them the first level's plans depend on whether autovacuum has run yet.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "dashboard": "/",
        "case list": "/cases/",
        CASE_PAGE: f"/cases/{case.pk}/",
        "assessment page": f"/cases/assessments/{assessment.pk}/",
    }


def get(port: int, path: str, cookie: str | None, *, timeout: float = 120) -> int:
    """GET ``path`` from the server on loopback; return the status after reading the body."""
    server = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        server.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = server.getresponse()
        response.read()
        return response.status
    finally:
        server.close()


def wait_until_serving(port: int, server: subprocess.Popen) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped with status {server.returncode}")
        try:
            get(port, SIGN_IN_PATH, None, timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within two minutes")


def fetch(port: int, path: str, cookie: str | None) -> float:
    """The response time of one request, which must succeed."""
    started = time.perf_counter()
    status = get(port, path, cookie)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    return elapsed


def page_requests(pages: dict[str, str], cookie: str) -> list[tuple[str, str, str | None]]:
    """Name, path and cookie of each page: the sign-in page anonymously, the others signed in."""
    return [(SIGN_IN, SIGN_IN_PATH, None)] + [(name, path, cookie) for name, path in pages.items()]


def run_level(
    port: int, pages: dict[str, str], cookie: str, clients: int
) -> dict[str, list[float]]:
    """Every client requests every page in turn, its share of ``REQUESTS_PER_PAGE`` times."""
    timings: dict[str, list[float]] = {name: [] for name in [SIGN_IN, *pages]}
    lock = threading.Lock()
    rounds = -(-REQUESTS_PER_PAGE // clients)
    order = page_requests(pages, cookie)
    failures: list[BaseException] = []

    def client(offset: int) -> None:
        try:
            for round_number in range(rounds):
                # Each client starts the cycle at another page, so every page meets every load.
                start = (offset + round_number) % len(order)
                for name, path, session in order[start:] + order[:start]:
                    elapsed = fetch(port, path, session)
                    with lock:
                        timings[name].append(elapsed)
        except BaseException as failure:  # reported by the main thread
            failures.append(failure)

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    server_env, test_database = prepare_database()
    client = Client()
    pages = seed(client)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connections.close_all()  # gunicorn's workers open their own

    # Bound here and inherited by gunicorn: no other program can take the port in between.
    with listen_on_loopback(0) as listener:
        port = listener.getsockname()[1]
        server = subprocess.Popen(
            gunicorn_command(listener=listener, workers=WORKERS, access_log=False),
            # gunicorn imports Haven from this checkout's src, not from wherever the virtualenv's
            # editable install points (another worktree's, when comparing two codes side by side).
            env={**os.environ, **server_env, "PYTHONPATH": str(ROOT / "src")},
            stderr=subprocess.DEVNULL,
            pass_fds=(listener.fileno(),),
        )
    results: list[tuple[str, int, float, float]] = []
    try:
        wait_until_serving(port, server)
        for _name, path, session in page_requests(pages, cookie):
            fetch(port, path, session)  # templates and caches warm before anything is timed
        for clients in CLIENT_COUNTS:
            timings = run_level(port, pages, cookie, clients)
            sign_in_p50 = statistics.median(timings[SIGN_IN])
            sign_in_p95 = percentile(timings[SIGN_IN], 0.95)
            print(
                f"x{clients}: sign-in page p50 {sign_in_p50 * 1000:.0f} ms, "
                f"p95 {sign_in_p95 * 1000:.0f} ms ({len(timings[SIGN_IN])} requests a page)"
            )
            for name in pages:
                p50 = statistics.median(timings[name])
                p95 = percentile(timings[name], 0.95)
                print(
                    f"  {name}: p50 {p50 * 1000:.0f} ms = {p50 / sign_in_p50:.2f}x sign-in, "
                    f"p95 {p95 * 1000:.0f} ms = {p95 / sign_in_p95:.2f}x sign-in"
                )
                results.append((name, clients, p50 / sign_in_p50, p95 / sign_in_p95))
    finally:
        server.terminate()
        server.wait(timeout=60)
        if test_database is not None:
            connection.creation.destroy_test_db(test_database, verbosity=0)
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    for name, clients, ratio, _p95 in results:
        print(f"load {name} x{clients}: {ratio:.2f}")
    case_page_ok = all(
        ratio <= CASE_PAGE_GOAL for name, _, ratio, _ in results if name == CASE_PAGE
    )
    return 0 if case_page_ok else 1


if __name__ == "__main__":
    sys.exit(main())
