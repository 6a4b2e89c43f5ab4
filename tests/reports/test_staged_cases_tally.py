"""
Cases an unfinished import staged are nobody's yet (``cases.access``), so the report's case tally
leaves them out: they are counted once when the import releases them, never when it is abandoned,
and a change to a staged case moves nothing. Existing deployments, whose old triggers counted
staged cases, are recounted by the migration that replaces the triggers; ``ReportsConfig`` puts
back the new triggers, not the old, when SQLite loses them.
"""

import importlib
from types import SimpleNamespace

from django.db import connection

from haven.accounts.acting import SYSTEM
from haven.cases.models import Case, CaseStatus, Urgency
from haven.cases.transfer import cases_import, cases_import_abandon
from haven.reports.apps import _keep_tally_triggers
from haven.reports.tally import CASE_TALLY, CASE_TALLY_COUNTING_STAGED
from tests.cases.factories import open_canary_case
from tests.cases.test_transfer import import_document
from tests.reports.tallies import counted_from_cases, tallied

REPLACING_MIGRATION = importlib.import_module(
    "haven.reports.migrations.0005_case_tally_leaves_out_staged_cases"
)

#: All a RunPython function reads of its schema editor (SQLite's own refuses to open in a test's
#: transaction).
SCHEMA_EDITOR = SimpleNamespace(connection=connection)


def _total() -> int:
    return sum(tallied().values())


def _stage_an_import(organisation, *suffixes):
    """Two of the file's cases committed, staged; the run left unfinished."""
    return cases_import(
        membership=SYSTEM,
        organisation=organisation,
        document=import_document(*suffixes),
        batch_size=1,
        batch_seconds=None,
        max_batches=2,
    )


def test_staged_cases_are_counted_once_when_released(organisation, coordinator):
    open_canary_case(organisation, coordinator, suffix=" live")
    before = tallied()
    document_suffixes = (" A", " B", " C")

    partial = _stage_an_import(organisation, *document_suffixes)

    assert Case.objects.filter(staged=True).count() == 2
    assert tallied() == before == counted_from_cases()

    finished = cases_import(
        membership=SYSTEM,
        organisation=organisation,
        document=import_document(*document_suffixes),
    )

    assert finished.finished and finished.run_id == partial.run_id
    assert not Case.objects.filter(staged=True).exists()
    assert _total() == Case.objects.count() == 4
    assert tallied() == counted_from_cases()


def test_an_abandoned_import_leaves_the_tally_as_it_was(organisation, coordinator):
    open_canary_case(organisation, coordinator, suffix=" live")
    before = tallied()
    partial = _stage_an_import(organisation, " A", " B", " C")

    cases_import_abandon(membership=SYSTEM, organisation=organisation, run_id=partial.run_id)

    assert not Case.objects.filter(staged=True).exists()
    assert tallied() == before == counted_from_cases()


def test_a_change_to_a_staged_case_moves_nothing(organisation, coordinator):
    open_canary_case(organisation, coordinator, suffix=" live")
    _stage_an_import(organisation, " A", " B", " C")
    before = tallied()
    staged = Case.objects.filter(staged=True).order_by("code").first()

    Case.objects.filter(pk=staged.pk).update(status=CaseStatus.ASSESSMENT)
    Case.objects.filter(pk=staged.pk).update(urgency=Urgency.EMERGENCY)
    Case.objects.filter(pk=staged.pk).update(status=CaseStatus.CLOSED, urgency=Urgency.PRIORITY)

    assert tallied() == before == counted_from_cases()


def test_a_released_case_moves_between_cells_as_any_other(organisation, coordinator):
    suffixes = (" A", " B", " C")
    _stage_an_import(organisation, *suffixes)
    staged = Case.objects.filter(staged=True).order_by("code").first()
    Case.objects.filter(pk=staged.pk).update(status=CaseStatus.ASSESSMENT)
    cases_import(membership=SYSTEM, organisation=organisation, document=import_document(*suffixes))
    assert tallied() == counted_from_cases()
    released = Case.objects.get(pk=staged.pk)
    cell = (str(organisation.pk), CaseStatus.ASSESSMENT, released.urgency)

    Case.objects.filter(pk=released.pk).update(status=CaseStatus.CLOSED, urgency=Urgency.EMERGENCY)

    assert tallied() == counted_from_cases()
    assert not any(key[:3] == cell for key in tallied())
    assert _total() == 3

    Case.objects.filter(pk=released.pk).delete()

    assert tallied() == counted_from_cases()
    assert _total() == 2


def test_a_live_case_staged_again_leaves_the_tally(organisation, coordinator):
    """Not a path of the services (only an import stages, right after opening): the rule holds."""
    case = open_canary_case(organisation, coordinator, suffix=" live")
    assert _total() == 1

    Case.objects.filter(pk=case.pk).update(staged=True)
    assert _total() == 0

    Case.objects.filter(pk=case.pk).update(staged=False)
    assert _total() == 1 and tallied() == counted_from_cases()


def test_the_migration_recounts_what_the_old_triggers_counted(organisation, coordinator):
    """A deployment upgraded with an import unfinished: its tally counted the staged cases."""
    CASE_TALLY.remove(connection)
    CASE_TALLY_COUNTING_STAGED.install(connection)
    CASE_TALLY_COUNTING_STAGED.rebuild(connection)
    open_canary_case(organisation, coordinator, suffix=" live")
    _stage_an_import(organisation, " A", " B", " C")
    assert _total() == 3  # the old triggers' count, staged cases included

    REPLACING_MIGRATION.leave_out_staged_cases(None, SCHEMA_EDITOR)

    assert tallied() == counted_from_cases()
    assert _total() == 1
    Case.objects.filter(staged=True).update(status=CaseStatus.CLOSED)
    assert _total() == 1

    REPLACING_MIGRATION.count_staged_cases_again(None, SCHEMA_EDITOR)

    assert _total() == Case.objects.count() == 3
    REPLACING_MIGRATION.leave_out_staged_cases(None, SCHEMA_EDITOR)
    assert _total() == 1


def test_lost_triggers_come_back_as_the_new_ones(organisation, coordinator):
    """After a table rebuild SQLite has no triggers: ``ReportsConfig`` installs today's."""
    CASE_TALLY.remove(connection)
    _keep_tally_triggers(using="default")

    open_canary_case(organisation, coordinator, suffix=" live")
    _stage_an_import(organisation, " A", " B", " C")

    assert _total() == 1 and tallied() == counted_from_cases()
