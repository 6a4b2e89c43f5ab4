"""
Erasure as a workflow on screen (issue 16, CRY-06): a coordinator asks with a reason, a second
coordinator approves (keys destroyed) or any coordinator declines; the requester cannot approve,
other roles get 404, and the lifecycle form no longer offers erasure as a tick-box.
"""

import pytest
from django.test import Client
from django.urls import reverse

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import Case, CaseErasure, CaseStatus, ErasureReason, ErasureState
from haven.cases.services import CaseError, case_erasure_decline, case_erasure_request
from haven.cases.services.erasure import SAME_COORDINATOR
from haven.organisations.models import Role
from tests.acting import acting
from tests.cases.factories import open_canary_case
from tests.conftest import make_member, sign_in


@pytest.fixture
def second_coordinator(organisation):
    return make_member(organisation, Role.COORDINATOR, "sam.second")


@pytest.fixture
def case(organisation, coordinator):
    return open_canary_case(organisation, coordinator, suffix="erase")


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_a_coordinator_asks_with_a_reason_and_the_event_holds_only_ids(case, coordinator):
    response = _client(coordinator).post(
        reverse("cases:erasure_request", kwargs={"case_id": case.pk}),
        {"reason": ErasureReason.DEFENDER_ASKED},
    )

    erasure = CaseErasure.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:erasure", kwargs={"erasure_id": erasure.pk})
    assert erasure.reason == ErasureReason.DEFENDER_ASKED
    event = AuditEvent.objects.get(event_type=EventType.SHRED_REQUESTED)
    assert event.data == {"erasure_id": str(erasure.pk), "reason": "defender_asked"}


def test_an_unknown_reason_saves_nothing(case, coordinator):
    response = _client(coordinator).post(
        reverse("cases:erasure_request", kwargs={"case_id": case.pk}), {"reason": "because"}
    )
    assert response.status_code == 200
    assert not CaseErasure.objects.exists()


def test_the_requester_cannot_approve_their_own_request(case, coordinator):
    erasure = case_erasure_request(membership=acting(coordinator), case=case)
    client = _client(coordinator)

    page = client.get(reverse("cases:erasure", kwargs={"erasure_id": erasure.pk})).content
    response = client.post(
        reverse("cases:erasure_approve", kwargs={"erasure_id": erasure.pk}), follow=True
    )

    assert b"Approve and erase" not in page
    assert str(SAME_COORDINATOR) in response.content.decode()
    assert Case.objects.get(pk=case.pk).status != CaseStatus.ERASED


def test_a_second_coordinator_approves_and_the_case_is_erased(
    case, coordinator, second_coordinator
):
    erasure = case_erasure_request(membership=acting(coordinator), case=case)
    client = _client(second_coordinator)

    client.post(reverse("cases:erasure_approve", kwargs={"erasure_id": erasure.pk}))

    assert Case.objects.get(pk=case.pk).status == CaseStatus.ERASED
    assert CaseErasure.objects.get(pk=erasure.pk).state == ErasureState.APPROVED
    # The tombstone stays readable: who asked, who approved, never what the case held.
    page = client.get(reverse("cases:erasure", kwargs={"erasure_id": erasure.pk}))
    assert page.status_code == 200
    assert case.code in page.content.decode()


def test_a_decline_keeps_the_case_and_a_new_request_can_follow(
    case, coordinator, second_coordinator
):
    erasure = case_erasure_request(membership=acting(coordinator), case=case)

    _client(second_coordinator).post(
        reverse("cases:erasure_decline", kwargs={"erasure_id": erasure.pk})
    )

    erasure.refresh_from_db()
    assert erasure.state == ErasureState.DECLINED
    assert erasure.declined_by == second_coordinator
    assert Case.objects.get(pk=case.pk).status != CaseStatus.ERASED
    assert AuditEvent.objects.filter(event_type=EventType.SHRED_REJECTED).count() == 1
    case_erasure_request(membership=acting(coordinator), case=case)  # no longer blocked
    with pytest.raises(CaseError):
        case_erasure_decline(membership=acting(second_coordinator), erasure=erasure)


def test_other_roles_get_404_on_every_erasure_page(case, coordinator, caseworker):
    erasure = case_erasure_request(membership=acting(coordinator), case=case)
    client = _client(caseworker)

    for url in [
        reverse("cases:erasure_request", kwargs={"case_id": case.pk}),
        reverse("cases:erasure", kwargs={"erasure_id": erasure.pk}),
    ]:
        assert client.get(url).status_code == 404
    for name in ("cases:erasure_approve", "cases:erasure_decline"):
        assert client.post(reverse(name, kwargs={"erasure_id": erasure.pk})).status_code == 404
    assert CaseErasure.objects.get(pk=erasure.pk).state == ErasureState.PENDING
    with pytest.raises(CaseError):
        case_erasure_decline(membership=acting(caseworker), erasure=erasure)


def test_a_closed_case_offers_no_erasure_tick_box(case, coordinator):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)

    client = _client(coordinator)
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    move = client.get(reverse("cases:transition", kwargs={"case_id": case.pk}))

    assert page.status_code == move.status_code == 200
    choices = dict(move.context["form"].fields["confirmed"].choices)
    assert "erasure_approved_by_second_person" not in choices
    assert reverse("cases:erasure_request", kwargs={"case_id": case.pk}) in page.content.decode()
