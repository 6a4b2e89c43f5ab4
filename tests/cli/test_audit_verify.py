"""``haven audit verify`` reports through its exit status (AUD-02)."""

import pytest
from django.db import connection

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.cli import main


def test_exit_zero_when_intact(db, capsys):
    """An intact chain exits 0."""
    record_event(EventType.LOGIN_SUCCEEDED)

    assert main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out


def test_exit_one_naming_the_bad_event(db, capsys):
    """A tampered chain exits 1 and names the first bad event."""
    for _ in range(3):
        record_event(EventType.LOGIN_SUCCEEDED)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    AuditEvent.objects.filter(seq=2).update(event_type=EventType.LOGIN_FAILED.value)

    assert main(["audit", "verify"]) == 1
    assert "#2" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["orgs", "list"], ["audit", "verify"]])
def test_help_exists(argv, capsys):
    """Every command explains itself with --help."""
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])

    assert exit_info.value.code == 0
    assert "usage:" in capsys.readouterr().out
