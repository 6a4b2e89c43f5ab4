"""
Step-up re-authentication (SESS-04): revealing an identity, replacing backup codes and granting
roles need a second factor given within the last five minutes; the step-up page sends the user
back only to a path on this site.
"""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from haven.accounts import totp
from haven.accounts.models import RecoveryCode
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.organisations.models import Role
from tests.cases.factories import CANARY_NAME, assigned_case
from tests.conftest import KNOWN_TOTP_SECRET

pytestmark = pytest.mark.django_db

SIGNED_IN_AT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
REASON = {"reason": "Booking the flight needs the passport name"}


def _step_up_next(response) -> str:
    """Return the ``next`` path a redirect to the step-up page carries."""
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:step_up")
    return parse_qs(location.query)["next"][0]


def _events(event_type: EventType) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


def test_reveal_six_minutes_after_the_second_factor_asks_for_a_fresh_code(
    organisation, caseworker, sign_in_as
):
    """SESS-04: six minutes after the last second factor, revealing sends the user to step-up and shows nothing."""
    case = assigned_case(organisation, caseworker)
    url = reverse("cases:reveal", kwargs={"case_id": case.pk})
    with time_machine.travel(SIGNED_IN_AT, tick=False) as clock:
        client = sign_in_as(caseworker)
        clock.shift(datetime.timedelta(minutes=6))
        response = client.post(url, REASON)

    assert response.status_code == 302
    assert _step_up_next(response) == url
    assert _events(EventType.IDENTITY_REVEALED) == 0


def test_reveal_within_five_minutes_needs_no_step_up(organisation, caseworker, sign_in_as):
    """SESS-04: four minutes after the second factor the identity is revealed without asking again."""
    case = assigned_case(organisation, caseworker)
    url = reverse("cases:reveal", kwargs={"case_id": case.pk})
    with time_machine.travel(SIGNED_IN_AT, tick=False) as clock:
        client = sign_in_as(caseworker)
        clock.shift(datetime.timedelta(minutes=4))
        response = client.post(url, REASON)

    assert response.status_code == 200
    assert CANARY_NAME in response.content.decode()


def test_after_step_up_the_reveal_succeeds(organisation, caseworker, sign_in_as):
    """SESS-04: a correct code on the step-up page leads back to the reveal form, which then works; the step-up is audited."""
    case = assigned_case(organisation, caseworker)
    url = reverse("cases:reveal", kwargs={"case_id": case.pk})
    with time_machine.travel(SIGNED_IN_AT, tick=False) as clock:
        client = sign_in_as(caseworker)
        clock.shift(datetime.timedelta(minutes=6))
        next_path = _step_up_next(client.post(url, REASON))
        stepped_up = client.post(
            reverse("accounts:step_up"),
            {"code": totp.current_code(KNOWN_TOTP_SECRET), "next": next_path},
        )
        revealed = client.post(stepped_up["Location"], REASON)

    assert stepped_up.status_code == 302 and stepped_up["Location"] == url
    assert CANARY_NAME in revealed.content.decode()
    assert _events(EventType.STEP_UP_SUCCEEDED) == 1
    assert _events(EventType.IDENTITY_REVEALED) == 1


def test_a_wrong_step_up_code_is_refused_and_nothing_is_revealed(
    organisation, caseworker, sign_in_as
):
    """SESS-04: a wrong code is refused and audited; the reveal still sends the user to step-up."""
    case = assigned_case(organisation, caseworker)
    url = reverse("cases:reveal", kwargs={"case_id": case.pk})
    with time_machine.travel(SIGNED_IN_AT, tick=False) as clock:
        client = sign_in_as(caseworker)
        clock.shift(datetime.timedelta(minutes=6))
        wrong = "000000" if totp.current_code(KNOWN_TOTP_SECRET) != "000000" else "111111"
        refused = client.post(reverse("accounts:step_up"), {"code": wrong, "next": url})
        still_asked = client.post(url, REASON)

    assert refused.status_code == 200
    assert CANARY_NAME not in refused.content.decode()
    assert still_asked.status_code == 302 and _step_up_next(still_asked) == url
    assert _events(EventType.STEP_UP_FAILED) == 1
    assert _events(EventType.STEP_UP_SUCCEEDED) == 0
    assert _events(EventType.IDENTITY_REVEALED) == 0


@pytest.mark.parametrize(
    "next_value",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "javascript:alert(1)",
        "relative/path",
    ],
)
def test_a_next_pointing_elsewhere_is_ignored(caseworker, sign_in_as, next_value):
    """SESS-04: after a correct code, a ``next`` that is not a path on this site leads to the dashboard (no open redirect)."""
    client = sign_in_as(caseworker)
    response = client.post(
        reverse("accounts:step_up"),
        {"code": totp.current_code(KNOWN_TOTP_SECRET), "next": next_value},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")


def test_the_step_up_page_keeps_only_a_safe_next_in_its_form(caseworker, sign_in_as):
    """The step-up form carries a same-site ``next`` and puts the dashboard in place of another host."""
    client = sign_in_as(caseworker)
    kept = client.get(reverse("accounts:step_up"), {"next": "/cases/"})
    dropped = client.get(reverse("accounts:step_up"), {"next": "https://evil.example/"})

    assert 'name="next" value="/cases/"' in kept.content.decode()
    hidden_next = f'name="next" value="{reverse("web:dashboard")}"'
    assert hidden_next in dropped.content.decode()


def test_regenerating_backup_codes_needs_a_fresh_second_factor(caseworker, sign_in_as):
    """SESS-04: changing backup codes six minutes after the second factor goes to step-up and keeps the old codes; after step-up it works."""
    with time_machine.travel(SIGNED_IN_AT, tick=False) as clock:
        client = sign_in_as(caseworker)
        before = set(RecoveryCode.objects.values_list("pk", flat=True))
        clock.shift(datetime.timedelta(minutes=6))
        asked = client.post(reverse("accounts:recovery_codes"))
        unchanged = set(RecoveryCode.objects.values_list("pk", flat=True))
        client.post(
            reverse("accounts:step_up"),
            {"code": totp.current_code(KNOWN_TOTP_SECRET), "next": _step_up_next(asked)},
        )
        regenerated = client.post(reverse("accounts:recovery_codes"))

    assert _step_up_next(asked) == reverse("accounts:security")
    assert unchanged == before
    assert regenerated.status_code == 200
    assert _events(EventType.BACKUP_CODES_REGENERATED) >= 1
    assert set(RecoveryCode.objects.values_list("pk", flat=True)) != before


def test_changing_a_role_needs_a_fresh_second_factor(coordinator, caseworker, sign_in_as):
    """SESS-04: a role change six minutes after the second factor is not made and leads back to the member's page via step-up."""
    membership = caseworker.memberships.get()
    url = reverse("members:role", kwargs={"membership_id": membership.pk})
    with time_machine.travel(SIGNED_IN_AT, tick=False) as clock:
        client = sign_in_as(coordinator)
        clock.shift(datetime.timedelta(minutes=6))
        asked = client.post(url, {"role": Role.COORDINATOR})

    membership.refresh_from_db()
    assert membership.role == Role.CASEWORKER
    assert _step_up_next(asked) == reverse(
        "members:detail", kwargs={"membership_id": membership.pk}
    )
    assert _events(EventType.MEMBER_ROLE_CHANGED) == 0


def test_inviting_a_member_needs_a_fresh_second_factor(coordinator, sign_in_as):
    """SESS-04: granting a role by invitation six minutes after the second factor creates no invitation."""
    with time_machine.travel(SIGNED_IN_AT, tick=False) as clock:
        client = sign_in_as(coordinator)
        clock.shift(datetime.timedelta(minutes=6))
        asked = client.post(reverse("members:invite"), {"role": Role.ANALYST, "username": ""})

    assert _step_up_next(asked) == reverse("members:list")
    assert _events(EventType.INVITATION_CREATED) == 0


def test_signing_in_with_a_code_starts_the_five_minutes(client, caseworker):
    """SESS-04: the real second-factor step records the time, so a reveal six minutes after signing in asks again."""
    from tests.accounts.test_sign_in import full_sign_in

    with time_machine.travel(SIGNED_IN_AT, tick=False) as clock:
        full_sign_in(client, caseworker)
        clock.shift(datetime.timedelta(minutes=4))
        within = client.post(reverse("accounts:recovery_codes"))
        clock.shift(datetime.timedelta(minutes=2))
        asked = client.post(reverse("accounts:recovery_codes"))

    assert within.status_code == 200
    assert _step_up_next(asked) == reverse("accounts:security")


def test_step_up_codes_are_throttled_like_sign_in(caseworker, sign_in_as):
    """SESS-04, AUTH-05: right after a wrong code even the right one is refused until the delay passes, as at sign-in."""
    with time_machine.travel(SIGNED_IN_AT, tick=False) as clock:
        client = sign_in_as(caseworker)
        clock.shift(datetime.timedelta(minutes=6))
        code = totp.current_code(KNOWN_TOTP_SECRET)
        wrong = "000000" if code != "000000" else "111111"
        client.post(reverse("accounts:step_up"), {"code": wrong, "next": "/"})
        too_soon = client.post(reverse("accounts:step_up"), {"code": code, "next": "/"})

    assert too_soon.status_code == 200
    assert "Too many wrong codes" in too_soon.content.decode()
    assert _events(EventType.STEP_UP_FAILED) == 2
    assert _events(EventType.STEP_UP_SUCCEEDED) == 0
