"""The self-referral form: what it saves, encrypted, once; and what it refuses, saving nothing."""

import datetime
import io

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.portal import receipts
from haven.portal.abuse import counted, issue_form_token, work_is_done
from haven.portal.models import (
    PortalCounter,
    PortalFormToken,
    PortalSession,
    Referral,
    ReferralFile,
)
from haven.portal.services import REFUSED_FULL_SCOPE
from tests.portal.helpers import (
    CANARY_ACCOUNT,
    CANARY_HANDLE,
    PASSPHRASE,
    old_form_token,
    referral_data,
    submit_referral,
)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_form_sets_no_cookie_but_the_csrf_token(client, organisation):
    """Before anything is sent the portal leaves nothing in the browser but CSRF (issue 14, 6)."""
    response = client.get("/portal/")

    assert response.status_code == 200
    assert set(response.cookies) <= {"csrftoken"}
    assert 'id="quick-exit"' in response.content.decode()


def test_a_referral_is_saved_encrypted_with_a_receipt(client, organisation):
    """The account is encrypted under a new referral key; the receipt is words, never stored (CRY-01)."""
    response, code = submit_referral(client, organisation)

    referral = Referral.objects.get()
    assert referral.organisation == organisation
    assert referral.data_key.owner_type == "referral"
    assert len(code.split("-")) == receipts.RECEIPT_WORDS
    assert receipts.receipt_entropy_bits() > 100
    assert referral.passphrase_hash.startswith("$argon2id$")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM portal_referral")
        raw = repr(cursor.fetchall())
    for secret in (CANARY_ACCOUNT, CANARY_HANDLE, code, PASSPHRASE):
        assert secret not in raw
    assert referral.account["account"] == CANARY_ACCOUNT
    assert AuditEvent.objects.filter(event_type=EventType.PORTAL_REFERRAL_RECEIVED).count() == 1
    cookie = response.cookies["haven_portal"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/portal/"
    assert "haven_session" not in response.cookies
    assert CANARY_ACCOUNT not in response.content.decode()


def test_a_clean_file_is_kept_encrypted(client, organisation):
    picture = io.BytesIO(png_bytes())
    picture.name = "evidence.png"

    submit_referral(client, organisation, attachments=picture)

    stored = ReferralFile.objects.get()
    assert stored.media_type == "image/png"
    assert stored.name == "evidence.png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"this is text pretending to be a picture", "does not match its name"),
        ("tool.exe", b"MZ\x90\x00binary", "could not be accepted"),
    ],
)
def test_a_lying_or_forbidden_file_saves_nothing(client, organisation, name, content, message):
    upload = io.BytesIO(content)
    upload.name = name

    response = client.post("/portal/", referral_data(organisation, attachments=upload))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_an_oversized_file_is_refused_before_anything_is_saved(client, organisation, settings):
    settings.HAVEN_PORTAL_MAX_FILE_BYTES = 1024 * 1024
    upload = io.BytesIO(b"a" * (1024 * 1024 + 1))
    upload.name = "long.txt"

    response = client.post("/portal/", referral_data(organisation, attachments=upload))

    assert response.status_code == 400
    assert "at most 1 MB" in response.content.decode()
    assert not Referral.objects.exists()


def test_an_empty_form_gets_clear_messages_and_saves_nothing(client, organisation):
    response = client.post("/portal/", {"lang": "es"})

    assert response.status_code == 400
    assert "Este campo es obligatorio" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize("passphrase", ["short", "x" * 129])
def test_a_passphrase_of_the_wrong_length_is_refused(client, organisation, passphrase):
    response = client.post(
        "/portal/", referral_data(organisation, passphrase=passphrase, passphrase_again=passphrase)
    )

    assert response.status_code == 400
    assert "A passphrase has at" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_replayed_form_is_not_saved_twice(client, organisation):
    data = referral_data(organisation)
    first = client.post("/portal/", data)

    second = client.post("/portal/", data)

    assert first.status_code == 200
    assert second.status_code == 400
    assert "already sent" in second.content.decode()
    assert Referral.objects.count() == 1


def test_a_forged_form_token_saves_nothing(client, organisation):
    response = client.post("/portal/", referral_data(organisation, form_token="forged:token"))

    assert response.status_code == 400
    assert "too old or damaged" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_full_queue_refuses_without_saving(client, organisation, settings):
    settings.HAVEN_PORTAL_QUEUE_CAP = 1
    submit_referral(client, organisation)

    response = client.post("/portal/", referral_data(organisation))

    assert response.status_code == 503
    assert Referral.objects.count() == 1


def test_a_flood_is_rate_limited_per_form(client, organisation, settings, time_machine):
    # Counters use windows aligned to the clock: start just after a minute begins, so a slow
    # machine cannot carry the three submissions across a window boundary.
    time_machine.move_to(timezone.now().replace(second=1, microsecond=0), tick=True)
    settings.HAVEN_PORTAL_RATE_LIMITS = {**settings.HAVEN_PORTAL_RATE_LIMITS, "referral": (2, 60)}
    for _ in range(2):
        submit_referral(client, organisation)

    response = client.post("/portal/", referral_data(organisation))

    assert response.status_code == 429
    assert Referral.objects.count() == 2


def test_the_total_limit_covers_every_portal_form(client, organisation, settings):
    settings.HAVEN_PORTAL_RATE_LIMITS = {**settings.HAVEN_PORTAL_RATE_LIMITS, "total": (1, 60)}
    client.post("/portal/status/open/", {"receipt": "a-b", "passphrase": "x" * 12})

    response = client.post("/portal/", referral_data(organisation))

    assert response.status_code == 429
    assert not Referral.objects.exists()


class TestProofOfWork:
    @pytest.fixture(autouse=True)
    def puzzle_on(self, settings):
        settings.HAVEN_PORTAL_POW_BITS = 8
        settings.HAVEN_PORTAL_NO_JS_WAIT_SECONDS = 30

    def test_a_fresh_form_without_work_must_wait(self, client, organisation):
        response = client.post("/portal/", referral_data(organisation))

        assert response.status_code == 429
        assert "seconds after it was opened" in response.content.decode()
        assert not Referral.objects.exists()

    def test_solved_work_is_accepted_at_once(self, client, organisation):
        token = issue_form_token()
        nonce = next(str(n) for n in range(1_000_000) if work_is_done(token, str(n)))

        submit_referral(client, organisation, form_token=token, work=nonce)

        assert Referral.objects.count() == 1

    def test_without_javascript_a_form_open_long_enough_is_accepted(self, client, organisation):
        submit_referral(client, organisation, form_token=old_form_token(45))

        assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("lang", "direction", "quick_exit"),
    [("ar", "rtl", "خروج سريع"), ("fa", "rtl", "خروج سریع"), ("ru", "ltr", "Быстрый выход")],
)
def test_the_portal_speaks_the_defenders_language(
    client, organisation, lang, direction, quick_exit
):
    """Arabic and Persian lay out right to left; Russian and Persian catalogues are started."""
    response = client.get(f"/portal/?lang={lang}")

    text = response.content.decode()
    assert f'dir="{direction}"' in text
    assert quick_exit in text
    assert response["Content-Language"] == lang
    assert set(response.cookies) <= {"csrftoken"}


def test_old_counters_tokens_and_sessions_are_forgotten(client, organisation):
    """The anti-abuse tables do not grow without bound: a new counter window prunes them."""
    submit_referral(client, organisation)
    long_ago = timezone.now() - datetime.timedelta(days=2)
    PortalCounter.objects.update(window_start=long_ago)
    PortalFormToken.objects.update(used_at=long_ago)
    PortalSession.objects.update(last_seen_at=long_ago)

    submit_referral(client, organisation)

    assert PortalCounter.objects.filter(window_start=long_ago).count() == 0
    assert PortalFormToken.objects.count() == 1
    assert PortalSession.objects.count() == 1


def test_refusals_for_a_full_queue_are_counted(client, organisation, settings):
    settings.HAVEN_PORTAL_QUEUE_CAP = 0

    client.post("/portal/", referral_data(organisation))

    assert counted(REFUSED_FULL_SCOPE) == 1
