"""
The case services and selectors that used to trust their caller ("the caller checked") ask the
policy themselves now (issue 9, item 3): opening a case, replacing its facts on import, changing a
defender's identity, putting someone on a case's team or taking them off, erasure, finding a case
by its code for break-glass, listing whom a case may be assigned to and reading its latest
assessment. Called directly, as the ``haven`` command or an API would, a member who may not is
refused and nothing is written or shown.
"""

import pytest
from django.http import Http404

from haven.accounts.acting import SYSTEM
from haven.audit.models import AuditEvent
from haven.cases.errors import CaseError
from haven.cases.models import Assignment, BreakGlassGrant, Case, CaseErasure, Threat
from haven.cases.selectors import (
    case_assignable_members,
    case_by_code,
    case_principal_defender,
    latest_assessment,
)
from haven.cases.services import (
    break_glass_open,
    case_assign,
    case_erasure_request,
    case_open,
    case_replace_facts,
    case_unassign,
    defender_update,
)
from haven.cases.services.erasure import NOT_A_COORDINATOR
from haven.cases.transfer import cases_export, cases_import
from haven.organisations.models import Membership, Role
from haven.vault.keyring import keyring_scope
from tests.acting import acting
from tests.cases.factories import canary_facts, canary_identity, open_canary_case
from tests.conftest import make_member
from tests.programmes.factories import assign

REASON = "A fictional emergency: the defender called from a police station."
THREATENED = {
    **canary_facts(),
    "threats": [{"date": "2026-06-01", "kind": "surveillance"}],
}


def _open(member):
    return case_open(
        membership=member,
        organisation=member.organisation,
        identity=canary_identity(),
        facts=canary_facts(),
    )


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ANALYST, Role.HOST_PARTNER])
def test_opening_a_case_is_not_found_for_a_role_without_case_open(organisation, personas, role):
    """AZ-01, AZ-02: CASE_OPEN is checked by ``case_open`` itself, not only by the intake page."""
    before = AuditEvent.objects.count()

    with pytest.raises(Http404):
        _open(acting(personas[role]))

    assert not Case.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_coordinator_cannot_open_a_case_in_another_organisation(
    organisation, outsider, other_organisation
):
    """AZ-02: North Star's coordinator opens nothing in Harbour Light, whatever they pass."""
    with pytest.raises(Http404):
        case_open(
            membership=acting(outsider, other_organisation),
            organisation=organisation,
            identity=canary_identity(),
            facts=canary_facts(),
        )

    assert not Case.objects.exists()


def test_the_member_who_opens_a_case_may_join_its_team(organisation, caseworker):
    """
    AZ-03: the caseworker who takes a defender in goes on working on the case without
    CASE_ASSIGN (``assign_opener``, as intake and triage open); opening alone assigns no one.
    """
    member = acting(caseworker)

    joined = case_open(
        membership=member,
        organisation=organisation,
        identity=canary_identity(),
        facts=canary_facts(),
        assign_opener=True,
    )
    apart = _open(member)

    assert Assignment.objects.filter(case=joined, membership=member).exists()
    assert not Assignment.objects.filter(case=apart).exists()


def test_replacing_facts_deletes_nothing_for_a_member_off_the_team(
    organisation, caseworker, outsider, other_organisation
):
    """AZ-02, AZ-03: the import's replacement checks CASE_EDIT before it deletes any row."""
    case = case_open(
        membership=SYSTEM, organisation=organisation, identity=canary_identity(), facts=THREATENED
    )

    for member in (acting(caseworker), acting(outsider, other_organisation)):
        with pytest.raises(Http404):
            case_replace_facts(membership=member, case=case, facts=canary_facts())

    assert Threat.objects.filter(case=case).count() == 1


def test_changing_a_defender_identity_needs_their_case(organisation, caseworker):
    """AZ-02, AZ-03: off the team, or naming another case's defender, is not found."""
    case = open_canary_case(organisation)
    other = open_canary_case(organisation, suffix=" other")
    with keyring_scope():
        defender = case_principal_defender(membership=SYSTEM, case=case)
    member = acting(caseworker)

    with pytest.raises(Http404):
        defender_update(membership=member, case=case, defender=defender, identity={"phone": "1"})
    assign(other, caseworker)
    with pytest.raises(Http404):
        defender_update(membership=member, case=other, defender=defender, identity={"phone": "1"})

    with keyring_scope():
        assert (
            case_principal_defender(membership=SYSTEM, case=case).phone
            == canary_identity()["phone"]
        )


def test_a_team_member_without_case_assign_cannot_change_the_team(
    organisation, caseworker, personas
):
    """AZ-03: only CASE_ASSIGN puts people on a case's team or takes them off, even from the team."""
    case = open_canary_case(organisation)
    assign(case, caseworker)
    member = acting(caseworker)
    adviser = Membership.objects.get(user=personas[Role.LEGAL_ADVISER])

    with pytest.raises(Http404):
        case_assign(membership=member, case=case, assignee=adviser)
    with pytest.raises(Http404):
        case_unassign(membership=member, case=case, assignee=member)

    assert list(Assignment.objects.filter(case=case).values_list("membership", flat=True)) == [
        member.pk
    ]


def test_erasure_asks_the_acting_membership_not_the_person(
    organisation, other_organisation, outsider
):
    """
    North Star's coordinator who also coordinates Harbour Light, acting for North Star, cannot ask
    to erase a Harbour Light case: the policy answers for the membership that acts, not for a role
    the same account holds elsewhere (AZ-02, AZ-03).
    """
    case = open_canary_case(organisation)
    Membership.objects.create(user=outsider, organisation=organisation, role=Role.COORDINATOR)

    with pytest.raises(CaseError, match=str(NOT_A_COORDINATOR)):
        case_erasure_request(membership=acting(outsider, other_organisation), case=case)

    assert not CaseErasure.objects.exists()


def test_a_suspended_organisation_erases_nothing(organisation, coordinator):
    """
    A coordinator of an organisation that was deactivated holds no permission any more
    (``permissions_of``), so erasure is refused like every other write.
    """
    case = open_canary_case(organisation)
    member = acting(coordinator)
    organisation.is_active = False
    organisation.save()
    member.organisation.is_active = False

    with pytest.raises(CaseError, match=str(NOT_A_COORDINATOR)):
        case_erasure_request(membership=member, case=case)

    assert not CaseErasure.objects.exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ANALYST, Role.HOST_PARTNER])
def test_break_glass_is_not_found_for_a_role_without_it(organisation, personas, role):
    """AZ-01, AZ-02: CASE_BREAK_GLASS is checked by the service; no grant, no event."""
    case = open_canary_case(organisation)
    before = AuditEvent.objects.count()

    with pytest.raises(Http404):
        break_glass_open(membership=acting(personas[role]), code=case.code, reason=REASON)

    assert not BreakGlassGrant.objects.exists()
    assert AuditEvent.objects.count() == before


def test_no_member_imports_or_exports_in_bulk(organisation, coordinator):
    """
    AZ-01, AZ-03: a bulk import or export reaches every case past the access lists, which no role
    grants; only the operator's ``haven cases`` command (``SYSTEM``) may run one.
    """
    open_canary_case(organisation)
    member = acting(coordinator)
    before = AuditEvent.objects.count()

    with pytest.raises(Http404):
        cases_export(membership=member, organisation=organisation, seal=bytes)
    with pytest.raises(Http404):
        cases_import(
            membership=member,
            organisation=organisation,
            document={"schema": "haven.case-import/1", "cases": []},
        )

    assert AuditEvent.objects.count() == before


def test_finding_a_case_by_code_is_not_found_without_break_glass(
    organisation, personas, outsider, other_organisation
):
    """
    AZ-02: ``case_by_code`` finds a case the member is not assigned to, so it asks for
    CASE_BREAK_GLASS itself; a caseworker of another organisation finds nothing of ours.
    """
    case = open_canary_case(organisation)
    stranger = make_member(other_organisation, Role.CASEWORKER, "nadia.north")

    for user in (personas[Role.AUDITOR], outsider):
        with pytest.raises(Http404):
            case_by_code(membership=acting(user), code=case.code)
    assert case_by_code(membership=acting(stranger), code=case.code) is None
    assert case_by_code(membership=acting(personas[Role.CASEWORKER]), code=case.code) == case


def test_whom_a_case_may_be_assigned_to_needs_case_assign_on_that_case(
    organisation, caseworker, coordinator, outsider, other_organisation
):
    """AZ-02, AZ-03: a caseworker on the team, or another organisation's coordinator, gets 404."""
    case = open_canary_case(organisation)
    assign(case, caseworker)

    for member in (acting(caseworker), acting(outsider, other_organisation)):
        with pytest.raises(Http404):
            case_assignable_members(membership=member, case=case)

    assert acting(caseworker) in case_assignable_members(membership=acting(coordinator), case=case)


def test_a_case_s_latest_assessment_is_not_found_off_its_team(
    organisation, caseworker, coordinator, outsider, other_organisation
):
    """AZ-02, AZ-03: an unassigned caseworker, or another organisation's coordinator, gets 404."""
    case = open_canary_case(organisation)

    for member in (acting(caseworker), acting(outsider, other_organisation)):
        with pytest.raises(Http404):
            latest_assessment(membership=member, case=case)

    assert latest_assessment(membership=acting(coordinator), case=case) is None
