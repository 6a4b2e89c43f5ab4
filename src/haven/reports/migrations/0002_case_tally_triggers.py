"""
The cases table keeps ``reports_casetally`` up to date itself: a trigger on every change of a case
adds or removes one in the cell of its organisation, stage, urgency and opening month. Existing
cases are counted once here. The SQL lives in ``haven.reports.tally``, which ``ReportsConfig`` also
runs after every ``migrate`` (SQLite drops triggers when it rebuilds a table).
"""

from django.db import migrations

from haven.reports.tally import install_tally_triggers, rebuild_tally, remove_tally_triggers


def _install(apps, schema_editor):
    install_tally_triggers(schema_editor.connection)
    rebuild_tally(schema_editor.connection)


def _remove(apps, schema_editor):
    remove_tally_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_case_tally"), ("cases", "0004_organisations_moved")]

    operations = [migrations.RunPython(_install, _remove)]
