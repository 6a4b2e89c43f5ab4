"""
The cases workspace through its views: intake, threats, reveal, need-to-know, break-glass,
assessments, files, lifecycle moves, and what bad input leaves behind (nothing).
"""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from haven.accounts.acting import SYSTEM
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import (
    Assessment,
    Assignment,
    Attachment,
    BreakGlassGrant,
    Case,
    CaseStatus,
    Consent,
    Notification,
    Threat,
)
from haven.cases.services import consent_record, threat_record
from haven.cases.vocabulary import term
from haven.domain.protection import ELEMENT_QUESTIONS
from haven.organisations.models import Role
from tests.acting import acting
from tests.cases.factories import (
    CANARY_ADDRESS,
    CANARY_NAME,
    CANARY_PHONE,
    assigned_case,
    membership_of,
    tension_facts,
)
from tests.conftest import make_member
from tests.uploads.evidence_files import jpeg_with_gps

pytestmark = pytest.mark.django_db


def without_tokens(response):
    """The page with its per-response nonce, CSRF tokens and requested id blanked out."""
    text = response.content.decode()
    text = re.sub(r'nonce="[^"]*"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", text)
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "", text)  # the requested id, in the "next" field
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def events(event_type):
    return AuditEvent.objects.filter(event_type=event_type)


def intake_data(**overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "legal_name": CANARY_NAME,
        "other_names": "Zeph\nZ. Canarywood",
        "birth_date": "1987-03-14",
        "phone": CANARY_PHONE,
        "email": "",
        "document_number": "",
        "address": CANARY_ADDRESS,
        "urgency": "priority",
        "nationalities": "CO",
        "current_country": "CO",
        "own_risk_level": "high",
        "profiles": ["land"],
        "activities": ["land_and_environment"],
        "consent_to_processing": "on",
        "consent_scope": "processing for protection and relocation planning",
    }
    data.update(overrides)
    return data


def test_intake_opens_an_assigned_case_with_consent_and_no_name_on_the_page(
    organisation, caseworker, sign_in_as
):
    """A caseworker takes in a defender; the case page shows the code, never the name (AZ-04)."""
    client = sign_in_as(caseworker)

    response = client.post(reverse("cases:intake"), intake_data())

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"case_id": case.pk})
    assert case.urgency == "priority" and case.status == CaseStatus.INTAKE
    assert Assignment.objects.filter(case=case, membership__user=caseworker).exists()
    assert Consent.objects.filter(case=case).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert case.code in page
    for canary in (CANARY_NAME, CANARY_PHONE, CANARY_ADDRESS):
        assert canary not in page


def test_a_double_submitted_intake_is_saved_once(organisation, caseworker, sign_in_as):
    """The same intake form sent twice opens one case and says so the second time."""
    client = sign_in_as(caseworker)
    data = intake_data()

    client.post(reverse("cases:intake"), data)
    second = client.post(reverse("cases:intake"), data, follow=True)

    assert Case.objects.count() == 1
    assert "already sent" in second.content.decode()


def test_a_field_too_long_is_refused_and_nothing_is_saved(organisation, caseworker, sign_in_as):
    """A legal name over 300 characters re-shows the form with a message; no row is written."""
    client = sign_in_as(caseworker)

    response = client.post(reverse("cases:intake"), intake_data(legal_name="x" * 301))

    assert response.status_code == 200
    assert "at most 300 characters" in response.content.decode()
    assert Case.objects.count() == 0
    assert events(EventType.CASE_OPENED).count() == 0


def test_an_unknown_country_name_is_refused_with_its_field(organisation, caseworker, sign_in_as):
    """A nationality that names no country is quoted back in the message; nothing is saved."""
    client = sign_in_as(caseworker)

    response = client.post(reverse("cases:intake"), intake_data(nationalities="Atlantis"))

    assert response.status_code == 200
    assert "We do not know a country called “Atlantis”" in response.content.decode()
    assert Case.objects.count() == 0


def test_countries_are_typed_by_name_in_the_readers_language(organisation, caseworker, sign_in_as):
    """Names in Spanish, without accents or capitals, and plain codes all become ISO codes."""
    client = sign_in_as(caseworker)
    client.cookies["django_language"] = "es"

    response = client.post(
        reverse("cases:intake"),
        intake_data(nationalities="colombia; Peru; VE", current_country="Mexico"),
    )

    assert response.status_code == 302
    defender = Case.objects.get().facts["defender"]
    assert defender["nationalities"] == ["CO", "PE", "VE"]
    assert defender["current_country"] == "MX"


def test_logging_a_threat_encrypts_it_and_puts_it_on_the_timeline(
    organisation, caseworker, sign_in_as
):
    """A threat with a narrative is stored encrypted and shown on the case's timeline."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    narrative = "canary-threat: a car waited outside the fictional office"

    response = client.post(
        reverse("cases:threat_add", kwargs={"case_id": case.pk}),
        {
            "date": "2026-10-02",
            "kind": "death_threat",
            "actor": "paramilitary",
            "linked_to_work": "true",
            "directed_at": "defender",
            "ongoing": "unknown",
            "narrative": narrative,
            "submission_token": str(uuid.uuid4()),
        },
    )

    threat = Threat.objects.get()
    assert response.status_code == 302
    assert threat.details == {
        "date": "2026-10-02",
        "kind": "death_threat",
        "actor": "paramilitary",
        "linked_to_work": True,
        "directed_at": "defender",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative, details FROM cases_threat")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert "canary-threat" not in stored and "death_threat" not in stored
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    assert narrative in page and "Death threat" in page and "death_threat" not in page
    assert events(EventType.THREAT_RECORDED).count() == 1


def test_a_past_threat_dated_in_the_future_is_refused(organisation, caseworker, sign_in_as):
    """A threat dated tomorrow is refused with a clear message and not saved."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = client.post(
        reverse("cases:threat_add", kwargs={"case_id": case.pk}),
        {"date": tomorrow, "kind": "raid", "submission_token": str(uuid.uuid4())},
    )

    assert response.status_code == 200
    assert "in the future" in response.content.decode()
    assert Threat.objects.count() == 0


def test_a_semantic_problem_in_the_facts_is_refused_with_its_path(organisation, caseworker):
    """An authority response without a report fails the engines' checks; nothing is saved."""
    case = assigned_case(organisation, caseworker)

    with pytest.raises(Exception, match=r"authority_response"):
        threat_record(
            membership=acting(caseworker),
            case=case,
            details={
                "kind": "raid",
                "reported_to_authorities": False,
                "authority_response": "hostile",
            },
        )

    assert Threat.objects.count() == 0


def test_reveal_needs_a_reason_and_shows_the_identity_once(organisation, caseworker, sign_in_as):
    """Revealing asks for a reason, records it encrypted with an audit event, and shows the name only in that response (AZ-04, AUD-01)."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:reveal", kwargs={"case_id": case.pk})

    too_short = client.post(url, {"reason": "need"})
    revealed = client.post(url, {"reason": "Booking the flight needs the passport name"})
    afterwards = client.get(reverse("cases:detail", kwargs={"case_id": case.pk}))

    assert CANARY_NAME not in too_short.content.decode()
    assert CANARY_NAME in revealed.content.decode()
    assert CANARY_NAME not in afterwards.content.decode()
    event = events(EventType.IDENTITY_REVEALED).get()
    assert "passport" not in str(event.data)


def test_an_unassigned_caseworker_gets_404_then_breaks_glass(
    organisation, coordinator, caseworker, sign_in_as
):
    """An unassigned caseworker is refused with 404 (AZ-03); break-glass with a reason lets them in, is audited and notifies the coordinators."""
    case = assigned_case(organisation, coordinator)
    client = sign_in_as(caseworker)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})

    refused = client.get(url)
    granted = client.post(
        reverse("cases:break_glass"),
        {"code": case.code.lower(), "reason": "The defender called the hotline in danger"},
    )
    allowed = client.get(url)

    assert refused.status_code == 404
    assert granted.status_code == 302 and granted["Location"] == url
    assert allowed.status_code == 200
    assert "emergency access" in allowed.content.decode()
    grant = BreakGlassGrant.objects.get()
    assert grant.expires_at > timezone.now()
    assert events(EventType.BREAK_GLASS).get().data["outcome"] == "granted"
    notification = Notification.objects.get()
    assert notification.recipient == membership_of(coordinator, organisation)


def test_break_glass_with_an_unknown_code_says_so_and_is_audited(
    organisation, caseworker, sign_in_as
):
    """A code that matches nothing gets a plain message and still leaves an audit event."""
    client = sign_in_as(caseworker)

    response = client.post(
        reverse("cases:break_glass"), {"code": "HV-NOPE00", "reason": "Checking a code I was given"}
    )

    assert "no open case with that code" in response.content.decode()
    assert events(EventType.BREAK_GLASS).get().data["outcome"] == "no_such_case"
    assert BreakGlassGrant.objects.count() == 0


def test_removing_an_assignment_takes_effect_on_the_next_request(
    organisation, coordinator, caseworker, sign_in_as
):
    """A caseworker taken off a case gets 404 on their very next request (AZ-03)."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    before = client.get(url)

    Assignment.objects.filter(case=case).delete()

    assert before.status_code == 200
    assert client.get(url).status_code == 404


def test_a_forged_id_and_another_organisations_case_look_the_same(
    organisation, other_organisation, coordinator, outsider, sign_in_as
):
    """A made-up case id and a real case of another organisation give the same 404 page."""
    case = assigned_case(organisation, coordinator)
    client = sign_in_as(outsider)

    real = client.get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    forged = client.get(reverse("cases:detail", kwargs={"case_id": uuid.uuid4()}))

    assert real.status_code == forged.status_code == 404
    assert without_tokens(real) == without_tokens(forged)


def test_an_auditor_cannot_open_cases(organisation, personas, sign_in_as):
    """Roles without the case permissions get 404 on the case list (AZ-01)."""
    client = sign_in_as(personas[Role.AUDITOR])

    assert client.get(reverse("cases:list")).status_code == 404


def test_an_assessment_records_input_output_version_and_shows_the_tension(
    organisation, caseworker, sign_in_as
):
    """Running an assessment stores facts, output and engine version with both views, and the page shows the tension and its actions."""
    case = assigned_case(organisation, caseworker, facts=tension_facts())
    client = sign_in_as(caseworker)

    response = client.post(
        reverse("cases:assessment_new", kwargs={"case_id": case.pk}),
        {
            "submission_token": str(uuid.uuid4()),
            "defender_risk_level": "critical",
        },
        follow=True,
    )

    assessment = Assessment.objects.get()
    page = response.content.decode()
    assert assessment.engine_version == assessment.output["engine_version"]
    assert assessment.facts_input["defender"]["own_risk_level"] == "critical"
    assert len(assessment.facts_input["threats"]) == 2
    assert assessment.output["tension"]["flag"] is True
    assert assessment.views_diverge is True
    assert Case.objects.get(pk=case.pk).risk_views_diverge is True
    assert "Tension between the two regimes" in page
    assert assessment.output["tension"]["actions"][0][:40] in page
    assert "A well-founded fear" in page
    table = page[page.index('id="protection"') :]
    shown = [table.index(f"<strong>{escape(term(name))}</strong>") for name in ELEMENT_QUESTIONS]
    assert shown == sorted(shown), (
        "protection elements follow the legal order, outside country first"
    )


def test_lifecycle_moves_need_their_requirements(organisation, caseworker, sign_in_as):
    """Intake to screening is refused without recorded consent and allowed once it is recorded; a second identical move is refused."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:transition", kwargs={"case_id": case.pk})

    refused = client.post(url, {"target": "screening"}, follow=True)
    consent_record(
        membership=acting(caseworker),
        case=case,
        purpose="processing",
        given_on=timezone.localdate(),
        scope="processing for protection",
    )
    client.post(url, {"target": "screening"})
    again = client.post(url, {"target": "screening"}, follow=True)

    assert "consent to the processing" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SCREENING
    assert "cannot move from Screening to Screening" in again.content.decode()
    assert events(EventType.CASE_STATUS_CHANGED).count() == 1


def test_an_upload_that_lies_about_its_type_is_refused_and_recorded(
    organisation, caseworker, sign_in_as
):
    """HTML named .jpg is refused with the reason, nothing is stored, and the refusal is audited (UPL-02)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)

    response = client.post(
        reverse("cases:attachment_add", kwargs={"case_id": case.pk}),
        {"file": SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>")},
        follow=True,
    )

    assert Attachment.objects.count() == 0
    assert events(EventType.ATTACHMENT_REJECTED).count() == 1
    assert "photo.jpg" not in str(events(EventType.ATTACHMENT_REJECTED).get().data)
    assert "not" in response.content.decode().lower()


def test_a_photo_is_stored_encrypted_without_gps_and_downloaded_as_an_attachment(
    organisation, caseworker, sign_in_as
):
    """A JPEG with GPS is cleaned, stored encrypted, and sent back with attachment headers (UPL-04..06)."""
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    original = jpeg_with_gps()

    client.post(
        reverse("cases:attachment_add", kwargs={"case_id": case.pk}),
        {"file": SimpleUploadedFile("evidence.jpg", original)},
    )
    attachment = Attachment.objects.get()
    download = client.get(reverse("cases:attachment", kwargs={"attachment_id": attachment.pk}))

    with default_storage.open(attachment.storage_name, "rb") as stored:
        assert not stored.read().startswith(b"\xff\xd8")
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Security-Policy"].startswith("sandbox")
    import io

    image = Image.open(io.BytesIO(download.content))
    assert 0x8825 not in image.getexif()  # no GPS block
    assert events(EventType.ATTACHMENT_DOWNLOADED).count() == 1


def test_a_facts_section_is_edited_and_checked(organisation, caseworker, sign_in_as):
    """The context section saves a country typed by name and refuses a name that is no country."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:facts_section", kwargs={"case_id": case.pk, "section": "context"})

    bad = client.post(url, {"country": "Narnia"})
    good = client.post(
        url, {"country": "Colombia", "civic_space": "repressed", "armed_conflict": "true"}
    )

    assert bad.status_code == 200
    assert "We do not know a country called “Narnia”" in bad.content.decode()
    assert good.status_code == 302
    assert Case.objects.get(pk=case.pk).facts["context"] == {
        "country": "CO",
        "civic_space": "repressed",
        "armed_conflict": True,
    }


def test_blind_index_search_is_a_post_and_finds_only_visible_cases(
    organisation, coordinator, caseworker, sign_in_as
):
    """Exact search by phone finds the caseworker's case but not a colleague's unassigned one (WEB-05, AZ-03)."""
    mine = assigned_case(organisation, caseworker, suffix=" A")
    other = assigned_case(organisation, coordinator, suffix=" B")
    client = sign_in_as(caseworker)

    response = client.post(reverse("cases:list"), {"field": "phone", "value": CANARY_PHONE})

    page = response.content.decode()
    assert mine.code in page
    assert other.code not in page
    assert CANARY_PHONE not in response.request["PATH_INFO"]


def test_the_dashboard_lists_divergent_cases_first(organisation, caseworker, sign_in_as):
    """My cases puts a case whose risk views diverge above a more urgent one without divergence."""
    calm = assigned_case(organisation, caseworker, suffix=" calm")
    Case.objects.filter(pk=calm.pk).update(urgency="emergency", urgency_rank=0)
    divergent = assigned_case(organisation, caseworker, suffix=" divergent")
    Case.objects.filter(pk=divergent.pk).update(risk_views_diverge=True)
    client = sign_in_as(caseworker)

    page = client.get(reverse("web:dashboard")).content.decode()

    assert page.index(divergent.code) < page.index(calm.code)


def test_legal_advisers_see_only_assigned_cases_but_coordinators_see_all(organisation, coordinator):
    """The object rule and the SQL filter agree for every role (AZ-03)."""
    from haven.cases.selectors import visible_cases
    from haven.organisations.policy import Permission, may

    adviser = make_member(organisation, Role.LEGAL_ADVISER, "lee.adviser")
    case = assigned_case(organisation, coordinator)
    for user, expected in ((adviser, False), (coordinator, True)):
        membership = membership_of(user, organisation)
        assert may(membership, Permission.CASE_VIEW, case) is expected
        assert visible_cases(membership=membership).filter(pk=case.pk).exists() is expected


def test_a_coordinator_assigns_and_unassigns_a_caseworker(
    organisation, coordinator, caseworker, sign_in_as
):
    """Assignment and its removal go through the case page's forms, each with its audit event."""
    case = assigned_case(organisation, coordinator)
    client = sign_in_as(coordinator)
    member = membership_of(caseworker, organisation)

    client.post(reverse("cases:assign", kwargs={"case_id": case.pk}), {"membership": member.pk})
    assigned = Assignment.objects.filter(case=case, membership=member).exists()
    client.post(reverse("cases:unassign", kwargs={"case_id": case.pk}), {"membership": member.pk})

    assert assigned
    assert not Assignment.objects.filter(case=case, membership=member).exists()
    assert events(EventType.CASE_UNASSIGNED).count() == 1


def test_a_caseworker_cannot_assign(organisation, coordinator, caseworker, sign_in_as):
    """Assigning needs the coordinator's permission: a caseworker gets 404 and nothing changes."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    colleague = make_member(organisation, Role.CASEWORKER, "cam.colleague")

    response = client.post(
        reverse("cases:assign", kwargs={"case_id": case.pk}),
        {"membership": membership_of(colleague, organisation).pk},
    )

    assert response.status_code == 404
    assert Assignment.objects.filter(case=case).count() == 1


def test_a_consent_is_withdrawn_once(organisation, caseworker, sign_in_as):
    """A consent is marked withdrawn (kept on record); withdrawing again says it already was."""
    case = assigned_case(organisation, caseworker)
    consent = consent_record(
        membership=acting(caseworker),
        case=case,
        purpose="share_with_programme",
        given_on=timezone.localdate(),
        scope="share with the programme",
    )
    client = sign_in_as(caseworker)
    url = reverse("cases:consent_withdraw", kwargs={"consent_id": consent.pk})

    def withdrawal():
        return {
            "submission_token": str(uuid.uuid4()),
            "reason": "The defender no longer wants to be nominated.",
            "method": "phone",
            "language": "es",
            "confirm": "on",
        }

    client.post(url, withdrawal())
    again = client.post(url, withdrawal(), follow=True)

    assert Consent.objects.get().withdrawn_at is not None
    assert "already withdrawn" in again.content.decode()
    assert events(EventType.CONSENT_WITHDRAWN).count() == 1


def test_prosecutions_and_dependants_are_recorded_and_reach_the_engines(
    organisation, caseworker, sign_in_as
):
    """Prosecution and dependant forms store rows that the facts document then carries."""
    from haven.cases.selectors import case_facts

    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)

    client.post(
        reverse("cases:prosecution_add", kwargs={"case_id": case.pk}),
        {
            "charge": "foreign_agent",
            "stage": "charged",
            "max_penalty_years": "8",
            "submission_token": str(uuid.uuid4()),
        },
    )
    client.post(
        reverse("cases:dependant_add", kwargs={"case_id": case.pk}),
        {
            "relation": "child",
            "age": "9",
            "would_accompany": "true",
            "submission_token": str(uuid.uuid4()),
        },
    )

    facts = case_facts(membership=SYSTEM, case=Case.objects.get(pk=case.pk))
    assert facts["prosecutions"] == [
        {"charge": "foreign_agent", "stage": "charged", "max_penalty_years": 8.0}
    ]
    assert facts["defender"]["dependants"] == [
        {"relation": "child", "age": 9, "would_accompany": True}
    ]


def test_a_nested_claim_section_is_saved(organisation, caseworker, sign_in_as):
    """The claim form flattens nested objects (sur place) and saves them nested again."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)

    client.post(
        reverse("cases:facts_section", kwargs={"case_id": case.pk, "section": "claim"}),
        {
            "jurisdiction": "UK",
            "grounds": ["political_opinion"],
            "sur_place__activities_abroad": "true",
            "sur_place__known_to_persecutor": "unknown",
        },
    )

    assert Case.objects.get(pk=case.pk).facts["claim"] == {
        "jurisdiction": "UK",
        "grounds": ["political_opinion"],
        "sur_place": {"activities_abroad": True},
    }


def test_coordinators_mark_notifications_read(organisation, coordinator, caseworker, sign_in_as):
    """A break-glass notification shows on the coordinator's dashboard until marked read."""
    from haven.cases.services import break_glass_open

    case = assigned_case(organisation, coordinator)
    break_glass_open(
        membership=membership_of(caseworker, organisation),
        code=case.code,
        reason="The defender is in danger tonight",
    )
    client = sign_in_as(coordinator)

    before = client.get(reverse("web:dashboard")).content.decode()
    client.post(reverse("cases:notifications_read"))
    after = client.get(reverse("web:dashboard")).content.decode()

    assert "used emergency access" in before
    assert "used emergency access" not in after


def test_a_threat_sent_twice_is_logged_once(organisation, caseworker, sign_in_as):
    """The same threat form sent twice (a double click) saves one threat and says so."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    data = {"kind": "raid", "date": "2026-10-01", "submission_token": str(uuid.uuid4())}
    url = reverse("cases:threat_add", kwargs={"case_id": case.pk})

    client.post(url, data)
    second = client.post(url, data, follow=True)

    assert Threat.objects.count() == 1
    assert "already sent" in second.content.decode()
