"""What the tampering tests do first: play an attacker with DDL rights, who can drop the guard."""

from django.db import connection


def drop_append_only_guard() -> None:
    """Remove the append-only triggers (AUD-03), so rows can be changed as an attacker would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
