"""
Everything that touches a TOTP secret, kept in one module.

The secret currently lives in django-otp's ``TOTPDevice.key`` (hex, in clear); the vault will move
it into an encrypted field (AUTH-06). Only this module reads or writes that column, so that move
changes one file.
"""

import base64
from binascii import unhexlify

import qrcode
import qrcode.image.svg
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User

DEVICE_NAME = "authenticator"


def confirmed_device(user: User) -> TOTPDevice | None:
    """Return the user's confirmed authenticator, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user: User) -> TOTPDevice:
    """Return the user's unconfirmed authenticator, creating one with a fresh secret if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def create_device_with_secret(user: User, secret: bytes, *, confirmed: bool = True) -> TOTPDevice:
    """Create an authenticator with a known secret (the demo seed and the test suite use this)."""
    return TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=secret.hex(), confirmed=confirmed
    )


def secret_bytes(device: TOTPDevice) -> bytes:
    return unhexlify(device.key.encode())


def secret_text(device: TOTPDevice) -> str:
    """Return the secret as authenticator apps expect it typed: base32 in groups of four."""
    encoded = base64.b32encode(secret_bytes(device)).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """Return the provisioning URI as an inline SVG QR code: drawn here, nothing fetched."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return svg


def current_code(secret: bytes) -> str:
    """Return the code an authenticator app would show now for ``secret``."""
    return f"{totp(secret):06d}"


def check_code(device: TOTPDevice, code: str) -> bool:
    """
    Return whether ``code`` is the device's current code and was not used before (AUTH-05).

    django-otp refuses a time step at or before the last accepted one (``last_t``) and throttles
    the device after failures, doubling the wait each time.
    """
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return False
    return bool(device.verify_token(code.replace(" ", "")))
