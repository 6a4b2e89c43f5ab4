"""
Re-index every defender for accent-blind names, partial names and local phone formats.

The normalisers changed (names lose their accents, digits of any script become ASCII) and three
indexes are new (``name_prefixes``, ``other_name_prefixes``, ``phone_tail``), so every stored token
is recomputed. That needs the master key, which the server has when it migrates; a database
without defenders (a new installation, the tests' empty database) needs nothing.

The work is done by ``haven.cases.services.defenders_reindex`` with the current models, so it runs
only when the historical model finds defenders: on an empty database, later changes to the
``Defender`` model cannot break this migration. ``haven vault reindex`` does the same by hand.
"""

from django.db import migrations

from haven.cases.services.search import defenders_reindex


def reindex(apps, schema_editor):
    historical = apps.get_model("cases", "Defender")
    if not historical.objects.filter(erased_at__isnull=True).exists():
        return
    defenders_reindex()


class Migration(migrations.Migration):
    # The re-index commits batch by batch, so a migration stopped half-way resumes cleanly.
    atomic = False

    dependencies = [
        ("cases", "0007_import_runs"),
        ("vault", "0002_organisations_moved"),
    ]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True)]
