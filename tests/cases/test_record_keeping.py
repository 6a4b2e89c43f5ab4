"""
Issue 15, records part: withdrawing a consent with its reason, method and language; the staff
decision recorded after the engines' result; corrections that keep what a record said before.
Fictional people only.
"""

import datetime
import uuid

import pytest
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.errors import CaseError
from haven.cases.models import (
    Assessment,
    AssessmentDecision,
    Case,
    CaseStatus,
    Consent,
    RecordCorrection,
    Threat,
)
from haven.cases.requirements import REQUIREMENT_LABELS
from haven.cases.services import (
    assessment_decide,
    assessment_run,
    case_transition,
    consent_record,
    consent_withdraw,
    derived_requirements,
    record_correct,
    threat_record,
)
from haven.cases.services.lifecycle import MOVE_BLOCKED, NO_SUCH_MOVE
from haven.domain.lifecycle import Requirement
from tests.acting import acting
from tests.cases.factories import assigned_case, membership_of, tension_facts

pytestmark = pytest.mark.django_db

WITHDRAWAL_REASON = "canary-withdrawal: she fears the programme will share her file"
DECISION_REASONS = "canary-decision: the engines miss the raid of last week on her office"
CORRECTION_REASON = "canary-correction: the date was typed from the wrong letter"


def events(event_type):
    return AuditEvent.objects.filter(event_type=event_type)


def raw(table, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 (fixed names from the test)
        return " ".join(str(row[0]) for row in cursor.fetchall())


def a_consent(case, user, purpose="share_with_programme"):
    return consent_record(
        membership=acting(user),
        case=case,
        purpose=purpose,
        given_on=timezone.localdate(),
        scope="share the file with the fictional programme",
    )


def withdrawal_form(**overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "reason": WITHDRAWAL_REASON,
        "method": "phone",
        "language": "ar",
        "confirm": "on",
    }
    data.update(overrides)
    return data


# 1. Withdrawing a consent ---------------------------------------------------------------------


def test_withdrawing_asks_for_confirmation_and_keeps_reason_method_and_language_encrypted(
    organisation, caseworker, sign_in_as
):
    """The page asks first; the withdrawal keeps why, how and in which language, encrypted (VAULT)."""
    case = assigned_case(organisation, caseworker)
    consent = a_consent(case, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:consent_withdraw", kwargs={"consent_id": consent.pk})

    page = client.get(url).content.decode()
    unconfirmed = client.post(url, withdrawal_form(confirm=""))
    assert Consent.objects.get().withdrawn_at is None
    response = client.post(url, withdrawal_form())

    assert 'name="confirm"' in page and 'name="language"' in page and 'name="method"' in page
    assert unconfirmed.status_code == 200
    assert response.status_code == 302
    stored = Consent.objects.get()
    assert stored.withdrawn_at is not None
    assert stored.withdrawn_by == caseworker
    assert stored.withdrawal == {"reason": WITHDRAWAL_REASON, "method": "phone", "language": "ar"}
    assert "canary-withdrawal" not in raw("cases_consent", "withdrawal")
    event = events(EventType.CONSENT_WITHDRAWN).get()
    assert event.data == {"consent_id": str(consent.pk), "method": "phone"}
    case_page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    assert WITHDRAWAL_REASON in case_page
    assert "By phone" in case_page and "Arabic" in case_page


def test_a_withdrawal_without_a_reason_method_or_known_language_is_refused(
    organisation, caseworker
):
    """The service refuses a short reason, an unknown method or language; nothing is saved."""
    case = assigned_case(organisation, caseworker)
    consent = a_consent(case, caseworker)
    member = membership_of(caseworker, organisation)

    for reason, method, language in (
        ("too short", "phone", "es"),
        (WITHDRAWAL_REASON, "telepathy", "es"),
        (WITHDRAWAL_REASON, "phone", "xx-nowhere"),
    ):
        with pytest.raises(CaseError):
            consent_withdraw(
                membership=member, consent=consent, reason=reason, method=method, language=language
            )

    assert Consent.objects.get().withdrawn_at is None
    assert not events(EventType.CONSENT_WITHDRAWN).exists()


def test_a_withdrawn_consent_no_longer_meets_a_requirement(organisation, caseworker):
    """Consent to share with a programme stops counting once withdrawn."""
    case = assigned_case(organisation, caseworker)
    consent = a_consent(case, caseworker)
    assert "consent_to_share_with_programme" in derived_requirements(case)

    consent_withdraw(
        membership=membership_of(caseworker, organisation),
        consent=consent,
        reason=WITHDRAWAL_REASON,
        method="in_person",
        language="fr",
    )

    assert "consent_to_share_with_programme" not in derived_requirements(case)


def test_a_member_who_may_not_see_the_case_cannot_withdraw(organisation, coordinator, outsider):
    """Another organisation's coordinator is answered as if the consent did not exist (AZ-02)."""
    case = assigned_case(organisation, coordinator)
    consent = a_consent(case, coordinator)

    with pytest.raises(Http404):
        consent_withdraw(
            membership=acting(outsider),
            consent=consent,
            reason=WITHDRAWAL_REASON,
            method="phone",
            language="es",
        )
    assert Consent.objects.get().withdrawn_at is None


# 2. The staff decision after the engines' result -------------------------------------------------


def test_the_engines_run_without_a_staff_decision_and_the_decision_is_recorded_after(
    organisation, caseworker, sign_in_as
):
    """The run form asks no staff level; the result page takes the decision beside the advice."""
    case = assigned_case(organisation, caseworker, facts=tension_facts())
    client = sign_in_as(caseworker)
    run_page = client.get(reverse("cases:assessment_new", kwargs={"case_id": case.pk}))
    client.post(
        reverse("cases:assessment_new", kwargs={"case_id": case.pk}),
        {"submission_token": str(uuid.uuid4()), "defender_risk_level": ""},
    )
    assessment = Assessment.objects.get()
    url = reverse("cases:assessment", kwargs={"assessment_id": assessment.pk})
    before = client.get(url).content.decode()

    response = client.post(
        reverse("cases:assessment_decide", kwargs={"assessment_id": assessment.pk}),
        {
            "submission_token": str(uuid.uuid4()),
            "staff_risk_level": "critical",
            "reasons": DECISION_REASONS,
        },
    )

    assert 'name="staff_risk_level"' not in run_page.content.decode()
    assert assessment.staff_risk_level is None
    assert "No decision yet" in before and 'name="reasons"' in before
    assert response.status_code == 302
    decision = AssessmentDecision.objects.get()
    assert decision.engine_version == assessment.engine_version
    assert decision.engine_risk_level == assessment.output["risk"]["level"]
    assert decision.staff_risk_level == "critical" and decision.reasons == DECISION_REASONS
    assert Assessment.objects.get().staff_risk_level == "critical"
    assert "canary-decision" not in raw("cases_assessmentdecision", "reasons")
    event = events(EventType.ASSESSMENT_DECIDED).get()
    assert event.data["engine_version"] == assessment.engine_version
    assert event.data["follows_engine"] is (decision.engine_risk_level == "critical")
    assert "canary" not in str(event.data)
    after = client.get(url).content.decode()
    assert DECISION_REASONS in after and "The engines advised" in after


def test_the_case_moves_on_from_assessment_only_after_a_decision(organisation, caseworker):
    """Risk assessment to pathway planning needs a decision on the latest assessment."""
    case = assigned_case(organisation, caseworker, facts=tension_facts())
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ASSESSMENT)
    case.refresh_from_db()
    member = membership_of(caseworker, organisation)
    assessment = assessment_run(membership=member, case=case)

    with pytest.raises(CaseError):
        case_transition(membership=member, case=case, target="pathway_planning", confirmed=[])
    assessment_decide(
        membership=member, assessment=assessment, staff_risk_level="high", reasons=DECISION_REASONS
    )
    case_transition(membership=member, case=case, target="pathway_planning", confirmed=[])

    assert Case.objects.get(pk=case.pk).status == CaseStatus.PATHWAY_PLANNING


def test_a_refused_move_reads_in_the_language_of_whoever_reads_it(organisation, caseworker):
    """
    A move refused in English reads in Spanish when a Spanish reader reads it: the statuses and
    what is missing are labels translated then, not the lifecycle machine's English and codes.
    """
    case = assigned_case(organisation, caseworker)
    member = membership_of(caseworker, organisation)

    with translation.override("en"):
        with pytest.raises(CaseError) as blocked:
            case_transition(membership=member, case=case, target="screening", confirmed=[])
        with pytest.raises(CaseError) as impossible:
            case_transition(membership=member, case=case, target="in_relocation", confirmed=[])
    with translation.override("es"):
        needs = str(REQUIREMENT_LABELS[Requirement.CONSENT_TO_PROCESSING_RECORDED])
        expected_blocked = str(MOVE_BLOCKED) % {
            "source": "Recepción",
            "target": "Evaluación preliminar",
            "needs": needs,
        }
        expected_impossible = str(NO_SUCH_MOVE) % {
            "source": "Recepción",
            "target": "En reubicación",
        }
        read = (str(blocked.value), str(impossible.value))

    assert read == (expected_blocked, expected_impossible)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.INTAKE


def test_a_decision_is_taken_on_the_latest_assessment_and_a_new_one_supersedes_it(
    organisation, caseworker
):
    """An older assessment takes no decision; two decisions on the latest are both kept."""
    case = assigned_case(organisation, caseworker, facts=tension_facts())
    member = membership_of(caseworker, organisation)
    older = assessment_run(membership=member, case=case)
    latest = assessment_run(membership=member, case=case)

    with pytest.raises(CaseError):
        assessment_decide(
            membership=member, assessment=older, staff_risk_level="low", reasons=DECISION_REASONS
        )
    with pytest.raises(CaseError):
        assessment_decide(
            membership=member, assessment=latest, staff_risk_level="high", reasons="short"
        )
    assessment_decide(
        membership=member, assessment=latest, staff_risk_level="high", reasons=DECISION_REASONS
    )
    assessment_decide(
        membership=member, assessment=latest, staff_risk_level="medium", reasons=DECISION_REASONS
    )

    assert AssessmentDecision.objects.filter(assessment=latest).count() == 2
    assert Assessment.objects.get(pk=latest.pk).staff_risk_level == "medium"
    assert events(EventType.ASSESSMENT_DECIDED).count() == 2


def test_an_auditor_cannot_record_a_decision(organisation, caseworker, personas, sign_in_as):
    """The decision is a POST behind CASE_EDIT: an auditor gets 404 and nothing is saved."""
    case = assigned_case(organisation, caseworker, facts=tension_facts())
    assessment = assessment_run(membership=membership_of(caseworker, organisation), case=case)
    client = sign_in_as(personas["auditor"])

    response = client.post(
        reverse("cases:assessment_decide", kwargs={"assessment_id": assessment.pk}),
        {
            "submission_token": str(uuid.uuid4()),
            "staff_risk_level": "low",
            "reasons": DECISION_REASONS,
        },
    )

    assert response.status_code == 404
    assert not AssessmentDecision.objects.exists()


# 3. Corrections keep history -------------------------------------------------------------------


def a_threat(case, user):
    return threat_record(
        membership=membership_of(user, case.organisation),
        case=case,
        details={"date": "2026-03-02", "kind": "death_threat", "actor": "paramilitary"},
        narrative="canary-threat: a car waited outside the fictional office",
    )


def test_correcting_a_threat_keeps_what_it_said_who_when_and_why(
    organisation, caseworker, sign_in_as
):
    """The threat says the corrected thing; the correction keeps the old one, encrypted, audited."""
    case = assigned_case(organisation, caseworker)
    threat = a_threat(case, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:record_correct", kwargs={"kind": "threat", "record_id": threat.pk})

    form_page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "submission_token": str(uuid.uuid4()),
            "date": "2026-03-12",
            "kind": "death_threat",
            "actor": "paramilitary",
            "narrative": "canary-threat: a car waited outside the fictional office",
            "correction_reason": CORRECTION_REASON,
        },
    )

    assert 'value="2026-03-02"' in form_page
    assert response.status_code == 302
    corrected = Threat.objects.get()
    assert corrected.details["date"] == "2026-03-12"
    correction = RecordCorrection.objects.get()
    assert correction.previous["details"]["date"] == "2026-03-02"
    assert correction.recorded_by == caseworker and correction.reason == CORRECTION_REASON
    assert "canary" not in raw("cases_recordcorrection", "previous")
    assert "canary" not in raw("cases_recordcorrection", "reason")
    event = events(EventType.RECORD_CORRECTED).get()
    assert event.data == {
        "record": "threat",
        "record_id": str(threat.pk),
        "correction_id": str(correction.pk),
    }
    history = client.get(url).content.decode()
    assert CORRECTION_REASON in history
    case_page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    assert CORRECTION_REASON in case_page


def test_a_correction_without_change_reason_or_valid_facts_is_refused(organisation, caseworker):
    """No change, a short reason, or a threat dated in the future: refused, nothing saved."""
    case = assigned_case(organisation, caseworker)
    threat = a_threat(case, caseworker)
    member = membership_of(caseworker, organisation)
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

    for details, reason in (
        (threat.details, CORRECTION_REASON),
        ({**threat.details, "actor": "police"}, "short"),
        ({**threat.details, "date": future}, CORRECTION_REASON),
    ):
        with pytest.raises(CaseError):
            record_correct(
                membership=member,
                case=case,
                kind="threat",
                record_id=threat.pk,
                details=details,
                narrative=threat.narrative,
                reason=reason,
            )

    assert Threat.objects.get().details == threat.details
    assert not RecordCorrection.objects.exists()


def test_a_consent_is_corrected_but_a_withdrawn_one_is_final(organisation, caseworker):
    """A consent's date or scope can be corrected until it is withdrawn."""
    case = assigned_case(organisation, caseworker)
    consent = a_consent(case, caseworker)
    member = membership_of(caseworker, organisation)
    corrected = {**consent.details, "scope": "share only the summary with the programme"}

    record_correct(
        membership=member,
        case=case,
        kind="consent",
        record_id=consent.pk,
        details=corrected,
        reason=CORRECTION_REASON,
    )
    consent_withdraw(
        membership=member,
        consent=Consent.objects.get(),
        reason=WITHDRAWAL_REASON,
        method="secure_message",
        language="es",
    )
    with pytest.raises(CaseError):
        record_correct(
            membership=member,
            case=case,
            kind="consent",
            record_id=consent.pk,
            details={**corrected, "scope": "everything"},
            reason=CORRECTION_REASON,
        )

    assert Consent.objects.get().details["scope"] == "share only the summary with the programme"
    assert RecordCorrection.objects.count() == 1


def test_a_record_of_another_organisation_or_an_unknown_kind_is_not_found(
    organisation, caseworker, outsider, sign_in_as
):
    """The correction page answers 404 to an outsider and to a kind that is not a record."""
    case = assigned_case(organisation, caseworker)
    threat = a_threat(case, caseworker)
    outside = sign_in_as(outsider)

    foreign = outside.get(
        reverse("cases:record_correct", kwargs={"kind": "threat", "record_id": threat.pk})
    )
    wrong_kind = sign_in_as(caseworker).get(
        reverse("cases:record_correct", kwargs={"kind": "note", "record_id": threat.pk})
    )

    assert foreign.status_code == 404 and wrong_kind.status_code == 404
    with pytest.raises(Http404):
        record_correct(
            membership=acting(outsider),
            case=case,
            kind="threat",
            record_id=threat.pk,
            details={**threat.details, "actor": "police"},
            reason=CORRECTION_REASON,
        )


def test_a_consent_records_how_and_in_which_language_it_was_given(
    organisation, caseworker, sign_in_as
):
    """The consent form asks the method and language; a correction keeps them; both encrypted."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)

    missing = client.post(
        reverse("cases:consent_add", kwargs={"case_id": case.pk}),
        {
            "submission_token": str(uuid.uuid4()),
            "purpose": "processing",
            "given_on": "2026-01-05",
            "scope": "processing for protection",
        },
    )
    client.post(
        reverse("cases:consent_add", kwargs={"case_id": case.pk}),
        {
            "submission_token": str(uuid.uuid4()),
            "purpose": "processing",
            "given_on": "2026-01-05",
            "scope": "processing for protection",
            "method": "in_person",
            "language": "es",
        },
    )
    consent = Consent.objects.get()
    record_correct(
        membership=membership_of(caseworker, organisation),
        case=case,
        kind="consent",
        record_id=consent.pk,
        details={"purpose": "processing", "given_on": "2026-01-06", "scope": "processing"},
        reason=CORRECTION_REASON,
    )

    assert missing.status_code == 200, "method and language are asked for"
    details = Consent.objects.get().details
    assert details["method"] == "in_person" and details["language"] == "es"
    assert details["given_on"] == "2026-01-06"
    assert "in_person" not in raw("cases_consent", "details")
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    assert "In person" in page and "Spanish" in page
