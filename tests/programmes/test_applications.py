"""Applications: eligibility on record, informed consent before submission, the status machine."""

import pytest
from django.http import Http404

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.services import case_update
from haven.domain.version import engine_version
from haven.programmes.models import Application, ApplicationRoute
from haven.programmes.selectors import persecutor_reach
from haven.programmes.services import (
    ProgrammeError,
    application_change_status,
    application_check_eligibility,
    application_create,
    application_record_consent,
    persecutor_reach_set,
)
from haven.vault.keyring import keyring_scope
from tests.acting import acting
from tests.programmes.factories import (
    assign,
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)
from tests.programmes.fictional_facts import fictional_facts
from tests.vault.test_fields import raw_column


def start(actor, case, programme, **kwargs):
    return application_create(
        membership=acting(actor),
        case=case,
        programme=programme,
        route=ApplicationRoute.NOMINATED,
        **kwargs,
    )


def test_a_draft_carries_the_engines_verdict_with_reasons_and_version(organisation, caseworker):
    """The eligibility snapshot keeps verdict, every reason and the engine version."""
    case = open_fictional_case(organisation, caseworker)

    application = start(caseworker, case, make_programme(organisation))

    with keyring_scope():
        snapshot = Application.objects.get(pk=application.pk).eligibility
    assert snapshot["verdict"] == "eligible"
    assert "Works in en (languages_required)." in snapshot["reasons"]
    assert snapshot["engine_version"] == engine_version()
    assert application.status == "draft"
    assert application.nominated_by == caseworker


def test_a_failed_rule_gives_not_eligible_with_its_reason(organisation, caseworker):
    """A programme needing a language the defender lacks is not eligible, and says which rule."""
    case = open_fictional_case(organisation, caseworker, languages=["es"])

    application = start(caseworker, case, make_programme(organisation, languages_required=["en"]))

    with keyring_scope():
        snapshot = Application.objects.get(pk=application.pk).eligibility
    assert snapshot["verdict"] == "not_eligible"
    assert any("languages_required" in reason for reason in snapshot["reasons"])


def test_the_eligibility_snapshot_is_encrypted_at_rest(organisation, caseworker):
    """The reasons quote case facts, so the column holds ciphertext, not the words (CRY-01)."""
    case = open_fictional_case(organisation, caseworker)
    application = start(caseworker, case, make_programme(organisation))

    stored = raw_column("programmes_application", "eligibility", application.pk)

    assert stored
    assert b"languages_required" not in bytes(stored)


def test_submission_needs_recorded_consent(organisation, caseworker):
    """Without informed consent a draft cannot be submitted, and stays a draft with no event."""
    application = start(
        caseworker, open_fictional_case(organisation, caseworker), make_programme(organisation)
    )

    with pytest.raises(ProgrammeError, match="informed consent"):
        application_change_status(
            membership=acting(caseworker), application=application, status="submitted"
        )

    application.refresh_from_db()
    assert application.status == "draft"
    assert not AuditEvent.objects.filter(event_type=EventType.APPLICATION_STATUS_CHANGED).exists()


def test_consent_keeps_the_texts_the_defender_was_shown(organisation, caseworker):
    """The consent record stores who, when, and the asylum policy and return texts shown then."""
    programme = make_programme(organisation, duration_months_max=6)
    application = start(caseworker, open_fictional_case(organisation, caseworker), programme)

    application_record_consent(membership=acting(caseworker), application=application)
    programme.asylum_policy = "A later, different policy."
    programme.save()

    application.refresh_from_db()
    assert application.consent_recorded_by == caseworker
    assert application.consent_asylum_policy_shown.startswith("Relocation is temporary")
    assert "intend to return" in application.consent_return_expectation_shown
    assert "6 months" in application.consent_return_expectation_shown
    assert AuditEvent.objects.filter(event_type=EventType.APPLICATION_CONSENT_RECORDED).count() == 1


def test_a_programme_without_a_recorded_policy_says_so_before_consent(organisation, caseworker):
    """No asylum policy in the catalogue is shown in words, never as an empty line."""
    programme = make_programme(organisation, asylum_policy=None, requires_return_intent=None)
    application = start(caseworker, open_fictional_case(organisation, caseworker), programme)

    consented = application_record_consent(membership=acting(caseworker), application=application)

    assert "records no asylum policy" in consented.consent_asylum_policy_shown
    assert "does not record" in consented.consent_return_expectation_shown


def test_the_status_machine_runs_draft_to_accepted(organisation, caseworker, coordinator):
    """Submitted, shortlisted, offered, accepted: each step one audited event."""
    application = submitted_application(
        caseworker, open_fictional_case(organisation, caseworker), make_programme(organisation)
    )
    for status in ("shortlisted", "offered", "accepted"):
        application = application_change_status(
            membership=acting(coordinator), application=application, status=status
        )

    moves = [
        (event.data["from"], event.data["to"])
        for event in AuditEvent.objects.filter(
            event_type=EventType.APPLICATION_STATUS_CHANGED
        ).order_by("seq")
    ]
    assert moves == [
        ("draft", "submitted"),
        ("submitted", "shortlisted"),
        ("shortlisted", "offered"),
        ("offered", "accepted"),
    ]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], "accepted"),
        (["submitted"], "draft"),
        (["submitted", "withdrawn"], "submitted"),
        (["submitted", "offered", "declined"], "withdrawn"),
    ],
)
def test_moves_the_machine_does_not_allow_are_refused(organisation, coordinator, path, refused):
    """A draft cannot be accepted, nothing goes back, and closed applications stay closed."""
    case = open_fictional_case(organisation)
    application = start(coordinator, case, make_programme(organisation))
    application_record_consent(membership=acting(coordinator), application=application)
    for status in path:
        application = application_change_status(
            membership=acting(coordinator), application=application, status=status
        )

    with pytest.raises(ProgrammeError, match="cannot become"):
        application_change_status(
            membership=acting(coordinator), application=application, status=refused
        )

    application.refresh_from_db()
    assert application.status == (path[-1] if path else "draft")


def test_withdrawal_is_possible_from_every_open_status(organisation, coordinator):
    """Draft, submitted, shortlisted and offered applications can all be withdrawn."""
    programme = make_programme(organisation)
    for path in ([], ["submitted"], ["submitted", "shortlisted"], ["submitted", "offered"]):
        application = start(coordinator, open_fictional_case(organisation), programme)
        application_record_consent(membership=acting(coordinator), application=application)
        for status in path:
            application = application_change_status(
                membership=acting(coordinator), application=application, status=status
            )
        withdrawn = application_change_status(
            membership=acting(coordinator), application=application, status="withdrawn"
        )
        assert withdrawn.status == "withdrawn"


def test_one_open_application_per_programme_and_case(organisation, caseworker):
    """A second open application to the same programme is refused; after withdrawal it is allowed."""
    case = open_fictional_case(organisation, caseworker)
    programme = make_programme(organisation)
    first = start(caseworker, case, programme)

    with pytest.raises(ProgrammeError, match="already has an open application"):
        start(caseworker, case, programme)
    application_change_status(membership=acting(caseworker), application=first, status="withdrawn")

    assert start(caseworker, case, programme).status == "draft"


def test_a_programme_or_window_of_elsewhere_is_refused(
    organisation, other_organisation, caseworker
):
    """A case cannot apply to another organisation's programme, nor to a mismatched window."""
    case = open_fictional_case(organisation, caseworker)
    foreign = make_programme(other_organisation)
    own = make_programme(organisation)
    other_window = make_window(make_programme(organisation, catalogue_id="second_fellowship"))

    with pytest.raises(ProgrammeError, match="catalogue"):
        start(caseworker, case, foreign)
    with pytest.raises(ProgrammeError, match="another programme"):
        start(caseworker, case, own, intake_window=other_window)
    assert not Application.objects.exists()


def test_persecutor_reach_is_encrypted_and_audited_by_count(organisation, caseworker):
    """
    The reachable host countries are stored encrypted; the event holds only their number. A
    caseworker not on the case's team is answered as if it did not exist (AZ-02).
    """
    case = open_fictional_case(organisation)
    with pytest.raises(Http404):
        persecutor_reach_set(membership=acting(caseworker), case=case, host_countries=["GE"])
    assign(case, caseworker)

    persecutor_reach_set(membership=acting(caseworker), case=case, host_countries=["ge", " AM", ""])

    with keyring_scope():
        assert persecutor_reach(membership=acting(caseworker), case=case) == ["AM", "GE"]
    [event] = AuditEvent.objects.filter(event_type=EventType.PERSECUTOR_REACH_UPDATED)
    assert event.data == {"countries": 2, "must_leave_by": False}


def test_eligibility_is_checked_again_on_changed_facts(organisation, caseworker):
    """After the facts change, a re-check stores the new verdict and audits its code."""
    case = open_fictional_case(organisation, caseworker, languages=["es"])
    application = start(caseworker, case, make_programme(organisation))
    with keyring_scope():
        assert Application.objects.get(pk=application.pk).eligibility["verdict"] == "not_eligible"
    case_update(
        membership=acting(caseworker), case=case, facts=fictional_facts(languages=["es", "en"])
    )

    snapshot = application_check_eligibility(membership=acting(caseworker), application=application)

    assert snapshot["verdict"] == "eligible"
    [event] = AuditEvent.objects.filter(event_type=EventType.APPLICATION_ELIGIBILITY_CHECKED)
    assert event.data["verdict"] == "eligible"


def test_a_closed_application_keeps_its_verdict(organisation, caseworker):
    """A withdrawn application's verdict is history: a re-check is refused."""
    application = start(
        caseworker, open_fictional_case(organisation, caseworker), make_programme(organisation)
    )
    application_change_status(
        membership=acting(caseworker), application=application, status="withdrawn"
    )

    with pytest.raises(ProgrammeError, match="closed application"):
        application_check_eligibility(membership=acting(caseworker), application=application)


def test_consent_is_taken_on_drafts_only(organisation, caseworker):
    """Once submitted, consent cannot be recorded again over the texts first shown."""
    application = submitted_application(
        caseworker, open_fictional_case(organisation, caseworker), make_programme(organisation)
    )

    with pytest.raises(ProgrammeError, match="on a draft"):
        application_record_consent(membership=acting(caseworker), application=application)

    assert AuditEvent.objects.filter(event_type=EventType.APPLICATION_CONSENT_RECORDED).count() == 1
