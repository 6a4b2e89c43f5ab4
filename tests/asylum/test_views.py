"""
The asylum pages and who sees them (AZ-02: 404, never 403), the case page's divergence warning,
bad input shown again with nothing saved, and the report on how the two regimes meet (counts only,
suppressed like every report).
"""

import uuid

import pytest
from django.urls import reverse

from haven.asylum import selectors, services
from haven.asylum.models import ConsentConversation, ExplainedItem, LegalOpinion, RegimeTally
from haven.asylum.selectors import final_outcomes
from haven.audit.models import AuditEvent
from haven.cases.models import Assessment, Case
from haven.cases.panels import panels_for
from haven.organisations.models import Role
from haven.relocations import returns
from haven.vault.keyring import keyring_scope
from tests.asylum.factories import legal_adviser_on, lodge, record_conversation, stay_in_review
from tests.conftest import make_member
from tests.programmes.factories import assign
from tests.relocations.factories import days_ago, membership_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(organisation, coordinator):
    return Case.objects.get(pk=stay_in_review(organisation, coordinator).case_id)


def test_the_case_team_sees_the_asylum_page(case, coordinator, sign_in_as):
    record_conversation(membership_of(coordinator), case)

    response = sign_in_as(coordinator).get(reverse("asylum:case", kwargs={"case_id": case.pk}))

    assert response.status_code == 200
    assert "I want to stay safe" in response.content.decode()
    viewed = AuditEvent.objects.get(event_type="asylum.records_viewed")
    assert viewed.object_id == str(case.pk) and not viewed.data


@pytest.mark.parametrize("role", [Role.HOST_PARTNER, Role.ANALYST, Role.AUDITOR])
def test_host_partners_analysts_and_auditors_see_none_of_it(
    case, coordinator, organisation, sign_in_as, role
):
    conversation = record_conversation(membership_of(coordinator), case)
    user = make_member(organisation, role, f"someone-{role}")
    client = sign_in_as(user)

    for url in (
        reverse("asylum:case", kwargs={"case_id": case.pk}),
        reverse("asylum:consent", kwargs={"case_id": case.pk}),
        reverse("asylum:opinion", kwargs={"case_id": case.pk}),
        reverse("asylum:procedure", kwargs={"case_id": case.pk}),
    ):
        assert client.get(url).status_code == 404
    withdraw = reverse("asylum:consent_withdraw", kwargs={"conversation_id": conversation.pk})
    assert client.post(withdraw).status_code == 404
    assert ConsentConversation.objects.get(pk=conversation.pk).withdrawn_at is None


def test_another_organisation_gets_404(case, outsider, sign_in_as):
    response = sign_in_as(outsider).get(reverse("asylum:case", kwargs={"case_id": case.pk}))
    assert response.status_code == 404


def test_an_unassigned_caseworker_cannot_reach_the_records(case, organisation):
    caseworker = membership_of(make_member(organisation, Role.CASEWORKER, "una.assigned"))
    with pytest.raises(Exception) as refused:
        selectors.asylum_case_get(membership=caseworker, case_id=case.pk)
    assert refused.value.__class__.__name__ in {"Http404", "CaseNotFoundError"}


def _consent_post(member_pk, **overrides):
    data = {
        "held_on": days_ago(1).isoformat(),
        "explained_by": str(member_pk),
        "explained": ["right_not_waivable", "independent_advice", "programme_policy"],
        "how_rights": "Said plainly that nothing signed takes the right away.",
        "language": "French",
        "interpreter": "",
        "decision": "advice_first",
        "wishes": "Speak to a lawyer before anything else.",
        "no_pressure": "on",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_recording_a_conversation_through_the_page(case, coordinator, sign_in_as):
    member = membership_of(coordinator)
    url = reverse("asylum:consent", kwargs={"case_id": case.pk})
    client = sign_in_as(coordinator)
    assert client.get(url).status_code == 200

    response = client.post(url, _consent_post(member.pk))

    assert response.status_code == 302
    assert ExplainedItem.objects.count() == 3


def test_a_conversation_without_the_attestation_is_shown_again_and_nothing_saved(
    case, coordinator, sign_in_as
):
    member = membership_of(coordinator)
    data = _consent_post(member.pk)
    del data["no_pressure"]

    response = sign_in_as(coordinator).post(
        reverse("asylum:consent", kwargs={"case_id": case.pk}), data
    )

    assert response.status_code == 400
    assert not ConsentConversation.objects.exists()


def _opinion_post(case, disagree_on=None, reasons="The governor controls the police."):
    assessment = Assessment.objects.filter(case=case).latest("recorded_at")
    with keyring_scope():
        elements = assessment.output["protection"]["elements"]
        outcome = assessment.output["protection"]["outcome"]
    data = {"overall": outcome, "overall_reasons": "Agree overall."}
    for name, element in elements.items():
        data[f"{name}__view"] = "agree"
        if name == disagree_on:
            data[f"{name}__view"] = "disagree"
            data[f"{name}__finding"] = "not_met" if element["finding"] != "not_met" else "met"
            data[f"{name}__reasons"] = reasons
    return data, next(iter(elements))


def test_a_disagreement_without_reasons_is_refused_on_the_page(case, organisation, sign_in_as):
    legal_user = make_member(organisation, Role.LEGAL_ADVISER, "lena.legal")
    legal_adviser_on(case, legal_user)
    _data, first = _opinion_post(case)
    data, _first = _opinion_post(case, disagree_on=first, reasons="")

    response = sign_in_as(legal_user).post(
        reverse("asylum:opinion", kwargs={"case_id": case.pk}), data
    )

    assert response.status_code == 400
    assert "A disagreement needs reasons." in response.content.decode()
    assert not LegalOpinion.objects.exists()


def test_the_caseworker_sees_the_divergence_on_the_case_page(case, organisation, client):
    legal_user = make_member(organisation, Role.LEGAL_ADVISER, "lena.legal")
    legal_adviser_on(case, legal_user)
    caseworker = make_member(organisation, Role.CASEWORKER, "cai.worker")
    legal_adviser_on(case, caseworker)
    _data, first = _opinion_post(case)
    data, _first = _opinion_post(case, disagree_on=first)
    from tests.conftest import sign_in

    sign_in(client, legal_user)
    assert (
        client.post(reverse("asylum:opinion", kwargs={"case_id": case.pk}), data).status_code == 302
    )
    client.logout()
    sign_in(client, caseworker)

    page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()

    assert "differs from the engine" in page
    assert reverse("asylum:case", kwargs={"case_id": case.pk}) in page


def test_the_case_page_shows_no_asylum_link_to_a_member_without_the_permission(
    case, organisation, client
):
    auditor = membership_of(make_member(organisation, Role.AUDITOR, "aud.itor"))
    assert panels_for("case", membership=auditor, case=case) == []


# --- Both regimes ------------------------------------------------------------------------------


def test_a_claim_and_its_final_outcome_move_the_regime_counts(case, coordinator):
    member = membership_of(coordinator)
    assert RegimeTally.objects.get(stay_side="in_stay", asylum_side="no_claim").cases == 1

    lodge(member, case)
    services.procedure_step_record(
        membership=member,
        case=case,
        step=services.StepInput(kind="final_outcome", happened_on=days_ago(1), outcome="refugee"),
    )

    counts = {(cell.stay_side, cell.asylum_side): cell.cases for cell in RegimeTally.objects.all()}
    assert counts[("in_stay", "no_claim")] == 0
    # Lodged in the stay's host state: the stay's outcome became "sought asylum" with the claim.
    assert counts[("sought_asylum", "claim_pending")] == 0
    assert counts[("sought_asylum", "recognised")] == 1


def test_a_returned_stay_counts_as_returned(organisation, coordinator):
    from tests.relocations.factories import returned_stay

    stay = returned_stay(organisation, coordinator)
    from haven.asylum.regimes import regime_refresh

    assert regime_refresh(Case.objects.get(pk=stay.case_id)).value == "returned"
    assert RegimeTally.objects.get(stay_side="returned", asylum_side="no_claim").cases == 1


def test_the_stays_outcome_moves_the_counts(case, coordinator):
    stay = case.stays.get()
    returns.outcome_record(
        membership=membership_of(coordinator), stay=stay, outcome="resettled", on=days_ago(1)
    )
    assert RegimeTally.objects.get(stay_side="resettled", asylum_side="no_claim").cases == 1


def test_the_regimes_report_is_suppressed_and_for_analysts(case, organisation, sign_in_as):
    analyst = make_member(organisation, Role.ANALYST, "ana.lyst")
    caseworker = make_member(organisation, Role.CASEWORKER, "cai.worker")

    page = sign_in_as(analyst).get(reverse("reports:regimes"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "How the two regimes meet" in text
    assert "&lt;5" in text  # one case in the stay: never shown as "1"
    assert sign_in_as(caseworker).get(reverse("reports:regimes")).status_code == 404


def test_the_rest_of_the_team_reaches_the_opinion_page_but_cannot_post(
    case, coordinator, sign_in_as
):
    url = reverse("asylum:opinion", kwargs={"case_id": case.pk})
    client = sign_in_as(coordinator)

    page = client.get(url)

    assert page.status_code == 200
    assert "Only a legal adviser gives a legal opinion." in page.content.decode()
    data, _first = _opinion_post(case)
    assert client.post(url, data).status_code == 404
    assert not LegalOpinion.objects.exists()


def test_a_final_outcome_shows_on_my_cases_for_the_case_team_only(case, coordinator, sign_in_as):
    """Issue 14 item 4 follow-up: recognised or refused shows beside the status on My cases."""
    member = membership_of(coordinator)
    lodge(member, case)
    caseworker = make_member(case.organisation, Role.CASEWORKER, "casey.worker")
    assign(case, caseworker)
    client = sign_in_as(caseworker)
    assert "final outcome" not in client.get("/").content.decode()

    services.procedure_step_record(
        membership=member,
        case=case,
        step=services.StepInput(kind="final_outcome", happened_on=days_ago(1), outcome="refused"),
    )

    page = client.get("/").content.decode()
    assert "Asylum, final outcome: Refused" in page
    auditor = membership_of(make_member(case.organisation, Role.AUDITOR, "aud.itor"))
    assert final_outcomes(membership=auditor, cases=[case]) == {}
