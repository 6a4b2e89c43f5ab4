"""Reads of the asylum bridge: what the page shows, and 404 for anyone outside the case team (AZ-02)."""

import pytest
from django.http import Http404

from haven.asylum import selectors, services
from haven.asylum.models import ConsentDecision, ExplainedTopic
from haven.cases.models import Case
from haven.domain.asylum_procedure import AsylumSide, RegimeOutcome, StaySide
from haven.organisations.models import Role
from haven.vault.keyring import keyring_scope
from tests.asylum.factories import lodge, record_conversation, stay_in_review
from tests.conftest import make_member
from tests.relocations.factories import membership_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(organisation, coordinator):
    return Case.objects.get(pk=stay_in_review(organisation, coordinator).case_id)


def test_the_records_show_the_live_conversation_and_what_it_left_out(case, coordinator):
    member = membership_of(coordinator)
    first = record_conversation(member, case, decision=ConsentDecision.CONSIDERING)
    services.consent_conversation_withdraw(membership=member, conversation=first)
    second = record_conversation(
        member,
        case,
        explained={ExplainedTopic.RIGHT_NOT_WAIVABLE: "", ExplainedTopic.INDEPENDENT_ADVICE: ""},
    )

    with keyring_scope():
        records = selectors.asylum_records(membership=member, case=case)
        assert records.current_conversation.pk == second.pk
        assert len(records.conversations) == 2
        assert len(records.items[second.pk]) == 2
        assert "The effect of a claim on housing" in records.unexplained[second.pk]
        assert records.unexplained[first.pk] == []


def test_the_records_name_both_regimes(case, coordinator):
    member = membership_of(coordinator)
    lodge(member, case)

    with keyring_scope():
        records = selectors.asylum_records(membership=member, case=case)
    # Lodged in the stay's host state, so the stay's outcome is now "sought asylum".
    assert records.stay_side is StaySide.SOUGHT_ASYLUM
    assert records.asylum_side is AsylumSide.CLAIM_PENDING
    assert records.outcome is RegimeOutcome.CLAIMED_ASYLUM
    assert [step.kind for step in records.steps] == ["lodged"]


@pytest.mark.parametrize("role", [Role.HOST_PARTNER, Role.ANALYST, Role.AUDITOR])
def test_roles_outside_the_case_team_get_404(case, coordinator, organisation, role):
    conversation = record_conversation(membership_of(coordinator), case)
    member = membership_of(make_member(organisation, role, f"not-team-{role}"))

    with pytest.raises(Http404):
        selectors.asylum_case_get(membership=member, case_id=case.pk)
    with pytest.raises(Http404):
        selectors.conversation_get(membership=member, conversation_id=conversation.pk)
    with pytest.raises(Http404), keyring_scope():
        selectors.asylum_records(membership=member, case=case)


def test_another_organisation_gets_404(case, coordinator, outsider):
    conversation = record_conversation(membership_of(coordinator), case)
    with pytest.raises(Http404):
        selectors.conversation_get(
            membership=membership_of(outsider), conversation_id=conversation.pk
        )
    with pytest.raises(Http404):
        selectors.asylum_case_get(membership=membership_of(outsider), case_id=case.pk)
