"""
Everything that touches a TOTP secret, kept in one module.

The seed is sealed by the vault before it is stored (AUTH-06): ``TOTPDevice.key`` holds the sealed
form, never the hex seed django-otp would keep, and ``SealedTOTPDevice.bin_key`` opens it. Only this
module reads or writes that column.
"""

import base64
import secrets

import qrcode
import qrcode.image.svg
from django_otp.oath import totp

from haven.accounts.models import TOTP_SECRET_PURPOSE, SealedTOTPDevice, User
from haven.vault.system_secrets import seal_system_secret

DEVICE_NAME = "authenticator"
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends


def _sealed(user: User, secret: bytes) -> str:
    return seal_system_secret(
        purpose=TOTP_SECRET_PURPOSE, record_id=str(user.public_id), secret=secret
    )


def confirmed_device(user: User) -> SealedTOTPDevice | None:
    """Return the user's confirmed authenticator, if they have enrolled one."""
    device: SealedTOTPDevice | None = (
        SealedTOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    )
    return device


def pending_device(user: User) -> SealedTOTPDevice:
    """Return the user's unconfirmed authenticator, creating one with a fresh secret if needed."""
    device: SealedTOTPDevice | None = (
        SealedTOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    )
    if device is None:
        device = create_device_with_secret(user, secrets.token_bytes(SECRET_BYTES), confirmed=False)
    return device


def create_device_with_secret(
    user: User, secret: bytes, *, confirmed: bool = True
) -> SealedTOTPDevice:
    """Create an authenticator whose seed is ``secret``, sealed before it reaches the database."""
    # No full_clean(): django-otp's hex validator on ``key`` does not know the sealed form.
    device: SealedTOTPDevice = SealedTOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=_sealed(user, secret), confirmed=confirmed
    )
    return device


def secret_bytes(device: SealedTOTPDevice) -> bytes:
    return device.bin_key


def secret_text(device: SealedTOTPDevice) -> str:
    """Return the secret as authenticator apps expect it typed: base32 in groups of four."""
    encoded = base64.b32encode(secret_bytes(device)).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def qr_code_svg(device: SealedTOTPDevice) -> str:
    """Return the provisioning URI as an inline SVG QR code: drawn here, nothing fetched."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return svg


def current_code(secret: bytes) -> str:
    """Return the code an authenticator app would show now for ``secret``."""
    return f"{totp(secret):06d}"


def check_code(device: SealedTOTPDevice, code: str) -> bool:
    """
    Return whether ``code`` is the device's current code and was not used before (AUTH-05).

    django-otp refuses a time step at or before the last accepted one (``last_t``) and throttles
    the device after failures, doubling the wait each time.
    """
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return False
    return bool(device.verify_token(code.replace(" ", "")))
