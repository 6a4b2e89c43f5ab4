"""
The duplicate warning at intake (issue 15, item 4): a new defender whose name, phone, e-mail or
document matches an existing case's blind index is flagged before anything is saved. The member
sees the codes of matching cases they may see and only that others exist (no code, no count).
"""

import uuid

import pytest
from django.urls import reverse

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.cases.services import intake_duplicates
from haven.cases.services.receipts import form_receipt_claim
from tests.acting import acting
from tests.cases.factories import CANARY_NAME, open_canary_case
from tests.cases.test_workspace import intake_data


@pytest.fixture
def existing(organisation):
    return open_canary_case(organisation)


def _new_person(**overrides):
    data = intake_data(
        legal_name="Itzel Ficticia Moreno",
        other_names="",
        phone="+52 55 0100 2233",
        email="",
        document_number="",
    )
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "overrides",
    [
        {"legal_name": "zephyrine canarywood quillfeather"},  # same name, other case and hyphen
        {"other_names": "Zeph Canarywood"},  # an other name of theirs
        {"phone": "310 555 0199"},  # their phone in national format
        {"email": "ZEPHYRINE.CANARY@example.org"},
        {"document_number": "canary doc 77119"},
    ],
    ids=["name", "other-name", "phone", "email", "document"],
)
def test_caseworker_is_warned_without_seeing_the_other_case(
    existing, caseworker, sign_in_as, overrides
):
    """The case is not the caseworker's: they learn only that a duplicate may exist."""
    client = sign_in_as(caseworker)

    response = client.post(reverse("cases:intake"), _new_person(**overrides))

    page = response.content.decode()
    assert response.status_code == 200
    assert Case.objects.count() == 1  # nothing saved yet
    assert "possible-duplicates" in page
    assert "ask a coordinator" in page.casefold()
    assert existing.code not in page
    assert str(existing.pk) not in page


def test_coordinator_sees_the_matching_case_and_its_link(existing, coordinator, sign_in_as):
    client = sign_in_as(coordinator)

    response = client.post(reverse("cases:intake"), _new_person(phone="0057 310 555 0199"))

    page = response.content.decode()
    assert existing.code in page
    assert reverse("cases:detail", kwargs={"case_id": existing.pk}) in page
    assert "case you cannot see" not in page


def test_continuing_past_the_warning_opens_the_case(existing, caseworker, sign_in_as):
    client = sign_in_as(caseworker)
    data = _new_person(legal_name=CANARY_NAME)
    client.post(reverse("cases:intake"), data)

    response = client.post(reverse("cases:intake"), {**data, "open_despite_duplicates": "on"})

    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_a_different_person_is_not_warned(existing, caseworker, sign_in_as):
    """Sharing a first name or a surname is not a duplicate; the case opens at once."""
    client = sign_in_as(caseworker)

    response = client.post(
        reverse("cases:intake"), _new_person(legal_name="Zephyrine Ficticia Moreno")
    )

    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_erased_cases_are_not_duplicates(existing, caseworker):
    existing.status = "erased"
    existing.save(update_fields=["status"])

    found = intake_duplicates(membership=acting(caseworker), identity={"legal_name": CANARY_NAME})

    assert not found


def test_the_check_is_audited_and_counted_as_a_search(existing, caseworker):
    """One ``vault.blind_search`` event, index ``intake``, tokens and counts only (BI-04)."""
    found = intake_duplicates(
        membership=acting(caseworker),
        identity={"legal_name": CANARY_NAME, "phone": "+57 310 555 0199"},
    )

    assert found.others_exist and not found.visible
    event = AuditEvent.objects.get(event_type=EventType.BLIND_SEARCH)
    assert event.data["index"] == "intake"
    assert event.data["matches"] == 1
    assert "canary" not in str(event.data).casefold()
    assert "0199" not in str(event.data)


def test_another_organisation_is_never_a_duplicate(existing, outsider):
    assert not intake_duplicates(membership=acting(outsider), identity={"legal_name": CANARY_NAME})


def test_a_form_already_saved_is_not_checked_again(existing, caseworker):
    """A double submit goes to the intake service (which says so), not to the duplicate check."""
    token = uuid.uuid4()
    form_receipt_claim(token=token)

    assert not intake_duplicates(
        membership=acting(caseworker),
        identity={"legal_name": CANARY_NAME},
        submission_token=token,
    )
    assert not AuditEvent.objects.filter(event_type=EventType.BLIND_SEARCH).exists()
