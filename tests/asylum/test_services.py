"""
The asylum bridge's writes: the informed-consent conversation, the legal opinion beside the
engine, the procedure and its effects on the stay, and the case following them. Each refusal
leaves nothing half-saved. Security IDs: AZ-02 (404 not 403), AUD-01 and A3 (no content in the
audit log, encrypted fields).
"""

import datetime
import json

import pytest
from django.db import connection
from django.http import Http404
from django.utils import timezone

from haven.asylum import services
from haven.asylum.models import (
    ConsentConversation,
    ConsentDecision,
    ExplainedItem,
    ExplainedTopic,
    LegalOpinion,
    ProcedureStep,
    StayEffect,
)
from haven.asylum.services import procedure
from haven.audit.models import AuditEvent
from haven.cases.models import Case, CaseStatus
from haven.cases.services import assessment_run
from haven.organisations.models import Role
from haven.relocations.models import Stay, StayOutcome
from haven.vault.keyring import keyring_scope
from tests.asylum.factories import (
    legal_adviser_on,
    lodge,
    record_conversation,
    stay_in,
    stay_in_review,
)
from tests.conftest import make_member
from tests.relocations.factories import days_ago, membership_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def stay(organisation, coordinator):
    return stay_in_review(organisation, coordinator)


@pytest.fixture
def case(stay):
    return Case.objects.get(pk=stay.case_id)


@pytest.fixture
def member(coordinator, organisation):
    return membership_of(coordinator, organisation)


@pytest.fixture
def legal(case, organisation):
    return legal_adviser_on(case, make_member(organisation, Role.LEGAL_ADVISER, "lena.legal"))


# --- The informed-consent conversation ---------------------------------------------------------


def test_each_explained_item_is_its_own_record_with_who_and_when(case, member):
    conversation = record_conversation(member, case)

    items = ExplainedItem.objects.filter(conversation=conversation)
    with keyring_scope():
        topics = {item.topic for item in items}
        conversation = ConsentConversation.objects.get(pk=conversation.pk)
        assert conversation.decision == ConsentDecision.SEEK_ASYLUM
        assert conversation.wishes.startswith("I want to stay safe")
        assert conversation.language == "Spanish"
        assert "asylum" in (conversation.policy_shown or "").lower()
    assert topics == set(ExplainedTopic.values)
    assert {item.explained_by_id for item in items} == {member.user_id}
    assert {item.explained_on for item in items} == {conversation.held_on}
    assert conversation.no_pressure_attested


def test_the_conversation_is_encrypted_and_audited_without_content(case, member):
    conversation = record_conversation(member, case)

    with connection.cursor() as cursor:
        cursor.execute("SELECT decision, wishes FROM asylum_consentconversation")
        decision, wishes = cursor.fetchone()
    assert b"seek_asylum" not in bytes(decision)
    assert b"river communities" not in bytes(wishes)
    event = AuditEvent.objects.get(event_type="asylum.consent_recorded")
    assert event.data == {"record": str(conversation.pk)}


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"no_pressure_attested": False}, "no pressure"),
        ({"explained": {ExplainedTopic.PROGRAMME_POLICY: ""}}, "cannot be waived"),
        ({"wishes": "  "}, "wishes"),
        ({"language": ""}, "language"),
        ({"decision": "sign_a_waiver"}, "decision"),
        ({"held_on": timezone.localdate() + datetime.timedelta(days=3)}, "not come"),
    ],
)
def test_an_incomplete_conversation_is_refused_and_nothing_saved(case, member, overrides, message):
    with pytest.raises(services.AsylumError) as refused:
        record_conversation(member, case, **overrides)

    assert message in str(refused.value)
    assert not ConsentConversation.objects.exists()
    assert not ExplainedItem.objects.exists()
    assert not AuditEvent.objects.filter(event_type="asylum.consent_recorded").exists()


def test_a_withdrawn_conversation_stays_as_history_and_no_longer_counts(case, member):
    conversation = record_conversation(member, case, decision=ConsentDecision.NOT_SEEKING)
    assert conversation.defender_declines

    withdrawn = services.consent_conversation_withdraw(membership=member, conversation=conversation)

    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by_id == member.user_id
    assert not withdrawn.defender_declines
    assert ConsentConversation.objects.filter(pk=conversation.pk).exists()
    with pytest.raises(services.AsylumError):
        services.consent_conversation_withdraw(membership=member, conversation=conversation)


def test_declining_asylum_takes_the_case_back_to_the_return_review(case, member, legal):
    lodge(member, case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASYLUM_BRIDGE

    record_conversation(member, case, decision=ConsentDecision.NOT_SEEKING)

    assert Case.objects.get(pk=case.pk).status == CaseStatus.RETURN_REVIEW


def test_an_explainer_from_another_organisation_is_refused(case, member, outsider):
    with pytest.raises(services.AsylumError):
        record_conversation(member, case, explained_by=membership_of(outsider))


# --- The legal opinion -------------------------------------------------------------------------


def _engine(case):
    assessment = case.assessments.order_by("-recorded_at").first()
    with keyring_scope():
        return assessment, services.engine_elements(assessment), assessment.output["protection"]


def _all_agree(engine):
    return {name: services.ElementOpinion(view="agree") for name in engine}


def _other(finding):
    return "not_met" if finding != "not_met" else "met"


def test_a_disagreement_without_reasons_is_refused_and_nothing_saved(case, legal):
    assessment, engine, _protection = _engine(case)
    name = next(iter(engine))
    views = _all_agree(engine) | {
        name: services.ElementOpinion(view="disagree", finding=_other(engine[name]), reasons=" ")
    }

    with pytest.raises(services.AsylumError) as refused:
        services.legal_opinion_record(
            membership=legal,
            case=case,
            assessment=assessment,
            elements=views,
            overall="refugee",
            overall_reasons="Reasons.",
        )

    assert "needs reasons" in str(refused.value)
    assert not LegalOpinion.objects.exists()


def test_a_disagreement_is_stored_beside_the_engine_and_marks_divergence(case, legal):
    assessment, engine, protection = _engine(case)
    name = "state_protection" if "state_protection" in engine else next(iter(engine))
    views = _all_agree(engine) | {
        name: services.ElementOpinion(
            view="disagree",
            finding=_other(engine[name]),
            reasons="The police answer to the same governor who issued the warrant.",
            sources="Fictional country report, section 4",
        )
    }

    opinion = services.legal_opinion_record(
        membership=legal,
        case=case,
        assessment=assessment,
        elements=views,
        overall=protection["outcome"],
        overall_reasons="Agree overall, with one element differently weighed.",
    )

    assert opinion.diverges
    assert opinion.engine_version == assessment.engine_version
    with keyring_scope():
        stored = LegalOpinion.objects.get(pk=opinion.pk)
        assert stored.disagreements() == [name]
        assert stored.elements[name]["engine"] == engine[name]
        assert stored.elements[name]["finding"] == _other(engine[name])
        assert stored.engine_outcome == protection["outcome"]


def test_full_agreement_does_not_diverge(case, legal):
    assessment, engine, protection = _engine(case)

    opinion = services.legal_opinion_record(
        membership=legal,
        case=case,
        assessment=assessment,
        elements=_all_agree(engine),
        overall=protection["outcome"],
        overall_reasons="The engine's reading is right on the facts recorded.",
    )

    assert not opinion.diverges


def test_a_disagreement_naming_the_engines_own_finding_is_refused(case, legal):
    assessment, engine, protection = _engine(case)
    name = next(iter(engine))
    views = _all_agree(engine) | {
        name: services.ElementOpinion(view="disagree", finding=engine[name], reasons="Because.")
    }

    with pytest.raises(services.AsylumError):
        services.legal_opinion_record(
            membership=legal,
            case=case,
            assessment=assessment,
            elements=views,
            overall=protection["outcome"],
            overall_reasons="x",
        )


def test_only_a_legal_adviser_records_an_opinion(case, member, organisation):
    assessment, engine, protection = _engine(case)
    caseworker = legal_adviser_on(case, make_member(organisation, Role.CASEWORKER, "cai.worker"))

    for who in (member, caseworker):
        with pytest.raises(Http404):
            services.legal_opinion_record(
                membership=who,
                case=case,
                assessment=assessment,
                elements=_all_agree(engine),
                overall=protection["outcome"],
                overall_reasons="x",
            )


def test_an_opinion_on_another_cases_assessment_is_refused(case, legal, member, organisation):
    other_case = Case.objects.get(pk=stay_in_review(organisation, member.user).case_id)
    assessment = assessment_run(
        membership=member,
        case=other_case,
        staff_risk_level="high",
        defender_risk_level=None,
        staff_decision="",
    )
    with pytest.raises(Http404):
        services.legal_opinion_record(
            membership=legal,
            case=case,
            assessment=assessment,
            elements={},
            overall="refugee",
            overall_reasons="x",
        )


# --- The procedure -----------------------------------------------------------------------------


def test_lodging_a_claim_moves_the_case_into_the_asylum_bridge(case, member):
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RETURN_REVIEW

    lodge(member, case)

    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASYLUM_BRIDGE
    moved = AuditEvent.objects.filter(event_type="case.status_changed", object_id=str(case.pk))
    assert moved.last().data["by_records"] is True


def test_a_claim_lodged_during_the_stay_sets_its_outcome_and_opens_the_bridge(
    organisation, coordinator
):
    """Issue 14 item 4: the stay's outcome "sought asylum", and in_relocation -> asylum_bridge."""
    stay = stay_in(organisation, coordinator, "NL", arrived_days_ago=20)
    case = Case.objects.get(pk=stay.case_id)
    assert case.status == CaseStatus.IN_RELOCATION
    member = membership_of(coordinator, organisation)

    lodge(member, case, on=days_ago(3), state="NL")

    stay.refresh_from_db()
    with keyring_scope():
        assert Stay.objects.get(pk=stay.pk).outcome == StayOutcome.SOUGHT_ASYLUM
    assert stay.outcome_on == days_ago(3)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASYLUM_BRIDGE
    moved = AuditEvent.objects.filter(event_type="case.status_changed", object_id=str(case.pk))
    assert moved.last().data == {
        "from": "in_relocation",
        "to": "asylum_bridge",
        "confirmed": [],
        "by_records": True,
    }
    step_event = AuditEvent.objects.filter(event_type="asylum.procedure_step_recorded").last()
    assert step_event.data["stay"] == str(stay.pk)
    assert "sought" not in json.dumps(step_event.data)  # ids only, never the outcome


def test_a_claim_lodged_in_another_state_leaves_the_stays_outcome_to_staff(
    organisation, coordinator
):
    stay = stay_in(organisation, coordinator, "NL", arrived_days_ago=20)
    case = Case.objects.get(pk=stay.case_id)

    lodge(membership_of(coordinator, organisation), case, state="DE")

    with keyring_scope():
        assert not Stay.objects.get(pk=stay.pk).outcome
    # The claim is on record all the same, so the case enters the bridge.
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASYLUM_BRIDGE


def test_a_step_dated_before_the_claim_was_lodged_is_refused(case, member):
    lodge(member, case, on=days_ago(5))

    with pytest.raises(services.AsylumError) as refused:
        services.procedure_step_record(
            membership=member,
            case=case,
            step=services.StepInput(kind="interview", happened_on=days_ago(6)),
        )

    assert "before the claim was lodged" in str(refused.value)
    assert days_ago(5).isoformat() in str(refused.value)
    assert ProcedureStep.objects.count() == 1


def test_a_step_before_any_lodging_is_refused(case, member):
    with pytest.raises(services.AsylumError, match="lodged first"):
        services.procedure_step_record(
            membership=member,
            case=case,
            step=services.StepInput(kind="decision", happened_on=days_ago(1), outcome="refused"),
        )
    assert not ProcedureStep.objects.exists()


def test_a_decision_needs_its_outcome(case, member):
    lodge(member, case)
    with pytest.raises(services.AsylumError, match="needs its outcome"):
        services.procedure_step_record(
            membership=member,
            case=case,
            step=services.StepInput(kind="decision", happened_on=days_ago(1)),
        )


def test_a_step_is_saved_with_all_it_changes_or_not_at_all(case, member, monkeypatch):
    """A failure after the step is written (here the regimes' refresh) leaves no step behind."""

    def refresh_fails(case):
        raise RuntimeError("refresh failed")

    monkeypatch.setattr(procedure, "regime_refresh", refresh_fails)

    with pytest.raises(RuntimeError):
        lodge(member, case)

    assert not ProcedureStep.objects.exists()
    assert Case.objects.get(pk=case.pk).next_due_on == case.next_due_on


def test_a_coming_interview_becomes_the_cases_next_deadline(case, member):
    lodge(member, case)
    interview_on = timezone.localdate() + datetime.timedelta(days=12)

    services.procedure_step_record(
        membership=member,
        case=case,
        step=services.StepInput(kind="dublin", happened_on=days_ago(2), due_on=interview_on),
    )

    assert Case.objects.get(pk=case.pk).next_due_on == interview_on


def test_procedure_details_are_encrypted(case, member):
    lodge(member, case, reference="FICT-SECRET-77")

    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM asylum_procedurestep")
        (raw,) = cursor.fetchone()
    assert b"FICT-SECRET-77" not in bytes(raw)
    event = AuditEvent.objects.get(event_type="asylum.procedure_step_recorded")
    assert set(event.data) == {"record", "stay"}  # ids only (the stay whose outcome it set)


def test_an_effect_on_the_stay_must_belong_to_its_aspect(case, member):
    with pytest.raises(services.AsylumError):
        services.stay_effect_record(
            membership=member,
            case=case,
            aspect="stipend",
            decision="housing_dispersed",
            effective_on=days_ago(1),
        )
    effect = services.stay_effect_record(
        membership=member,
        case=case,
        aspect="stipend",
        decision="stipend_bridge",
        effective_on=days_ago(1),
        note="Three months' bridge grant.",
    )
    with keyring_scope():
        assert StayEffect.objects.get(pk=effect.pk).decision_label() == "A bridge grant"


def test_a_host_partner_or_outsider_cannot_write(case, organisation, outsider):
    host = membership_of(make_member(organisation, Role.HOST_PARTNER, "hal.host"), organisation)
    for who in (host, membership_of(outsider)):
        with pytest.raises(Http404):
            lodge(who, case)
        with pytest.raises(Http404):
            record_conversation(who, case, explained_by=who)
    assert not ProcedureStep.objects.exists()
