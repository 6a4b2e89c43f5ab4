"""
Keeping a flood on the portal away from everyone else, without any third party.

- **Rate limits** per form and for the whole portal, counted in the database (``PortalCounter``)
  so they hold across app servers. Over Tor every visitor shares a few addresses, so limits are
  global rather than per address; a flood slows the portal down and nothing else.
- **A cap on the queue**: past ``HAVEN_PORTAL_QUEUE_CAP`` referrals waiting in one organisation
  the portal asks people to come back later instead of growing the queue staff must read.
- **Form tokens**: every referral and message form carries a signed one-time token. It is claimed
  in the transaction that saves the form, so a replayed or double-sent form saves nothing twice.
- **Proof of work** (optional, ``HAVEN_PORTAL_POW_BITS`` > 0): with JavaScript the browser finds a
  nonce whose SHA-256 with the token starts with that many zero bits; without JavaScript the
  token must instead be at least ``HAVEN_PORTAL_NO_JS_WAIT_SECONDS`` old, which a person filling
  in the form always is and a script sending thousands of forms is not.
"""

import datetime
import hashlib
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from haven.portal.models import PortalCounter, PortalFormToken, PortalSession

FORM_SIGNING_NAMESPACE = "haven.portal.form-token"
FORM_TOKEN_MAX_AGE_SECONDS = 6 * 60 * 60
TOTAL_SCOPE = "total"


def _window_start(seconds: int) -> datetime.datetime:
    now = int(time.time())
    return datetime.datetime.fromtimestamp(now - now % seconds, tz=datetime.UTC)


def _count(scope: str, window_seconds: int) -> int:
    """Add one to ``scope``'s counter for the current window and return the new count."""
    start = _window_start(window_seconds)
    with transaction.atomic():
        updated = PortalCounter.objects.filter(scope=scope, window_start=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    PortalCounter.objects.create(scope=scope, window_start=start, count=1)
                forget_expired()
                return 1
            except IntegrityError:
                PortalCounter.objects.filter(scope=scope, window_start=start).update(
                    count=F("count") + 1
                )
        return PortalCounter.objects.get(scope=scope, window_start=start).count


def forget_expired() -> None:
    """
    Delete counters older than a day, form tokens past their signature's age (a replay of those
    is refused by the signature anyway) and ended portal sessions. Runs when a counter window
    opens, so at most a few times a minute and never on a table that grows without bound.
    """
    now = timezone.now()
    PortalCounter.objects.filter(window_start__lt=now - datetime.timedelta(days=1)).delete()
    PortalFormToken.objects.filter(
        used_at__lt=now - datetime.timedelta(seconds=FORM_TOKEN_MAX_AGE_SECONDS + 60)
    ).delete()
    PortalSession.objects.filter(
        last_seen_at__lt=now
        - datetime.timedelta(seconds=settings.HAVEN_PORTAL_SESSION_IDLE_SECONDS)
    ).delete()


def within_rate_limits(form: str) -> bool:
    """
    Count one use of ``form`` and of the portal as a whole; False when either is over its limit.

    Limits come from ``HAVEN_PORTAL_RATE_LIMITS``: {name: (count, seconds)}.
    """
    limits = settings.HAVEN_PORTAL_RATE_LIMITS
    total_limit, total_window = limits[TOTAL_SCOPE]
    form_limit, form_window = limits[form]
    within_total = _count(TOTAL_SCOPE, total_window) <= total_limit
    within_form = _count(f"form:{form}", form_window) <= form_limit
    return within_total and within_form


def count_event(scope: str, window_seconds: int = 3600) -> int:
    """Count something worth watching (failed sign-ins, refusals) and return this hour's total."""
    return _count(scope, window_seconds)


def counted(scope: str, window_seconds: int = 3600) -> int:
    """Return this window's count for ``scope`` without adding to it."""
    row = PortalCounter.objects.filter(
        scope=scope, window_start=_window_start(window_seconds)
    ).first()
    return row.count if row else 0


# Form tokens and proof of work -------------------------------------------------------------


@dataclass(frozen=True)
class FormToken:
    token: uuid.UUID
    issued_at: float


def issue_form_token() -> str:
    """A signed one-time token for a form; also the proof-of-work challenge."""
    return signing.dumps({"t": uuid.uuid4().hex, "at": time.time()}, salt=FORM_SIGNING_NAMESPACE)


def read_form_token(value: str) -> FormToken | None:
    """Return the token if its signature holds and it is not too old; None otherwise."""
    try:
        payload = signing.loads(
            value, salt=FORM_SIGNING_NAMESPACE, max_age=FORM_TOKEN_MAX_AGE_SECONDS
        )
        return FormToken(uuid.UUID(payload["t"]), float(payload["at"]))
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return None


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def work_is_done(challenge: str, nonce: str) -> bool:
    """Whether ``nonce`` solves the proof-of-work puzzle for ``challenge``."""
    required = settings.HAVEN_PORTAL_POW_BITS
    if required <= 0:
        return True
    if not nonce or len(nonce) > 32 or not nonce.isdigit():
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    return leading_zero_bits(digest) >= required


def seconds_left_to_wait(token: FormToken, challenge: str, nonce: str) -> int:
    """
    Seconds before this form may be accepted: 0 when proof of work is off, solved, or the
    no-JavaScript waiting time has passed since the token was issued.
    """
    if work_is_done(challenge, nonce):
        return 0
    waited = time.time() - token.issued_at
    return max(0, int(settings.HAVEN_PORTAL_NO_JS_WAIT_SECONDS - waited + 0.999))


def claim_form_token(token: FormToken) -> bool:
    """Claim the token inside the caller's transaction; False when it was used before."""
    if PortalFormToken.objects.filter(pk=token.token).exists():
        return False
    try:
        with transaction.atomic():
            PortalFormToken.objects.create(token=token.token, used_at=timezone.now())
    except IntegrityError:
        return False
    return True
