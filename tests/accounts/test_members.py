"""Invitations by one-time link, role changes and deactivation, each audited (AUD-01, AZ-01)."""

from datetime import timedelta

import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import Invitation, User
from haven.accounts.services import invitation_create
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.organisations.models import Membership, Role
from tests.acting import acting


def invite(coordinator, role=Role.CASEWORKER):
    organisation = coordinator.memberships.get().organisation
    return invitation_create(membership=acting(coordinator, organisation), role=role)


def accept(client, token, username="ines.invited", password="a long fresh passphrase 9"):
    return client.post(
        reverse("accounts:invitation_accept"),
        {"code": token, "username": username, "password": password, "password_again": password},
    )


def test_a_coordinator_creates_an_invitation_link_shown_once(coordinator, sign_in_as):
    """The link holds a random token; only its digest is stored."""
    client = sign_in_as(coordinator)

    response = client.post(reverse("members:invite"), {"role": Role.ANALYST, "username": ""})

    link = response.context["link"]
    path, token = link.split("#")
    invitation = Invitation.objects.get()
    assert path.endswith(reverse("accounts:invitation_accept"))
    assert token == response.context["code"] and token not in path
    assert invitation.role == Role.ANALYST
    assert token not in invitation.token_digest
    assert AuditEvent.objects.filter(event_type=EventType.INVITATION_CREATED.value).count() == 1


def test_the_invite_form_has_no_role_chosen_in_advance(coordinator, sign_in_as):
    """A role is granted by a choice, never by leaving a default as it was (issue 15)."""
    client = sign_in_as(coordinator)

    page = client.get(reverse("members:list")).content.decode()
    refused = client.post(reverse("members:invite"), {"role": "", "username": ""})

    assert '<option value="" selected>' in page
    assert refused.status_code == 400
    assert not Invitation.objects.exists()


def test_accepting_creates_the_member_and_leads_to_enrolment(client, coordinator):
    """The invited person picks a name and password, then must enrol a second factor."""
    _invitation, token = invite(coordinator)

    response = accept(client, token)

    assert response["Location"] == reverse("accounts:enrol")
    membership = Membership.objects.get(user__username="ines.invited")
    assert membership.role == Role.CASEWORKER
    assert membership.organisation == coordinator.memberships.get().organisation


def test_an_invitation_works_once(client, coordinator):
    """A second use of the same link is refused and creates nothing."""
    _invitation, token = invite(coordinator)
    accept(client, token)

    again = accept(Client(), token, username="someone.else")

    assert again.status_code == 400
    assert not User.objects.filter(username="someone.else").exists()


def test_an_expired_or_tampered_link_is_refused(client, coordinator):
    """After 72 hours, or with a changed code, the page answers 400 with a message; nothing changes."""
    _invitation, token = invite(coordinator)

    tampered = accept(client, token[:-1] + ("0" if token[-1] != "0" else "1"))
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        expired = accept(client, token)

    assert tampered.status_code == 400 and expired.status_code == 400
    assert "not valid any more" in expired.content.decode()
    assert User.objects.count() == 1


def test_a_taken_name_is_refused_on_the_form_and_nothing_is_created(client, coordinator):
    """The service's refusal is shown above the fields with a 400; the link stays usable."""
    _invitation, token = invite(coordinator)

    response = accept(client, token, username=coordinator.username)

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "This username is taken. Choose another."
    ]
    assert User.objects.count() == 1
    assert accept(Client(), token)["Location"] == reverse("accounts:enrol")


def test_a_weak_password_is_refused_and_nothing_is_created(client, coordinator):
    """A common password gets a clear message; no account appears (AUTH-02)."""
    _invitation, token = invite(coordinator)

    response = accept(client, token, password="password12345")

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not User.objects.filter(username="ines.invited").exists()


def test_role_change_and_deactivation_are_audited_and_end_access(
    coordinator, caseworker, sign_in_as
):
    """A deactivated member loses access at once; both changes leave audit events."""
    membership = caseworker.memberships.get()
    client = sign_in_as(coordinator)
    worker = Client()
    from tests.conftest import sign_in

    sign_in(worker, caseworker)

    client.post(
        reverse("members:role", kwargs={"membership_id": membership.pk}), {"role": "analyst"}
    )
    client.post(reverse("members:deactivate", kwargs={"membership_id": membership.pk}))

    membership.refresh_from_db()
    assert membership.role == Role.ANALYST and membership.is_active is False
    assert worker.get(reverse("web:dashboard")).status_code == 302
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {EventType.MEMBER_ROLE_CHANGED.value, EventType.MEMBER_DEACTIVATED.value} <= types


def test_a_coordinator_cannot_deactivate_themselves(coordinator, sign_in_as):
    """Nobody can lock themselves out of their own organisation by mistake."""
    membership = coordinator.memberships.get()
    client = sign_in_as(coordinator)

    client.post(reverse("members:deactivate", kwargs={"membership_id": membership.pk}))

    membership.refresh_from_db()
    assert membership.is_active is True


def test_a_caseworker_cannot_see_the_member_list(caseworker, sign_in_as):
    """Roles without the permission get 404, and the refusal is audited (AZ-01)."""
    client = sign_in_as(caseworker)

    assert client.get(reverse("members:list")).status_code == 404
    assert AuditEvent.objects.filter(event_type=EventType.ACCESS_DENIED.value).count() == 1


def test_a_role_not_in_the_list_is_refused_and_nothing_changes(caseworker, coordinator, sign_in_as):
    """A tampered role is shown as an error on the member's page, not saved and not "Saved."."""
    membership = caseworker.memberships.get()
    page = reverse("members:detail", kwargs={"membership_id": membership.pk})
    role_change = reverse("members:role", kwargs={"membership_id": membership.pk})

    response = sign_in_as(coordinator).post(role_change, {"role": "overlord"})

    membership.refresh_from_db()
    assert membership.role == Role.CASEWORKER
    assert response["Location"] == page
    notices = [str(message) for message in get_messages(response.wsgi_request)]
    assert notices == ["Choose one of the listed roles."]
