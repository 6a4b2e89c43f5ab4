"""
In-app security notices (AUTH-10): a new authenticator, new backup codes, a changed password and a
lockout each leave a notice for the account, with its audit event, until the account dismisses it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from haven.accounts import services, totp
from haven.accounts.models import SecurityNotice, SecurityNoticeKind, User
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern orchard quietly 42"


def _kinds(user: User) -> list[str]:
    return list(
        SecurityNotice.objects.filter(user=user, dismissed_at__isnull=True).values_list(
            "kind", flat=True
        )
    )


def _events(event_type: EventType) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


def test_enrolling_an_authenticator_leaves_one_notice():
    """AUTH-10: confirming a new authenticator gives one 'set up' notice (not a second one for its first backup codes)."""
    newcomer = User.objects.create_user(username="fictional-newcomer", password=PASSWORD)
    device = totp.pending_device(newcomer)

    services.totp_enrolment_confirm(user=newcomer, device=device)

    assert _kinds(newcomer) == [SecurityNoticeKind.SECOND_FACTOR_ENROLLED]
    assert _events(EventType.SECOND_FACTOR_ENROLLED) == 1


def test_new_backup_codes_leave_a_notice_shown_on_the_dashboard(caseworker, sign_in_as):
    """AUTH-10: regenerating backup codes leaves a notice, with its audit event, that the dashboard shows."""
    client = sign_in_as(caseworker)

    client.post(reverse("accounts:recovery_codes"))
    dashboard = client.get(reverse("web:dashboard")).content.decode()

    assert _kinds(caseworker) == [SecurityNoticeKind.BACKUP_CODES_REGENERATED]
    assert _events(EventType.BACKUP_CODES_REGENERATED) == 1
    assert "New backup codes were made" in dashboard


def test_changing_the_password_leaves_a_notice_and_keeps_the_session(caseworker, sign_in_as):
    """AUTH-10: a password change asks for the current one, leaves a notice and an audit event, and the session stays signed in."""
    client = sign_in_as(caseworker)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    security = client.get(reverse("accounts:security"))

    caseworker.refresh_from_db()
    assert response.status_code == 302
    assert caseworker.check_password(NEW_PASSWORD)
    assert _kinds(caseworker) == [SecurityNoticeKind.PASSWORD_CHANGED]
    assert _events(EventType.PASSWORD_CHANGED) == 1
    assert security.status_code == 200
    assert "Your password was changed" in security.content.decode()


def test_a_wrong_current_password_changes_nothing(caseworker, sign_in_as):
    """A password change with the wrong current password is refused with 400; no notice, no event."""
    client = sign_in_as(caseworker)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "not the password at all",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    caseworker.refresh_from_db()
    assert response.status_code == 400
    assert caseworker.check_password(PASSWORD)
    assert _kinds(caseworker) == []
    assert _events(EventType.PASSWORD_CHANGED) == 0


def test_a_lockout_leaves_a_notice_for_the_locked_account(client, caseworker):
    """AUTH-08, AUTH-10: ten wrong passwords lock the account and leave it a notice, seen after signing in."""
    for _ in range(10):
        client.post(
            reverse("accounts:login"),
            {"username": caseworker.username, "password": "wrong long password 1"},
        )

    assert _kinds(caseworker) == [SecurityNoticeKind.ACCOUNT_LOCKED]
    assert _events(EventType.ACCOUNT_LOCKED) == 1


def test_a_dismissed_notice_is_no_longer_shown(caseworker, sign_in_as):
    """AUTH-10: a POST dismisses the notice; the security page and dashboard no longer show it."""
    notice = services.security_notice_create(
        user=caseworker, kind=SecurityNoticeKind.PASSWORD_CHANGED
    )
    client = sign_in_as(caseworker)

    shown = client.get(reverse("accounts:security")).content.decode()
    fetched = client.get(
        reverse("accounts:security_notice_dismiss", kwargs={"notice_id": notice.pk})
    )
    dismissed = client.post(
        reverse("accounts:security_notice_dismiss", kwargs={"notice_id": notice.pk})
    )

    assert "Your password was changed" in shown
    assert fetched.status_code == 405
    assert dismissed.status_code == 302
    assert _kinds(caseworker) == []
    assert (
        "Your password was changed" not in client.get(reverse("accounts:security")).content.decode()
    )
    assert "Your password was changed" not in client.get(reverse("web:dashboard")).content.decode()


def test_nobody_else_can_dismiss_a_notice(caseworker, coordinator):
    """AZ-02: another account gets 404 for someone's notice, and the notice stays."""
    notice = services.security_notice_create(
        user=caseworker, kind=SecurityNoticeKind.PASSWORD_CHANGED
    )
    other = Client()
    from tests.conftest import sign_in

    sign_in(other, coordinator)
    response = other.post(
        reverse("accounts:security_notice_dismiss", kwargs={"notice_id": notice.pk})
    )

    assert response.status_code == 404
    assert _kinds(caseworker) == [SecurityNoticeKind.PASSWORD_CHANGED]


def test_the_dismiss_service_refuses_another_accounts_notice(caseworker, coordinator):
    """Called directly with someone else's notice, the service refuses it and the notice stays."""
    notice = services.security_notice_create(
        user=caseworker, kind=SecurityNoticeKind.PASSWORD_CHANGED
    )

    with pytest.raises(services.AccountError) as refusal:
        services.security_notice_dismiss(user=coordinator, notice=notice)

    assert refusal.value.message == services.NOTICE_NOT_YOURS
    assert _kinds(caseworker) == [SecurityNoticeKind.PASSWORD_CHANGED]
