"""
AUD-02/AUD-04: each event names the master key whose derived key sealed it.

Existing events keep an empty ``key_id``: their hashes stay the unkeyed SHA-256 they were written
with, and ``haven audit seal`` vouches for them with a keyed anchor event rather than rewriting
rows of an append-only table. SQLite rebuilds the table to add a column, which drops its
triggers, so the append-only guard is created again afterwards.
"""

from django.db import migrations, models

SQLITE_GUARD = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
]


def _restore_sqlite_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_GUARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_sealed_totp_and_open_event_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(_restore_sqlite_guard, migrations.RunPython.noop),
    ]
