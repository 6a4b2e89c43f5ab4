"""
Cases workspace speed, measured side by side in one run.

1. Lists at any size: the case list's first and last page and the dashboard ("My cases") in two
   organisations of the same database, one with 1,000 cases and one with 100,000 (inserted in
   bulk, then ``VACUUM ANALYZE`` as autovacuum would), each with its own caseworker assigned to
   every third case. The two organisations' pages are requested alternately, so the machine's
   load falls on both alike, and each page's growth is printed as ``growth <page>: <ratio>``,
   the median time at 100,000 over the median at 1,000 (goal: at most 1.5), with the query
   counts beside.
2. Case page: the real page of one case (with its threats, notes, consents and assessments,
   decrypted under the case key, with the ``case.viewed`` audit event and the full middleware
   stack) versus the same template rendered by a twin view over a plaintext copy of the case in
   tables without encryption and without audit. Printed as a time ratio, real / plaintext
   (goal: at most 1.3).

Runs on PostgreSQL when ``DATABASE_URL`` points at it (in a throw-away test database beside the
named one, as the test suite does, with the settings ``docs/deployment.md`` asks of a Haven
database) and on in-memory SQLite otherwise; ``make bench`` runs it.
"""

import datetime
import os
import re
import statistics
import sys
import time
import types
import uuid
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from tests.acting import acting  # noqa: E402
from tests.cases.factories import assigned_case, tension_facts  # noqa: E402
from tests.conftest import make_member, sign_in  # noqa: E402

from haven.accounts.access import requires  # noqa: E402
from haven.accounts.acting import SYSTEM  # noqa: E402
from haven.accounts.models import User  # noqa: E402
from haven.accounts.services import organisation_create  # noqa: E402
from haven.cases import forms  # noqa: E402
from haven.cases.models import (  # noqa: E402
    CASE_STATUS_CHOICES,
    URGENCY_RANK,
    Assessment,
    Assignment,
    Case,
    CaseStatus,
    Consent,
    Note,
    Threat,
    Urgency,
)
from haven.cases.selectors import CaseRecords  # noqa: E402
from haven.cases.services import (  # noqa: E402
    assessment_run,
    case_assign,
    consent_record,
    note_add,
    threat_record,
)
from haven.cases.views import case_page  # noqa: E402
from haven.domain.lifecycle import CASE_MACHINE  # noqa: E402
from haven.domain.lifecycle import CaseStatus as Lifecycle  # noqa: E402
from haven.organisations.models import Membership, Role  # noqa: E402
from haven.organisations.policy import Permission, may  # noqa: E402
from haven.vault.keyring import keyring_scope  # noqa: E402
from haven.vault.models import DataKey, KeyPurpose  # noqa: E402

SMALL, LARGE = 1_000, 100_000
RECORDS = 10
LIST_RUNS = 21
#: The list pages measured at both sizes, by name.
LIST_PAGES = ("case list first page", "case list last page", "dashboard")
#: What ``docs/deployment.md`` asks of a Haven database ("PostgreSQL settings Haven expects").
POSTGRESQL_SETTINGS = {"jit": "off", "random_page_cost": "1.1"}


# Part 1: the list pages at 1,000 and 100,000 cases ----------------------------------------------


def bulk_cases(organisation, membership: Membership, count: int) -> None:
    """
    Insert ``count`` cases with bulk inserts: list pages never decrypt, so their keys need not
    open. Every third case is assigned to ``membership``; statuses, urgencies, due dates and
    divergent risk views vary so that filters and sort orders meet realistic data.
    """
    with keyring_scope() as keyring:
        organisation_key = keyring.organisation_row(organisation.pk, KeyPurpose.DATA)
    now = timezone.now()
    today = now.date()
    statuses = [s.value for s in CaseStatus if s != CaseStatus.ERASED]
    urgencies = list(Urgency)
    batch = 5_000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        ids = [uuid.uuid4() for _ in range(size)]
        keys = [
            DataKey(
                organisation=organisation,
                owner_type="case",
                owner_id=case_id,
                wrapped=b"bench: never opened",
                organisation_key=organisation_key,
            )
            for case_id in ids
        ]
        DataKey.objects.bulk_create(keys)
        cases = []
        for offset, (case_id, key) in enumerate(zip(ids, keys, strict=True)):
            number = start + offset
            urgency = urgencies[number % len(urgencies)]
            cases.append(
                Case(
                    id=case_id,
                    organisation=organisation,
                    code=f"B-{number:07d}",
                    data_key=key,
                    status=statuses[number % len(statuses)],
                    urgency=urgency,
                    urgency_rank=URGENCY_RANK[urgency],
                    next_due_on=today + datetime.timedelta(days=number % 90)
                    if number % 4
                    else None,
                    risk_views_diverge=number % 97 == 0,
                    created_at=now - datetime.timedelta(minutes=number),
                )
            )
        Case.objects.bulk_create(cases)
        Assignment.objects.bulk_create(
            Assignment(case_id=case_id, membership=membership) for case_id in ids[::3]
        )


def list_organisation(count: int) -> Client:
    """
    An organisation of ``count`` cases with a caseworker assigned to every third, and a client
    signed in as that caseworker.
    """
    organisation = organisation_create(
        membership=SYSTEM, slug=f"bench-{count}", name=f"Bench {count:,} (fictional)"
    )
    caseworker = make_member(organisation, Role.CASEWORKER, f"bench.caseworker.{count}")
    bulk_cases(organisation, Membership.objects.get(user=caseworker), count)
    client = Client()
    sign_in(client, caseworker)
    return client


def last_page_url(client: Client) -> str:
    """The first page's link to the last page (the list offers one at every size)."""
    html = client.get("/cases/").content.decode()
    link = re.search(r'<a[^>]*rel="last"[^>]*href="([^"]+)"', html) or re.search(
        r'<a[^>]*href="([^"]+)"[^>]*rel="last"', html
    )
    assert link is not None, "the case list has no link to its last page"
    return "/cases/" + unescape(link.group(1))


def list_timings(clients: dict[int, Client]) -> dict[tuple[str, int], tuple[float, int]]:
    """
    Median time and query count of each list page in each organisation (by its number of
    cases), every page of every organisation requested in turn, the order of the organisations
    swapped every run, so that load from other processes hits both sizes alike.
    """
    urls = {
        count: dict(zip(LIST_PAGES, ("/cases/", last_page_url(client), "/"), strict=True))
        for count, client in clients.items()
    }
    queries: dict[tuple[str, int], int] = {}
    runs: dict[tuple[str, int], list[float]] = {
        (name, count): [] for name in LIST_PAGES for count in clients
    }
    for count, client in clients.items():  # warm templates and the database's caches
        for url in urls[count].values():
            assert client.get(url).status_code == 200
    order = list(clients)
    for _ in range(LIST_RUNS):
        for name in LIST_PAGES:
            for count in order:
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = clients[count].get(urls[count][name])
                    runs[name, count].append(time.perf_counter() - started)
                assert response.status_code == 200, (urls[count][name], response.status_code)
                queries[name, count] = len(captured.captured_queries)
        order.reverse()
    return {key: (statistics.median(times), queries[key]) for key, times in runs.items()}


# Part 2: the case page against a plaintext twin --------------------------------------------------


def twin_model(name: str, fields: dict[str, models.Field]) -> type[models.Model]:
    attributes = {
        "__module__": __name__,
        "id": models.UUIDField(primary_key=True, default=uuid.uuid4),
        "Meta": type("Meta", (), {"app_label": "cases", "db_table": f"bench_plain_{name}"}),
        **fields,
    }
    return type(f"Plain{name.title()}", (models.Model,), attributes)


def plaintext_models() -> dict[str, type[models.Model]]:
    """Tables like the case's, with plain columns where the real ones are encrypted."""
    case_fields = {
        "code": models.CharField(max_length=20),
        "status": models.CharField(max_length=32, choices=CASE_STATUS_CHOICES),
        "urgency": models.CharField(max_length=16, choices=Urgency.choices),
        "next_due_on": models.DateField(null=True),
        "facts": models.JSONField(null=True),
        "external_reference": models.TextField(null=True),
        # The real case, whose (unencrypted) assignments the twin shows.
        "original_id": models.UUIDField(null=True),
    }
    plain = {"case": twin_model("case", case_fields)}

    def record(name: str, extra: dict[str, models.Field]) -> type[models.Model]:
        return twin_model(
            name,
            {
                "case": models.ForeignKey(plain["case"], on_delete=models.CASCADE),
                "recorded_at": models.DateTimeField(),
                "recorded_by": models.ForeignKey(User, null=True, on_delete=models.SET_NULL),
                **extra,
            },
        )

    plain["threat"] = record(
        "threat", {"details": models.JSONField(null=True), "narrative": models.TextField(null=True)}
    )
    plain["note"] = record("note", {"body": models.TextField()})
    plain["consent"] = record(
        "consent",
        {
            "details": models.JSONField(null=True),
            "withdrawn_at": models.DateTimeField(null=True),
            "withdrawal": models.JSONField(null=True),
        },
    )
    plain["assessment"] = record(
        "assessment",
        {
            "output": models.JSONField(null=True),
            "staff_risk_level": models.TextField(null=True),
            "defender_risk_level": models.TextField(null=True),
            "views_diverge": models.BooleanField(default=False),
        },
    )
    with connection.schema_editor() as editor:
        for model in plain.values():
            editor.create_model(model)
    return plain


def copy_to_plaintext(case: Case, plain: dict[str, type[models.Model]]) -> uuid.UUID:
    with keyring_scope():
        twin = plain["case"].objects.create(
            original_id=case.pk,
            code=case.code,
            status=case.status,
            urgency=case.urgency,
            next_due_on=case.next_due_on,
            facts=case.facts,
            external_reference=case.external_reference,
        )
        for threat in Threat.objects.filter(case=case):
            plain["threat"].objects.create(
                case=twin,
                recorded_at=threat.recorded_at,
                recorded_by=threat.recorded_by,
                details=threat.details,
                narrative=threat.narrative,
            )
        for note in Note.objects.filter(case=case):
            plain["note"].objects.create(
                case=twin, recorded_at=note.created_at, recorded_by=note.author, body=note.body
            )
        for consent in Consent.objects.filter(case=case):
            plain["consent"].objects.create(
                case=twin,
                recorded_at=consent.recorded_at,
                recorded_by=consent.recorded_by,
                details=consent.details,
                withdrawal=consent.withdrawal,
            )
        for assessment in Assessment.objects.filter(case=case):
            plain["assessment"].objects.create(
                case=twin,
                recorded_at=assessment.recorded_at,
                recorded_by=assessment.recorded_by,
                output=assessment.output,
                staff_risk_level=assessment.staff_risk_level,
                defender_risk_level=assessment.defender_risk_level,
                views_diverge=assessment.views_diverge,
            )
    return twin.pk


def plaintext_view(plain: dict[str, type[models.Model]]):  # type: ignore[no-untyped-def]
    """
    The case page's work over the plaintext tables: the same context, built as
    ``haven.cases.views.case_page`` builds it (records with their summaries and links, the facts
    card by section, the latest timeline entries), the same template, no audit and no panels of
    the other apps (the copy has no stay, application or referral for them to show).
    """

    @requires(Permission.CASE_VIEW)
    def view(request, case_id):  # type: ignore[no-untyped-def]
        membership = request.membership
        case = plain["case"].objects.get(pk=case_id)
        threats = list(plain["threat"].objects.filter(case=case).select_related("recorded_by"))
        notes = list(plain["note"].objects.filter(case=case).select_related("recorded_by"))
        consents = list(plain["consent"].objects.filter(case=case).select_related("recorded_by"))
        assessments = list(
            plain["assessment"].objects.filter(case=case).select_related("recorded_by")
        )
        for note in notes:
            note.author = note.recorded_by
            note.created_at = note.recorded_at
        # The real page reads only the tables that hold rows of the case; the copy has rows in
        # these four and in the (plaintext) assignments.
        records = CaseRecords(
            threats=threats,
            prosecutions=[],
            dependants=[],
            consents=consents,
            assessments=sorted(assessments, key=lambda a: a.recorded_at),
            decisions=[],
            corrections=[],
            status_changes=[],
            attachments=[],
            notes=notes,
            assignments=list(
                Assignment.objects.filter(case_id=case.original_id)
                .select_related("membership__user")
                .order_by("assigned_at")
            ),
        )
        derived = {"intake_recorded"}
        if any(c.details.get("purpose") == "processing" for c in consents):
            derived.add("consent_to_processing_recorded")
        options = CASE_MACHINE.options(
            Lifecycle(case.status), role=membership.role, satisfied=derived
        )
        # The real page's own steps, so the twin's rows and facts card are the real page's.
        case_page._precompute_rows(records)
        can_edit = may(membership, Permission.CASE_EDIT)
        timeline = records.timeline()
        facts = records.shown_facts(case)
        context = {
            "case": case,
            "facts": facts,
            "fact_sections": case_page._fact_sections(case, facts, can_edit=can_edit),
            "records": records,
            "timeline": case_page._shown_timeline(timeline[: case_page.TIMELINE_ON_CASE_PAGE]),
            "timeline_more": len(timeline) - case_page.TIMELINE_ON_CASE_PAGE,
            "assessments": sorted(assessments, key=lambda a: a.recorded_at, reverse=True),
            "assignments": records.assignments,
            "assignable": [],
            "by_break_glass": False,
            "moves": [
                case_page._shown_move(option, membership, derived)
                for option in options
                if option.target != Lifecycle.ERASED
            ],
            "note_form": forms.NoteForm(initial={"submission_token": uuid.uuid4()}),
            "editable": True,
            "can_edit": can_edit,
            "panels": [],
        }
        return render(request, "cases/case_detail.html", context)

    return view


def install_plaintext_route(view) -> None:  # type: ignore[no-untyped-def]
    from haven.config import urls as project_urls

    module = types.ModuleType("bench_case_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("plain-cases/<uuid:case_id>/", view),
        *project_urls.urlpatterns,
    ]
    sys.modules["bench_case_urls"] = module
    settings.ROOT_URLCONF = "bench_case_urls"
    clear_url_caches()


def rich_case(organisation, caseworker: User) -> Case:
    membership = Membership.objects.get(user=caseworker, organisation=organisation)
    case = assigned_case(organisation, caseworker, facts=tension_facts())
    for index in range(RECORDS):
        threat_record(
            membership=acting(caseworker),
            case=case,
            details={"date": "2026-08-01", "kind": "surveillance", "actor": "police"},
            narrative=f"Fictional incident number {index}: a car outside the office. " * 4,
        )
        note_add(
            membership=acting(caseworker), case=case, body=f"Fictional follow-up note {index}. " * 6
        )
    consent_record(
        membership=acting(caseworker),
        case=case,
        purpose="processing",
        given_on=datetime.date(2026, 1, 5),
        scope="processing for protection",
    )
    for level in ("medium", "high", "critical"):
        assessment_run(
            membership=membership,
            case=case,
            staff_risk_level=level,
            defender_risk_level="high",
            staff_decision="Fictional decision.",
        )
    case_assign(membership=SYSTEM, case=case, assignee=membership)
    return case


def page_ratio(client: Client, real_url: str, plain_url: str) -> tuple[float, float, float]:
    for url in (real_url, plain_url):  # warm templates and caches
        assert client.get(url).status_code == 200
    real_runs, plain_runs = [], []
    for _ in range(31):  # interleaved, so load from other processes hits both alike
        for url, runs in ((real_url, real_runs), (plain_url, plain_runs)):
            started = time.perf_counter()
            response = client.get(url)
            runs.append(time.perf_counter() - started)
            assert response.status_code == 200
    real, plain = sorted(real_runs)[len(real_runs) // 2], sorted(plain_runs)[len(plain_runs) // 2]
    return real / plain, real, plain


def analyse() -> None:
    """
    Vacuum and analyse PostgreSQL's tables, as autovacuum does soon after a bulk load: the planner
    needs the statistics, and a vacuum left to autovacuum would run in the middle of the timings.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def deployment_settings() -> None:
    """Give the throw-away database the settings ``docs/deployment.md`` asks for (PostgreSQL)."""
    if connection.vendor == "postgresql":
        database = connection.ops.quote_name(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            for name, value in POSTGRESQL_SETTINGS.items():
                cursor.execute(f"ALTER DATABASE {database} SET {name} = {value}")


def main() -> int:
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    deployment_settings()
    connection.close()  # the next connection starts with the database's settings
    try:
        return measure()
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


def measure() -> int:
    organisation = organisation_create(
        membership=SYSTEM, slug="bench-light", name="Bench Light (fictional)"
    )
    caseworker = make_member(organisation, Role.CASEWORKER, "bench.caseworker")
    client = Client()
    sign_in(client, caseworker)

    case = rich_case(organisation, caseworker)
    plain = plaintext_models()
    twin_id = copy_to_plaintext(case, plain)
    install_plaintext_route(plaintext_view(plain))
    ratio, real, plaintext = page_ratio(client, f"/cases/{case.pk}/", f"/plain-cases/{twin_id}/")
    print(
        f"case page, decrypted and audited / plaintext: {ratio:.2f} "
        f"({real * 1000:.1f} ms vs {plaintext * 1000:.1f} ms, median of 31; goal <= 1.3)"
    )

    started = time.perf_counter()
    clients = {count: list_organisation(count) for count in (SMALL, LARGE)}
    analyse()
    print(f"(inserted {SMALL + LARGE:,} cases in {time.perf_counter() - started:.0f} s)")
    timings = list_timings(clients)
    for name in LIST_PAGES:
        (small_s, small_q), (large_s, large_q) = timings[name, SMALL], timings[name, LARGE]
        print(
            f"{name}: {small_s * 1000:.1f} ms, {small_q} queries at {SMALL:,} cases; "
            f"{large_s * 1000:.1f} ms, {large_q} queries at {LARGE:,} "
            f"(median of {LIST_RUNS}, alternating)"
        )
    growth = {name: timings[name, LARGE][0] / timings[name, SMALL][0] for name in LIST_PAGES}
    for name in LIST_PAGES:
        print(f"growth {name}: {growth[name]:.2f}")
    ok = ratio <= 1.3 and all(value <= 1.5 for value in growth.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
