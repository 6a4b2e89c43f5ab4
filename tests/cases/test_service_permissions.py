"""
The case record services check their permission themselves (issue 9), as ``assessment_run`` and
``consent_withdraw`` already did: called directly, as the ``haven`` command or the API would, a
member whose role lacks it, a caseworker off the case's team and a member of another organisation
are all answered Http404, like a case that does not exist (AZ-02). Nothing is written, no event.
Reading a file back is checked the same way: nothing is decrypted and no download is recorded.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from haven.accounts.acting import SYSTEM
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import (
    Assessment,
    Attachment,
    Case,
    Consent,
    ConsentPurpose,
    Dependant,
    IdentityReveal,
    Note,
    Prosecution,
    StatusChange,
    Threat,
)
from haven.cases.services import (
    assessment_run,
    attachment_add,
    attachment_read,
    case_intake,
    case_settings_update,
    case_transition,
    case_update,
    consent_record,
    details_record,
    facts_section_update,
    identity_reveal,
    note_add,
    threat_record,
)
from haven.organisations.models import Role
from haven.organisations.policy import ROLE_PERMISSIONS, Permission
from tests.acting import acting
from tests.cases.factories import canary_facts, open_canary_case
from tests.conftest import make_member
from tests.programmes.factories import assign

REASON = "Checking the fictional defender's document for the visa."
STATEMENT = b"A fictional statement about the fictional harbour of Vessa.\n"

#: Each service, with a call that would write to ``case`` if it were allowed.
WRITES: dict[str, Callable[[Any, Case], Any]] = {
    "case_update": lambda member, case: case_update(
        membership=member, case=case, external_reference="CHANGED-REF"
    ),
    "note_add": lambda member, case: note_add(membership=member, case=case, body="A note."),
    "threat_record": lambda member, case: threat_record(
        membership=member, case=case, details={"date": "2026-06-01", "kind": "surveillance"}
    ),
    "details_record (prosecution)": lambda member, case: details_record(
        membership=member, case=case, model=Prosecution, details={"status": "investigation"}
    ),
    "details_record (dependant)": lambda member, case: details_record(
        membership=member, case=case, model=Dependant, details={"relationship": "child"}
    ),
    "facts_section_update": lambda member, case: facts_section_update(
        membership=member, case=case, section="context", values={"country": "CO"}
    ),
    "case_settings_update": lambda member, case: case_settings_update(
        membership=member, case=case, urgency="urgent", next_due_on=None
    ),
    "case_transition": lambda member, case: case_transition(
        membership=member, case=case, target="closed", confirmed=[], reason=REASON
    ),
    "identity_reveal": lambda member, case: identity_reveal(
        membership=member, case=case, reason=REASON
    ),
    "consent_record": lambda member, case: consent_record(
        membership=member,
        case=case,
        purpose=ConsentPurpose.PROCESSING,
        given_on=datetime.date(2026, 1, 5),
        scope="processing for protection",
    ),
    "attachment_add": lambda member, case: attachment_add(
        membership=member, case=case, name="statement.txt", data=STATEMENT
    ),
    "assessment_run": lambda member, case: assessment_run(membership=member, case=case),
}


def state(case: Case) -> list[Any]:
    case.refresh_from_db()
    return [
        AuditEvent.objects.count(),
        case.updated_at,
        case.status,
        case.urgency,
        Note.objects.count(),
        Threat.objects.count(),
        Prosecution.objects.count(),
        Dependant.objects.count(),
        IdentityReveal.objects.count(),
        StatusChange.objects.count(),
        Consent.objects.count(),
        Attachment.objects.count(),
    ]


def strangers_to(personas, outsider, other_organisation) -> tuple[Any, ...]:
    """An auditor, a host partner, a caseworker off the team and North Star's coordinator."""
    return (
        acting(personas[Role.AUDITOR]),
        acting(personas[Role.HOST_PARTNER]),
        acting(personas[Role.CASEWORKER]),
        acting(outsider, other_organisation),
    )


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_case_write_is_not_found_for_a_member_who_may_not_do_it(
    organisation, other_organisation, personas, outsider, write
):
    """An auditor, a caseworker off the team and North Star's coordinator: 404, nothing saved."""
    case = open_canary_case(organisation)
    before = state(case)

    for member in strangers_to(personas, outsider, other_organisation):
        with pytest.raises(Http404):
            write(member, case)

    assert state(case) == before


def test_a_file_is_not_found_for_a_member_who_may_not_see_its_case(
    organisation, other_organisation, personas, outsider
):
    """``attachment_read`` asks for CASE_VIEW itself: 404, nothing decrypted, no download filed."""
    case = open_canary_case(organisation)
    attachment = attachment_add(membership=SYSTEM, case=case, name="statement.txt", data=STATEMENT)
    before = AuditEvent.objects.count()

    for member in strangers_to(personas, outsider, other_organisation):
        with pytest.raises(Http404):
            attachment_read(membership=member, attachment=attachment)

    assert AuditEvent.objects.count() == before


def test_a_member_on_the_team_reads_the_file(organisation, caseworker):
    """The same read passes once the caseworker is on the team, and files the download."""
    case = open_canary_case(organisation)
    attachment = attachment_add(membership=SYSTEM, case=case, name="statement.txt", data=STATEMENT)
    assign(case, caseworker)

    assert attachment_read(membership=acting(caseworker), attachment=attachment) == STATEMENT
    assert AuditEvent.objects.filter(event_type=EventType.ATTACHMENT_DOWNLOADED).count() == 1


def test_a_member_on_the_team_still_writes(organisation, caseworker):
    """The same calls pass for the caseworker once on the team (the refusal is not blanket)."""
    case = open_canary_case(organisation)
    member = acting(caseworker)
    assign(case, caseworker)

    note_add(membership=member, case=case, body="A note.")
    facts_section_update(membership=member, case=case, section="context", values={"country": "CO"})
    WRITES["consent_record"](member, case)

    assert Note.objects.filter(case=case).count() == 1
    assert Consent.objects.filter(case=case).count() == 1
    assert canary_facts()["defender"] == case.facts["defender"]


def test_a_legal_adviser_off_the_team_finds_no_case_to_reveal(organisation):
    """Revealing an identity needs the case too, not only the role's CASE_REVEAL_IDENTITY."""
    case = open_canary_case(organisation)
    adviser = acting(make_member(organisation, Role.LEGAL_ADVISER, "lia.adviser"))

    with pytest.raises(Http404):
        identity_reveal(membership=adviser, case=case, reason=REASON)
    assert not IdentityReveal.objects.exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ANALYST, Role.HOST_PARTNER])
def test_intake_is_not_found_for_a_role_that_does_not_open_cases(organisation, personas, role):
    """Taking in a defender needs CASE_OPEN: no case, defender or event for anyone else."""
    before = AuditEvent.objects.count()

    with pytest.raises(Http404):
        case_intake(
            membership=acting(personas[role]),
            identity={"legal_name": "Ottilie Brambleworth (fictional)"},
            facts=canary_facts(),
            urgency="routine",
            consent_scope=None,
        )

    assert not Case.objects.exists()
    assert AuditEvent.objects.count() == before


def test_running_an_assessment_asks_for_case_edit_not_only_sight(organisation, monkeypatch):
    """
    ``assessment_run`` checks CASE_EDIT itself, as its page declares: a member who may see the
    case but not edit it (here a legal adviser whose role is given CASE_VIEW only) gets 404.
    """
    case = open_canary_case(organisation)
    adviser = make_member(organisation, Role.LEGAL_ADVISER, "lia.adviser")
    assign(case, adviser)
    sight_only = ROLE_PERMISSIONS[Role.LEGAL_ADVISER] - {Permission.CASE_EDIT}
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.LEGAL_ADVISER, sight_only)

    with pytest.raises(Http404):
        assessment_run(membership=acting(adviser), case=case)
    assert not Assessment.objects.filter(case=case).exists()
