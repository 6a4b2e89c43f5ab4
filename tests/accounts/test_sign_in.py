"""Signing in with a password and a second factor, and what can go wrong (AUTH, SESS)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts import totp
from haven.accounts.models import RecoveryCode, User
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.organisations.models import Role
from tests.conftest import KNOWN_TOTP_SECRET, PASSWORD, make_member

START = timezone.now().replace(microsecond=0)


def password_step(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def code_step(client: Client, code: str):
    return client.post(reverse("accounts:second_factor"), {"code": code})


def full_sign_in(client: Client, user: User) -> None:
    assert password_step(client, user.username)["Location"] == reverse("accounts:second_factor")
    response = code_step(client, totp.current_code(KNOWN_TOTP_SECRET))
    assert response["Location"] == reverse("web:dashboard")


def events(event_type: EventType) -> int:
    return AuditEvent.objects.filter(event_type=event_type.value).count()


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_password_then_code_reaches_the_dashboard_with_a_new_session_key_each_step(
    client, caseworker, frozen
):
    """The session key changes after the password and again after the second factor (SESS-01)."""
    client.get(reverse("accounts:login"))
    password_step(client, caseworker.username)
    after_password = client.cookies["haven_session"].value
    code_step(client, totp.current_code(KNOWN_TOTP_SECRET))
    after_code = client.cookies["haven_session"].value

    dashboard = client.get(reverse("web:dashboard"))

    assert after_password != after_code
    assert dashboard.status_code == 200
    assert events(EventType.LOGIN_SUCCEEDED) == 1


def test_a_used_code_is_refused_the_second_time(client, caseworker, frozen):
    """The same TOTP code cannot sign in twice, even within its 30 seconds (AUTH-05)."""
    code = totp.current_code(KNOWN_TOTP_SECRET)
    password_step(client, caseworker.username)
    code_step(client, code)
    other = Client()
    password_step(other, caseworker.username)

    response = code_step(other, code)

    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert other.get(reverse("web:dashboard"))["Location"] == reverse("accounts:second_factor")
    assert events(EventType.SECOND_FACTOR_FAILED) == 1


def test_a_code_from_two_steps_ago_is_refused(client, caseworker, frozen):
    """Only the current step and one either side are accepted (AUTH-05)."""
    with time_machine.travel(START - timedelta(seconds=60), tick=False):
        stale = totp.current_code(KNOWN_TOTP_SECRET)
    password_step(client, caseworker.username)

    response = code_step(client, stale)

    assert response.status_code == 200
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_wrong_codes_throttle_the_device(client, caseworker, frozen):
    """After wrong codes even the right one waits out a doubling delay (AUTH-05)."""
    password_step(client, caseworker.username)
    code_step(client, "000000")
    code_step(client, "000001")

    throttled = code_step(client, totp.current_code(KNOWN_TOTP_SECRET))
    frozen.shift(timedelta(seconds=3))
    accepted = code_step(client, totp.current_code(KNOWN_TOTP_SECRET))

    assert "Too many wrong codes" in throttled.content.decode()
    assert accepted["Location"] == reverse("web:dashboard")


def test_first_sign_in_enrols_an_authenticator_and_shows_backup_codes_once(
    client, organisation, frozen
):
    """A new account must set up TOTP; backup codes are stored hashed and work once (AUTH-03, AUTH-07)."""
    newcomer = make_member(organisation, Role.ANALYST, "nia.newcomer", with_device=False)
    assert password_step(client, newcomer.username)["Location"] == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol"))
    assert "<svg" in page.content.decode()
    device = totp.pending_device(newcomer)
    secret = totp.secret_bytes(device)

    shown = client.post(reverse("accounts:enrol"), {"code": totp.current_code(secret)})
    codes = shown.context["codes"]
    client.post(reverse("accounts:logout"))
    password_step(client, newcomer.username)
    first_use = code_step(client, codes[0])
    client.post(reverse("accounts:logout"))
    password_step(client, newcomer.username)
    second_use = code_step(client, codes[0])

    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(RecoveryCode.objects.values_list("code_digest", flat=True))
    assert not any(
        code in digest or code.replace("-", "") in digest for code in codes for digest in stored
    )
    assert first_use["Location"] == reverse("web:dashboard")
    assert second_use.status_code == 200
    assert events(EventType.SECOND_FACTOR_ENROLLED) == 1
    assert events(EventType.BACKUP_CODE_USED) == 1


def test_a_wrong_enrolment_code_confirms_nothing(client, organisation):
    """A wrong code during enrolment leaves the device unconfirmed."""
    newcomer = make_member(organisation, Role.ANALYST, "nia.newcomer", with_device=False)
    password_step(client, newcomer.username)
    client.get(reverse("accounts:enrol"))

    response = client.post(reverse("accounts:enrol"), {"code": "123456"})

    assert response.status_code == 200
    assert totp.confirmed_device(newcomer) is None


def test_unknown_name_wrong_password_and_inactive_account_look_the_same(client, caseworker):
    """The sign-in page does not reveal which accounts exist (AUTH-09)."""
    inactive = make_member(caseworker.memberships.get().organisation, Role.ANALYST, "ivo.inactive")
    User.objects.filter(pk=inactive.pk).update(is_active=False)

    answers = [
        password_step(Client(), "nobody.here", "some long password 1"),
        password_step(Client(), caseworker.username, "wrong long password 1"),
        password_step(Client(), inactive.username),
    ]

    assert {a.status_code for a in answers} == {200}
    errors = {str(a.context["form"].non_field_errors()) for a in answers}
    assert len(errors) == 1


def test_ten_failures_lock_the_account_not_the_address_and_the_cooloff_escalates(
    client, caseworker, coordinator, frozen
):
    """
    Ten bad passwords lock that account for 5 minutes, the next lockout for 10; a colleague
    on the same address is unaffected (AUTH-08).
    """
    for _ in range(10):
        password_step(client, caseworker.username, "wrong long password 1")

    locked = password_step(client, caseworker.username)
    colleague = password_step(Client(), coordinator.username)
    frozen.shift(timedelta(minutes=5, seconds=1))
    after_cooloff = password_step(Client(), caseworker.username)
    for _ in range(10):
        password_step(Client(), caseworker.username, "wrong long password 1")
    frozen.shift(timedelta(minutes=6))
    still_locked = password_step(Client(), caseworker.username)
    frozen.shift(timedelta(minutes=5))
    released = password_step(Client(), caseworker.username)

    assert locked.status_code == 429
    assert colleague.status_code == 302
    assert after_cooloff.status_code == 302
    assert still_locked.status_code == 429
    assert released.status_code == 302
    assert events(EventType.ACCOUNT_LOCKED) == 2


def test_an_idle_session_expires_after_thirty_minutes(client, caseworker, frozen):
    """Thirty minutes without a request ends the session on the server (SESS-02)."""
    full_sign_in(client, caseworker)
    frozen.shift(timedelta(minutes=29))
    still_in = client.get(reverse("web:dashboard"))
    frozen.shift(timedelta(minutes=31))

    expired = client.get(reverse("web:dashboard"))

    assert still_in.status_code == 200
    assert expired.status_code == 302
    assert expired["Location"].startswith(reverse("accounts:login"))
    assert events(EventType.SESSION_ENDED) == 1


def test_an_active_session_still_ends_after_twelve_hours(client, caseworker, frozen):
    """Activity does not extend a session beyond its 12-hour absolute limit (SESS-02)."""
    full_sign_in(client, caseworker)
    for _ in range(36):
        frozen.shift(timedelta(minutes=20))
        assert client.get(reverse("web:dashboard")).status_code == 200

    frozen.shift(timedelta(minutes=20))
    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302


def test_logout_ends_the_session_on_the_server_and_clears_the_browser(client, caseworker, frozen):
    """After logout the old cookie is worthless and the browser is told to forget (SESS-03)."""
    full_sign_in(client, caseworker)
    old_cookie = client.cookies["haven_session"].value

    response = client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["haven_session"] = old_cookie

    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert replay.get(reverse("web:dashboard")).status_code == 302
    assert events(EventType.LOGGED_OUT) == 1


def test_logout_refuses_get(client, caseworker, sign_in_as):
    """Logging out changes state, so it takes POST only (AZ-07)."""
    sign_in_as(caseworker)

    assert client.get(reverse("accounts:logout")).status_code == 405


def test_a_user_sees_and_ends_their_other_session(caseworker, frozen):
    """A user can list their sessions and end one elsewhere (SESS-03)."""
    laptop, phone = Client(), Client()
    full_sign_in(laptop, caseworker)
    frozen.shift(timedelta(seconds=31))
    full_sign_in(phone, caseworker)
    listed = laptop.get(reverse("accounts:security")).context["sessions"]
    phone_session = next(s for s in listed if s.pk != laptop.session["haven_login_session_id"])

    laptop.post(reverse("accounts:session_end", kwargs={"session_id": phone_session.pk}))

    assert len(listed) == 2
    assert laptop.get(reverse("web:dashboard")).status_code == 200
    assert phone.get(reverse("web:dashboard")).status_code == 302


def test_a_coordinator_ends_every_session_of_a_colleague_at_once(
    caseworker, coordinator, sign_in_as, frozen
):
    """ "Colleague arrested": one button ends all of a member's sessions, audited (SESS-03, AUD-01)."""
    laptop, phone = Client(), Client()
    full_sign_in(laptop, caseworker)
    frozen.shift(timedelta(seconds=31))
    full_sign_in(phone, caseworker)
    coordinator_client = sign_in_as(coordinator)
    membership = caseworker.memberships.get()

    coordinator_client.post(
        reverse("members:end_sessions", kwargs={"membership_id": membership.pk})
    )

    assert laptop.get(reverse("web:dashboard")).status_code == 302
    assert phone.get(reverse("web:dashboard")).status_code == 302
    event = AuditEvent.objects.get(event_type=EventType.ALL_SESSIONS_ENDED.value)
    assert event.actor_id == coordinator.public_id
    assert event.data == {"count": 2}


def test_a_caseworker_cannot_end_a_colleagues_sessions(caseworker, coordinator, sign_in_as):
    """Only roles with the permission may end others' sessions; others see 404 (AZ-01)."""
    client = sign_in_as(caseworker)
    membership = coordinator.memberships.get()

    response = client.post(reverse("members:end_sessions", kwargs={"membership_id": membership.pk}))

    assert response.status_code == 404
    assert events(EventType.ALL_SESSIONS_ENDED) == 0
    assert events(EventType.ACCESS_DENIED) == 1


def test_a_session_without_second_factor_reaches_only_the_code_page(client, caseworker):
    """The password alone does not open the dashboard (AUTH-03)."""
    password_step(client, caseworker.username)

    assert client.get(reverse("web:dashboard"))["Location"] == reverse("accounts:second_factor")


def test_passwords_are_hashed_with_argon2id(db, settings):
    """Stored passwords use Argon2id with at least the ASVS parameters (AUTH-01)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(username="pat.password", password=PASSWORD)

    algorithm, variety, _version, parameters, _salt, _hash = user.password.split("$")
    values = dict(item.split("=") for item in parameters.split(","))

    assert (algorithm, variety) == ("argon2", "argon2id")
    assert int(values["t"]) >= 2 and int(values["m"]) >= 19 * 1024


@pytest.mark.parametrize(
    ("password", "accepted"),
    [("password12345", False), ("short pass1", False), ("ünïcödé pässphrase " * 3 + "x", True)],
)
def test_password_rules_are_length_and_a_local_common_list(db, password, accepted):
    """At least 12 characters, common passwords refused, long passphrases fine (AUTH-02)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password)
    except ValidationError:
        result = False
    else:
        result = True

    assert result is accepted
