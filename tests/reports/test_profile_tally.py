"""
Cases by risk level, country and profile (issue 16, item 1): a snapshot recounted by a background
job, because those values are encrypted in each case and the report decrypts nothing. The job
counts live cases only, never mixes organisations, and the tables are suppressed like the rest
(no count from 1 to 4 on the page or in the CSV; CRYPTO-shredded cases are not counted).
"""

import argparse
import csv
import datetime
import io

import django.core.management
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.acting import SYSTEM
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import Case, CaseStatus
from haven.cases.services import case_erasure_approve, case_erasure_request
from haven.cases.transfer import cases_import
from haven.cli import django_setup, worker
from haven.demo import seed_all
from haven.organisations.models import Role
from haven.reports.models import ProfileTally
from haven.reports.profiles import recount_all_profiles, recount_profiles
from haven.reports.selectors import analyst_report
from haven.reports.tables import COMPLEMENT, SMALL
from haven.vault.backup import SKIPPED_MODELS
from tests.acting import acting
from tests.cases.factories import assigned_case, canary_identity
from tests.cases.test_case_list_sort import _assess, _facts
from tests.conftest import make_member

pytestmark = pytest.mark.django_db

SMALL_NUMBERS = {"1", "2", "3", "4"}


@pytest.fixture
def analyst(organisation):
    return make_member(organisation, Role.ANALYST, "ana.analyst")


@pytest.fixture
def profiled(organisation, coordinator):
    """Six Mexican journalists at high risk, two Colombian land defenders (one also a journalist)."""
    cases = []
    for number in range(6):
        case = assigned_case(
            organisation, coordinator, facts=_facts("MX", ["journalist"]), suffix=f"mx{number}"
        )
        _assess(case, "high")
        cases.append(case)
    for number in range(2):
        profiles = ["land", "journalist"] if number == 0 else ["land"]
        case = assigned_case(
            organisation, coordinator, facts=_facts("CO", profiles), suffix=f"co{number}"
        )
        cases.append(case)
    return cases


def _tally(organisation):
    return {
        (row.dimension, row.value): row.cases
        for row in ProfileTally.objects.filter(organisation_id=organisation.pk)
    }


def test_the_job_counts_live_cases_by_risk_country_and_profile(organisation, profiled):
    recount_profiles(organisation.pk)

    assert _tally(organisation) == {
        ("risk", "high"): 6,
        ("risk", ""): 2,  # never assessed: "not recorded"
        ("country", "MX"): 6,
        ("country", "CO"): 2,
        ("profile", "journalist"): 7,  # a case with two profiles counts under each
        ("profile", "land"): 2,
    }


def test_an_erased_case_is_not_counted_and_another_organisation_is_not_mixed(
    organisation, other_organisation, coordinator, profiled
):
    second = make_member(organisation, Role.COORDINATOR, "second.coordinator")
    erasure = case_erasure_request(membership=acting(coordinator), case=profiled[0])
    case_erasure_approve(membership=acting(second), erasure=erasure)
    north = make_member(other_organisation, Role.COORDINATOR, "north.coordinator")
    assigned_case(other_organisation, north, facts=_facts("KE", ["lgbti"]), suffix="ke")

    recount_all_profiles()

    mine = _tally(organisation)
    assert mine[("country", "MX")] == 5
    assert mine[("risk", "high")] == 5
    assert ("country", "KE") not in mine
    assert _tally(other_organisation) == {
        ("risk", ""): 1,
        ("country", "KE"): 1,
        ("profile", "lgbti"): 1,
    }


def test_a_recount_replaces_the_organisations_rows(organisation, coordinator, profiled):
    earlier = timezone.now() - datetime.timedelta(hours=2)
    recount_profiles(organisation.pk, now=earlier)
    for case in profiled[6:]:
        _assess(case, "low")

    recount_profiles(organisation.pk)

    tally = _tally(organisation)
    assert ("risk", "") not in tally and tally[("risk", "low")] == 2
    stamps = set(
        ProfileTally.objects.filter(organisation_id=organisation.pk).values_list(
            "computed_at", flat=True
        )
    )
    assert len(stamps) == 1 and stamps != {earlier}


def test_each_recount_is_in_the_organisations_audit_log(organisation, profiled):
    """The job decrypts every live case: each run leaves one event holding a row count only."""
    rows = recount_profiles(organisation.pk)

    events = AuditEvent.objects.filter(event_type=EventType.REPORT_PROFILES_COUNTED)
    assert [(str(e.organisation_id), e.data) for e in events] == [
        (str(organisation.pk), {"rows": rows})
    ]


def test_the_report_shows_the_tables_in_words_with_small_counts_hidden(
    organisation, profiled, analyst, sign_in_as
):
    recount_profiles(organisation.pk)

    response = sign_in_as(analyst).get(reverse("reports:report"))

    report = response.context["report"]
    countries = {row.label: row.cells[0].text for row in report.table("cases-by-country").rows}
    assert countries == {"Colombia": SMALL, "Mexico": COMPLEMENT}
    risks = {row.label: row.cells[0].text for row in report.table("cases-by-risk").rows}
    assert risks == {"High": COMPLEMENT, "Not recorded": SMALL}
    profiles = {row.label: row.cells[0].text for row in report.table("cases-by-profile").rows}
    assert profiles == {"Journalist": COMPLEMENT, "Land rights": SMALL}
    page = response.content.decode()
    assert "Counted at" in page
    assert "HV-" not in page and "journalist" not in page  # words, not codes or cases


def test_before_the_first_count_the_page_says_so(organisation, analyst, sign_in_as):
    page = sign_in_as(analyst).get(reverse("reports:report")).content.decode()
    assert "Not counted yet" in page


def test_the_csv_of_a_profile_table_is_suppressed(organisation, profiled, analyst, sign_in_as):
    recount_profiles(organisation.pk)

    response = sign_in_as(analyst).get(
        reverse("reports:table_csv", kwargs={"table": "cases-by-country"})
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = {cell for row in rows[1:] for cell in row[1:]}
    assert not SMALL_NUMBERS & cells
    assert {"Colombia", "Mexico"} <= {row[0] for row in rows}


def test_the_report_query_count_does_not_grow_with_tally_rows(
    organisation, coordinator, analyst, profiled
):
    recount_profiles(organisation.pk)
    with CaptureQueriesContext(connection) as few:
        analyst_report(membership=acting(analyst))
    for number, country in enumerate(["KE", "ES", "FR", "DE"]):
        case = assigned_case(
            organisation, coordinator, facts=_facts(country, ["lgbti"]), suffix=f"x{number}"
        )
        _assess(case, "critical")
    recount_profiles(organisation.pk)
    with CaptureQueriesContext(connection) as many:
        analyst_report(membership=acting(analyst))
    assert len(many) == len(few)


def test_the_tally_is_left_out_of_backups():
    assert "reports.profiletally" in SKIPPED_MODELS


def test_the_worker_enqueues_the_recount(organisation, profiled, monkeypatch):
    monkeypatch.setattr(django_setup, "setup", lambda: None)
    queue_runs = []
    monkeypatch.setattr(
        django.core.management, "call_command", lambda *a, **k: queue_runs.append(a)
    )

    # The test settings run a task as soon as it is enqueued.
    assert worker.worker(argparse.Namespace(once=True, interval=1)) == 0

    assert queue_runs == [("db_worker", "--batch", "--no-startup-delay")]
    assert _tally(organisation)[("country", "MX")] == 6


def test_the_demo_seed_counts_its_cases_once_at_the_end(db, settings):
    settings.HAVEN_DEMO = True
    seed_all()

    counted = ProfileTally.objects.filter(dimension="country").values_list("cases", flat=True)
    live = Case.objects.exclude(status=CaseStatus.ERASED).count()
    assert live > 0 and sum(counted) == live  # one country (or "not recorded") per live case


def test_the_cases_of_an_unfinished_import_are_not_counted(organisation, profiled):
    """Staged cases are nobody's yet: the job neither decrypts nor counts them."""
    document = {
        "schema": "haven.case-import/1",
        "cases": [
            {"identity": canary_identity(suffix), "facts": _facts("KE", ["lgbti"])}
            for suffix in (" A", " B", " C")
        ],
    }
    cases_import(
        membership=SYSTEM,
        organisation=organisation,
        document=document,
        batch_size=1,
        batch_seconds=None,
        max_batches=2,
    )
    assert Case.objects.filter(staged=True).count() == 2

    recount_profiles(organisation.pk)

    assert ("country", "KE") not in _tally(organisation)
    assert (
        sum(
            count
            for (dimension, _value), count in _tally(organisation).items()
            if dimension == "country"
        )
        == 8
    )
