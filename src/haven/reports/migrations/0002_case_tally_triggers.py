"""
The cases table keeps ``reports_casetally`` up to date itself: a trigger on every change of a case
adds or removes one in the cell of its organisation, stage, urgency and opening month. Existing
cases are counted once here. The SQL lives in ``haven.reports.tally``; these first triggers counted
staged cases too (the cases table had no ``staged`` yet) and 0005 replaces them. ``ReportsConfig``
installs the triggers of the latest applied migration after every ``migrate`` (SQLite drops
triggers when it rebuilds a table).
"""

from django.db import migrations

from haven.reports.tally import CASE_TALLY_COUNTING_STAGED


def _install(apps, schema_editor):
    CASE_TALLY_COUNTING_STAGED.install(schema_editor.connection)
    CASE_TALLY_COUNTING_STAGED.rebuild(schema_editor.connection)


def _remove(apps, schema_editor):
    CASE_TALLY_COUNTING_STAGED.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_case_tally"), ("cases", "0004_organisations_moved")]

    operations = [migrations.RunPython(_install, _remove)]
