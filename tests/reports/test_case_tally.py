"""
The running counts behind the report (``reports_casetally``) stay equal to counting the cases
table, whatever changes the cases: new cases, moves between stages, urgency changes, erasure,
deletion; they come back right after SQLite lost its triggers in a table rebuild, and a restored
backup counts each case once (the tally is derived, so backups leave it out).
"""

import gzip
import json
import random

from django.db import connection
from django.db.models import Count

from haven.cases.models import Case, CaseStatus, Urgency
from haven.reports.apps import _keep_tally_triggers
from haven.reports.models import CaseTally
from haven.reports.tally import CASE_TALLY
from haven.vault.backup import restore, snapshot
from tests.cases.factories import open_canary_case
from tests.reports.tallies import counted_from_cases, tallied
from tests.vault.records import wipe_database


def test_the_tally_follows_every_change_to_the_cases(organisation, other_organisation, coordinator):
    rng = random.Random(20261130)
    cases = [open_canary_case(organisation, coordinator, suffix=str(i)) for i in range(6)]
    cases += [open_canary_case(other_organisation, None, suffix=f"n{i}") for i in range(3)]
    assert tallied() == counted_from_cases()

    statuses = [status.value for status in CaseStatus]
    urgencies = list(Urgency.values)
    for _step in range(60):
        case = rng.choice(cases)
        change = rng.choice(["status", "urgency", "both"])
        fields = {}
        if change in {"status", "both"}:
            fields["status"] = rng.choice(statuses)
        if change in {"urgency", "both"}:
            fields["urgency"] = rng.choice(urgencies)
        Case.objects.filter(pk=case.pk).update(**fields)
    assert tallied() == counted_from_cases()

    Case.objects.filter(pk=cases[0].pk).delete()
    assert tallied() == counted_from_cases()


def test_lost_triggers_are_put_back_and_the_counts_redone_after_migrate(organisation, coordinator):
    open_canary_case(organisation, coordinator, suffix="before")
    CASE_TALLY.remove(connection)
    open_canary_case(organisation, coordinator, suffix="unseen")
    assert tallied() != counted_from_cases()

    _keep_tally_triggers(using="default")
    open_canary_case(organisation, coordinator, suffix="after")

    assert tallied() == counted_from_cases()
    assert sum(tallied().values()) == Case.objects.count()


def test_the_report_counts_what_the_cases_table_counts(organisation, coordinator):
    for i in range(7):
        open_canary_case(organisation, coordinator, suffix=str(i))
    by_status = Case.objects.values("status").annotate(n=Count("id"))
    assert {row["status"]: row["n"] for row in by_status} == {CaseStatus.INTAKE: 7}
    assert tallied() == counted_from_cases()


def test_a_restored_backup_counts_each_case_once(organisation, other_organisation, coordinator):
    """BAK-01: the tally is not in the backup; the triggers count the restored cases, once each."""
    for i in range(3):
        open_canary_case(organisation, coordinator, suffix=str(i))
    open_canary_case(other_organisation, None, suffix="other")
    counted = counted_from_cases()
    data = snapshot()
    assert CaseTally._meta.label_lower not in json.loads(gzip.decompress(data))["tables"]
    wipe_database()
    assert tallied() == {}

    restore(data)

    assert tallied() == counted_from_cases() == counted
