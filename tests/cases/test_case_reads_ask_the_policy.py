"""
The case reads that used to trust their caller ask the policy themselves now (issue 9, item 3):
the case's facts, its principal defender and its assessments take the acting member
first and answer "not found" for a case the member may not see, whoever called them; and a
defender search decides who may find anything by the policy, not by comparing roles.
"""

import pytest
from django.http import Http404

from haven.accounts.acting import SYSTEM
from haven.cases.models import Assessment
from haven.cases.selectors import (
    CaseNotFoundError,
    case_assessments,
    case_facts,
    case_principal_defender,
)
from haven.cases.services import assessment_run, defender_search, note_add
from haven.organisations.models import Membership, Role
from haven.vault.keyring import keyring_scope
from tests.acting import acting
from tests.cases.factories import CANARY_NAME, CANARY_NOTE, open_canary_case
from tests.programmes.factories import assign

#: Each changed read, called as a page, the ``haven`` command or an API would call it.
READS = {
    "case_facts": lambda member, case: case_facts(membership=member, case=case),
    "case_principal_defender": lambda member, case: case_principal_defender(
        membership=member, case=case
    ),
    "case_assessments": lambda member, case: case_assessments(membership=member, case=case),
}


@pytest.fixture
def case(organisation):
    case = open_canary_case(organisation)
    note_add(membership=SYSTEM, case=case, body=CANARY_NOTE)
    return case


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_a_member_of_another_organisation_finds_no_case_of_ours(
    case, outsider, other_organisation, read
):
    """AZ-02: North Star's coordinator reads nothing of a Harbour Light case, as if it did not exist."""
    with keyring_scope(), pytest.raises(CaseNotFoundError):
        read(acting(outsider, other_organisation), case)


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_a_caseworker_off_the_team_finds_no_need_to_know_case(case, caseworker, read):
    """AZ-03, AZ-02: a caseworker of the same organisation not on the case's team gets 404."""
    with keyring_scope(), pytest.raises(CaseNotFoundError):
        read(acting(caseworker), case)


def test_the_case_team_and_the_operator_read_the_case(case, caseworker):
    """AZ-03: once on the team the caseworker reads each record; ``SYSTEM`` (the import) reads too."""
    assign(case, caseworker)

    for member in (acting(caseworker), SYSTEM):
        with keyring_scope():
            assert case_facts(membership=member, case=case)["defender"]["nationalities"] == ["CO"]
            assert case_principal_defender(membership=member, case=case).legal_name == CANARY_NAME
    assert case_assessments(membership=acting(caseworker), case=case) == []


def test_running_the_engines_is_not_found_off_the_team(case, caseworker):
    """AZ-03, AZ-02: the engines read the case's facts, so a caseworker off the team stores nothing."""
    with pytest.raises(Http404):
        assessment_run(membership=acting(caseworker), case=case)

    assert not Assessment.objects.exists()


def test_a_role_without_case_view_finds_no_defender(case, personas, organisation):
    """
    BI-04, AZ-01: an auditor is a member of the organisation but may not see its cases, so the
    search answers like a miss (the old check asked only whether the account had a role there).
    """
    found = defender_search(
        membership=acting(personas[Role.AUDITOR]),
        organisation=organisation,
        field="legal_name",
        value=CANARY_NAME,
    )

    assert found == []


def test_a_search_answers_for_the_acting_membership_not_the_person(
    case, outsider, organisation, other_organisation
):
    """
    AZ-02, BI-04: North Star's coordinator who also coordinates Harbour Light, acting for North
    Star, finds nothing of Harbour Light's; acting for Harbour Light, they find the defender.
    """
    Membership.objects.create(user=outsider, organisation=organisation, role=Role.COORDINATOR)

    def search(member):
        return defender_search(
            membership=member, organisation=organisation, field="legal_name", value=CANARY_NAME
        )

    assert search(acting(outsider, other_organisation)) == []
    assert [defender.legal_name for defender in search(acting(outsider, organisation))] == [
        CANARY_NAME
    ]
