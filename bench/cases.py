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
   stack) versus a twin view over a plaintext copy of the case in tables without encryption and
   without audit, doing the page's work as the page does it (compiled reads in one round trip,
   one reading, the same context, panels and template: the HTML differs only in the case's code
   and ids, and the order of facts within a card). Printed as a time ratio, real / plaintext
   (goal: at most 1.3): the cost of decryption and the audit event.

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
from django.db.models import Exists, F, OuterRef, QuerySet  # noqa: E402
from django.db.models.expressions import RawSQL  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.translation import ngettext  # noqa: E402
from tests.acting import acting  # noqa: E402
from tests.cases.factories import assigned_case, tension_facts  # noqa: E402
from tests.conftest import make_member, sign_in  # noqa: E402

from haven.accounts.access import requires  # noqa: E402
from haven.accounts.acting import SYSTEM  # noqa: E402
from haven.accounts.compiled import CompiledRead  # noqa: E402
from haven.accounts.models import User  # noqa: E402
from haven.accounts.round_trips import read_together  # noqa: E402
from haven.accounts.services import organisation_create  # noqa: E402
from haven.cases.models import (  # noqa: E402
    CASE_STATUS_CHOICES,
    CASE_STATUS_LABELS,
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
from haven.cases.panels import panels_for  # noqa: E402
from haven.cases.reading import (  # noqa: E402
    already_known,
    case_questions,
    one_reading,
    remember_case_answers,
)
from haven.cases.selectors import CaseRecords, case_assignable_members  # noqa: E402
from haven.cases.selectors.records import (  # noqa: E402
    _RECORD_READS,
    RECORD_TABLES,
    _latest_assessment_key,
)
from haven.cases.services import (  # noqa: E402
    assessment_run,
    case_assign,
    consent_record,
    note_add,
    threat_record,
)
from haven.cases.views import case_page  # noqa: E402
from haven.cases.views.case_page import shown_assessments  # noqa: E402
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
        # The real case, whose (unencrypted) team, access list and other apps' records it has.
        "original_id": models.UUIDField(null=True),
        # Its organisation, which the other apps' panels check the member against.
        "organisation_id": models.UUIDField(null=True),
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
    # A note has an author and a creation time, as ``Note`` has.
    plain["note"] = twin_model(
        "note",
        {
            "case": models.ForeignKey(plain["case"], on_delete=models.CASCADE),
            "created_at": models.DateTimeField(),
            "author": models.ForeignKey(User, null=True, on_delete=models.SET_NULL),
            "body": models.TextField(),
        },
    )
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
            organisation_id=case.organisation_id,
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
                case=twin, created_at=note.created_at, author=note.author, body=note.body
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


#: The twin's record tables, by the name ``CaseRecords`` gives their rows.
PLAIN_RECORDS = {
    "threats": "threat",
    "notes": "note",
    "consents": "consent",
    "assessments": "assessment",
}


def plaintext_reads(plain: dict[str, type[models.Model]]) -> dict[str, CompiledRead]:
    """
    The twin's reads, built as ``selectors.case_get(with_records=True)`` and ``case_records``
    build the real page's: compiled once, the case read with the member's access probe, an
    ``EXISTS`` per record table and the registered case questions (asked of the real case, whose
    stays and referrals the copy stands for), then one read per table that holds rows.
    """
    quote = connection.ops.quote_name
    plain_case = quote(plain["case"]._meta.db_table)
    real_id = f"{quote(Case._meta.db_table)}.{quote('id')}"
    original_id = f"{plain_case}.{quote('original_id')}"

    # Only table and column names from the models' own metadata, quoted: no outside input.
    def holds(table: str, case_id: str) -> RawSQL:
        return RawSQL(  # noqa: S611
            f"EXISTS (SELECT 1 FROM {quote(table)} WHERE {quote('case_id')} = {case_id})",  # noqa: S608
            (),
            output_field=models.BooleanField(),
        )

    def case_query(*, case: uuid.UUID, member: uuid.UUID) -> QuerySet:
        team = Assignment.objects.filter(case_id=OuterRef("original_id"), membership_id=member)
        presence = {
            f"holds_{name}": holds(plain[model]._meta.db_table, f"{plain_case}.{quote('id')}")
            for name, model in PLAIN_RECORDS.items()
        }
        presence["holds_assignments"] = holds(Assignment._meta.db_table, original_id)
        questions = {
            name: RawSQL(  # noqa: S611
                question.sql.replace(real_id, original_id),
                question.params,
                output_field=question.output_field,
            )
            for name, question in case_questions().items()
        }
        return plain["case"].objects.filter(Exists(team), pk=case).annotate(**presence, **questions)

    def records_query(name: str):  # type: ignore[no-untyped-def]
        def query(*, case: uuid.UUID) -> QuerySet:
            rows = plain[PLAIN_RECORDS[name]].objects.filter(case_id=case)
            if name == "notes":
                # Only the author's name is shown, as on the real page.
                return rows.annotate(author_name=F("author__username")).order_by("created_at")
            return rows.order_by("recorded_at")

        return query

    stand_in = uuid.UUID(int=0)
    return {
        "case": CompiledRead(case_query, case=stand_in, member=uuid.UUID(int=1)),
        **{name: CompiledRead(records_query(name), case=stand_in) for name in PLAIN_RECORDS},
    }


def plaintext_view(plain: dict[str, type[models.Model]]):  # type: ignore[no-untyped-def]
    """
    The case page's work over the plaintext tables, step by step as
    ``haven.cases.views.case_page.case_detail`` does it: the same kind of compiled reads in one
    round trip (``plaintext_reads``; the team is the page's own read), in one reading, the same
    context and template. Left out: decryption (no key is read or opened) and the audit event,
    which is what the ratio measures; the break-glass probe of the page's access check; and the
    page's probes of the six record tables the copy has no table for (empty on this case, so the
    real page reads none of them either).
    """
    reads = plaintext_reads(plain)
    team_read = _RECORD_READS["assignments"]

    @requires(Permission.CASE_VIEW)
    def view(request, case_id):  # type: ignore[no-untyped-def]
        membership = request.membership
        with one_reading():
            (case,) = reads["case"](case=case_id, member=membership.pk)
            remember_case_answers(case)
            holding = [name for name in PLAIN_RECORDS if getattr(case, f"holds_{name}")]
            calls = [(reads[name], {"case": case.pk}) for name in holding]
            if case.holds_assignments:
                holding.append("assignments")
                calls.append((team_read, {"case": case.original_id}))
            found = {name: [] for name in RECORD_TABLES}
            for name, rows in zip(holding, read_together(calls), strict=True):
                if name != "assignments":  # the team's rows are the real case's
                    for row in rows:
                        row.case = case
                found[name] = rows
            records = CaseRecords(**found)
            # As ``case_records`` tells the page's panels, which ask for the latest assessment.
            already_known(
                _latest_assessment_key(case),
                records.assessments[-1] if records.assessments else None,
            )
            moves = case_page._shown_moves(case, membership, records)
            assigned = {assignment.membership_id for assignment in records.assignments}
            case_page._precompute_rows(records)
            editable = case.status != CaseStatus.ERASED
            can_edit = editable and may(membership, Permission.CASE_EDIT)
            timeline = records.timeline()
            latest = max(records.assessments, key=lambda row: row.recorded_at, default=None)
            shown_assessments([latest] if latest else [])
            facts = records.shown_facts(case)
            earlier_entries = len(timeline) - case_page.TIMELINE_ON_CASE_PAGE
            earlier_assessments = len(records.assessments) - 1
            context = {
                "case": case,
                "status_label": CASE_STATUS_LABELS[CaseStatus(case.status)],
                "urgency_label": Urgency(case.urgency).label,
                "team": [
                    (assignment, Role(assignment.membership.role).label)
                    for assignment in records.assignments
                ],
                "links": case_page._case_links(case),
                "facts": facts,
                "fact_sections": case_page._fact_sections(case, facts, can_edit=can_edit),
                "records": records,
                "timeline": case_page._shown_timeline(timeline[: case_page.TIMELINE_ON_CASE_PAGE]),
                "timeline_more": earlier_entries,
                "timeline_more_link": case_page._counted_link(
                    ngettext(
                        "The full timeline (one earlier entry)",
                        "The full timeline (%(count)s earlier entries)",
                        earlier_entries,
                    ),
                    earlier_entries,
                ),
                "latest_assessment": latest,
                "latest_assessments": [latest] if latest else [],
                "earlier_assessments": earlier_assessments,
                "earlier_assessments_link": case_page._counted_link(
                    ngettext(
                        "The history of assessments (one earlier assessment)",
                        "The history of assessments (%(count)s earlier assessments)",
                        earlier_assessments,
                    ),
                    earlier_assessments,
                ),
                "assignments": records.assignments,
                "assignable": [
                    (member, Role(member.role).label)
                    for member in case_assignable_members(membership=membership, case=case)
                    if member.pk not in assigned
                ]
                if may(membership, Permission.CASE_ASSIGN)
                else [],
                "by_break_glass": False,
                "moves": moves,
                "editable": editable,
                "can_edit": can_edit,
                "panels": panels_for("case", membership=membership, case=case),
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
