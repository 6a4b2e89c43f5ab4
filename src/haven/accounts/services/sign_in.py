"""
Signing in: refused passwords and codes recorded, the second factor enrolled and the backup codes
issued (AUTH-05, AUTH-07).
"""

import secrets

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import (
    RecoveryCode,
    RecoveryCodeDevice,
    SecurityNoticeKind,
    User,
    recovery_code_digest,
)
from haven.accounts.services.common import account_event_record
from haven.accounts.services.notices import security_notice_create
from haven.audit.events import EventType

RECOVERY_CODE_COUNT = 10


@transaction.atomic
def sign_in_failure_record(*, username: str) -> None:
    """
    Record a refused password. The name itself is never stored (AUD-05): only the account's id
    when the name belongs to one.
    """
    user = User.objects.filter(username=username).first()
    account_event_record(EventType.LOGIN_FAILED, user)


@transaction.atomic
def lockout_passed_by_owner_record(*, user: User, method: str) -> None:
    """
    Report that the account's owner signed in during a lockout with both factors (issue 11).

    Side effects: one ``auth.signed_in_during_lockout`` event and a security notice, so the
    owner learns that someone has been guessing their password.
    """
    account_event_record(EventType.SIGNED_IN_DURING_LOCKOUT, user, data={"method": method})
    security_notice_create(user=user, kind=SecurityNoticeKind.SIGNED_IN_DURING_LOCKOUT)


@transaction.atomic
def second_factor_failure_record(*, user: User, method: str) -> None:
    """Record a refused second-factor code (AUTH-05)."""
    account_event_record(EventType.SECOND_FACTOR_FAILED, user, {"method": method})


def step_up_success_record(*, user: User, method: str) -> None:
    """Record a correct step-up code given to reach a sensitive action (SESS-04)."""
    account_event_record(EventType.STEP_UP_SUCCEEDED, user, {"method": method})


def step_up_failure_record(*, user: User, method: str) -> None:
    """Record a refused step-up code (SESS-04); the throttle itself lives on the device."""
    account_event_record(EventType.STEP_UP_FAILED, user, {"method": method})


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device: TOTPDevice) -> list[str]:
    """
    Confirm a newly enrolled authenticator and issue the first set of backup codes.

    Permission: the caller has checked a valid code from ``device`` for ``user``.
    Side effects: ``auth.second_factor_enrolled`` and ``auth.backup_codes_regenerated`` events.
    Returns the backup codes, which exist in clear only in this return value.
    """
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    account_event_record(EventType.SECOND_FACTOR_ENROLLED, user, {"method": "totp"})
    security_notice_create(user=user, kind=SecurityNoticeKind.SECOND_FACTOR_ENROLLED)
    return _recovery_codes_replace(user=user)


def _new_recovery_code() -> str:
    raw = secrets.token_bytes(10)  # 80 bits, well beyond guessing against a throttled form
    text = "".join(
        "ABCDEFGHJKMNPQRSTVWXYZ0123456789"[int.from_bytes(raw, "big") >> (5 * i) & 31]
        for i in range(16)
    )
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """
    Replace the user's backup codes with a fresh set and return them in clear, once.

    Only digests are stored (AUTH-07); the previous set stops working.
    Side effects: one ``auth.backup_codes_regenerated`` event and an in-app notice (AUTH-10).
    """
    codes = _recovery_codes_replace(user=user)
    security_notice_create(user=user, kind=SecurityNoticeKind.BACKUP_CODES_REGENERATED)
    return codes


def _recovery_codes_replace(*, user: User) -> list[str]:
    """Swap in new backup codes with their audit event; enrolment gives its own notice."""
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "backup codes", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_digest=recovery_code_digest(code)) for code in codes
    )
    account_event_record(EventType.BACKUP_CODES_REGENERATED, user, {"count": len(codes)})
    return codes
