"""
Staff accounts and how they sign in: invitations, login sessions, second factors, lockouts and
security notices. Organisations, memberships and roles live in ``haven.organisations`` below.
"""

import hashlib
import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.reading import Digits
from haven.accounts.usernames import validate_single_script
from haven.organisations.constraints import one_row_per
from haven.organisations.models import Organisation, Role
from haven.organisations.records import NamedByKind
from haven.vault.system_secrets import open_system_secret


class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A staff account. The login name is ``username``; nothing else about the person is required."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Arabic pages write numbers in Arabic-Indic digits; a reader from the Maghreb, where Arabic
    # is written with 0-9, chooses Western digits (``haven.accounts.reading``).
    digits = models.CharField(max_length=16, choices=Digits.choices, default=Digits.LANGUAGE)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    def clean(self) -> None:
        """Normalise the username (NFKC, in Django's ``clean``), then refuse mixed scripts."""
        super().clean()
        try:
            validate_single_script(self.username)
        except ValidationError as error:
            raise ValidationError({"username": error}) from None


class Invitation(NamedByKind):
    """
    A one-time link that lets someone join an organisation with a given role.

    Only a SHA-256 digest of the token is stored: the link is shown once to the coordinator who
    created it, so a copy of the database cannot be used to join.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    username = models.CharField(max_length=150, blank=True)
    token_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class LoginSession(NamedByKind):
    """
    One signed-in browser session, so people can see and end their sessions (SESS-03).

    It holds a digest of the session key and times only: no address and no browser string
    (RET-03). The request middleware refuses a session whose row is ended or gone.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key_digest = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class RecoveryCodeDevice(ThrottlingMixin, Device):  # type: ignore[misc]
    """
    A second factor made of single-use backup codes, stored only as SHA-256 digests (AUTH-07).

    django-otp's own static device keeps its tokens in plain text; this one never does. The codes
    carry 80 random bits each, so an unsalted digest cannot be reversed by guessing.
    """

    class Meta:
        verbose_name = "recovery code device"

    def verify_token(self, token: object) -> bool:
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(
            code_digest=recovery_code_digest(str(token)), used_at__isnull=True
        ).update(used_at=timezone.now())
        if used:
            self.throttle_reset(commit=True)
            return True
        self.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self) -> int:
        return 1


class RecoveryCode(NamedByKind):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [one_row_per("device", "code_digest", name="one_digest_per_device")]


def recovery_code_digest(code: str) -> str:
    """Return the stored form of a backup code: case, spaces and dashes do not matter."""
    normalised = "".join(character for character in code.upper() if character.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


class LockoutRecord(NamedByKind):
    """
    How often one login name has been locked out, so each new lockout lasts longer (AUTH-08).

    Keyed on a digest of the name as typed, so names that are not accounts get the same treatment
    and the table does not list them in clear.
    """

    username_digest = models.CharField(max_length=64, unique=True)
    lockouts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)


TOTP_SECRET_PURPOSE = "otp_totp"  # noqa: S105 (a label for the sealed secret, not a secret)


class SealedTOTPDevice(TOTPDevice):  # type: ignore[misc]  # django-otp ships no types
    """
    django-otp's TOTP device with its seed sealed by the vault (AUTH-06).

    django-otp keeps the seed as hex in ``key``; here ``key`` holds the vault's sealed form, bound to
    the user's public id, and ``bin_key`` opens it when a code is checked or a QR code drawn. A seed
    copied onto another user's row fails to open. Only ``haven.accounts.totp`` uses this model.
    """

    class Meta:
        proxy = True

    @property
    def bin_key(self) -> bytes:
        return open_system_secret(
            purpose=TOTP_SECRET_PURPOSE, record_id=str(self.user.public_id), sealed=self.key
        )


class SecurityNoticeKind(models.TextChoices):
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("An authenticator app was set up")
    BACKUP_CODES_REGENERATED = "backup_codes_regenerated", _("New backup codes were made")
    PASSWORD_CHANGED = "password_changed", _("Your password was changed")
    ACCOUNT_LOCKED = "account_locked", _("Your account was locked after wrong passwords")
    SIGNED_IN_DURING_LOCKOUT = (
        "signed_in_during_lockout",
        _("You signed in with both factors while your account was locked"),
    )


class SecurityNotice(NamedByKind):
    """
    An in-app notice to one account that its sign-in factors changed or it was locked (AUTH-10).

    In the app, not by e-mail, because mail can be read by the people Haven protects against. It
    holds a kind and times only; it stays on the security page until the account dismisses it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_notices")
    kind = models.CharField(max_length=32, choices=SecurityNoticeKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
