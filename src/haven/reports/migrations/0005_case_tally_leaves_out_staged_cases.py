"""
The case tally counts live cases only: the triggers of 0002 counted every case, the ones an
unfinished import staged (``Case.staged``) included. They are replaced by today's
(``haven.reports.tally.CASE_TALLY``) and the tally is counted again from the cases that are not
staged, so a deployment that counted an unfinished import's cases is put right. Reversed, the
first triggers come back and everything is counted again as they counted.
"""

from django.db import migrations

from haven.reports.tally import CASE_TALLY, CASE_TALLY_COUNTING_STAGED


def leave_out_staged_cases(apps, schema_editor):
    # Same trigger names: SQLite's CREATE TRIGGER IF NOT EXISTS would keep the old ones.
    CASE_TALLY_COUNTING_STAGED.remove(schema_editor.connection)
    CASE_TALLY.install(schema_editor.connection)
    CASE_TALLY.rebuild(schema_editor.connection)


def count_staged_cases_again(apps, schema_editor):
    CASE_TALLY.remove(schema_editor.connection)
    CASE_TALLY_COUNTING_STAGED.install(schema_editor.connection)
    CASE_TALLY_COUNTING_STAGED.rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_profile_tally"), ("cases", "0007_import_runs")]

    operations = [migrations.RunPython(leave_out_staged_cases, count_staged_cases_again)]
