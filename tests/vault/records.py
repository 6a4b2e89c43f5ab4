"""Test helpers: every decrypted field of an organisation, and an attacker's empty database."""

from django.db import connection

from haven.cases.models import Case, Defender, Note
from haven.vault.backup import backed_up_models
from haven.vault.keyring import keyring_scope

IDENTITY = (
    "legal_name",
    "other_names",
    "birth_date",
    "phone",
    "email",
    "document_number",
    "address",
)


def decrypted_state() -> dict:
    """Return every encrypted field of every case, defender and note, decrypted, keyed by id."""
    with keyring_scope():
        return {
            "cases": {
                str(case.pk): (case.code, case.status, case.facts, case.external_reference)
                for case in Case.objects.order_by("pk")
            },
            "defenders": {
                str(defender.pk): tuple(getattr(defender, name) for name in IDENTITY)
                for defender in Defender.objects.order_by("pk")
            },
            "notes": {
                str(note.pk): (str(note.case_id), note.body) for note in Note.objects.order_by("pk")
            },
        }


def wipe_database() -> None:
    """Delete every row of every table inside the test's transaction (rolled back afterwards)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        tables = [model._meta.db_table for model in backed_up_models()] + ["django_session"]
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from Django)
