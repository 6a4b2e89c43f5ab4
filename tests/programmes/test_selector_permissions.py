"""
The programmes selectors scope what they return by the acting member (issue 9, item 3): the
catalogue and its intake windows by the role's VIEW_PROGRAMMES, and the decrypting reads of a
case (where the persecutor reaches, the date to leave by, an application's eligibility) by
MANAGE_APPLICATIONS on that case. Anything else is Http404, like a missing id (AZ-02).
"""

import pytest
from django.http import Http404

from haven.organisations.models import Role
from haven.programmes.selectors import (
    application_eligibility,
    intake_window_get,
    intake_window_list,
    must_leave_by,
    persecutor_reach,
    programme_get,
    programme_list,
)
from haven.programmes.services import application_check_eligibility, persecutor_reach_set
from tests.acting import acting
from tests.programmes.factories import (
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)


@pytest.mark.parametrize("role", [Role.HOST_PARTNER, Role.AUDITOR, Role.ANALYST])
def test_the_catalogue_is_not_found_for_a_role_that_does_not_read_it(organisation, personas, role):
    """AZ-01, AZ-02: the organisation is not enough; the role must hold VIEW_PROGRAMMES."""
    programme = make_programme(organisation)
    window = make_window(programme)
    member = acting(personas[role])

    assert not programme_list(membership=member).exists()
    assert not intake_window_list(membership=member).exists()
    with pytest.raises(Http404):
        programme_get(membership=member, programme_id=programme.pk)
    with pytest.raises(Http404):
        intake_window_get(membership=member, window_id=window.pk)


def test_a_caseworker_still_reads_the_catalogue(organisation, caseworker):
    """The same reads pass for a role that holds VIEW_PROGRAMMES (the refusal is not blanket)."""
    programme = make_programme(organisation)
    window = make_window(programme)
    member = acting(caseworker)

    assert programme_get(membership=member, programme_id=programme.pk) == programme
    assert intake_window_get(membership=member, window_id=window.pk) == window


def test_persecutor_reach_is_read_only_by_who_manages_the_case_applications(
    organisation, coordinator, caseworker, personas, outsider, other_organisation
):
    """AZ-02, AZ-03: off the team, without MANAGE_APPLICATIONS or elsewhere, nothing decrypts."""
    case = open_fictional_case(organisation)
    persecutor_reach_set(membership=acting(coordinator), case=case, host_countries=["GE"])

    for member in (
        acting(caseworker),
        acting(personas[Role.LEGAL_ADVISER]),
        acting(outsider, other_organisation),
    ):
        with pytest.raises(Http404):
            persecutor_reach(membership=member, case=case)
        with pytest.raises(Http404):
            must_leave_by(membership=member, case=case)

    assert persecutor_reach(membership=acting(coordinator), case=case) == ["GE"]


def test_an_application_eligibility_is_not_found_off_the_case_team(
    organisation, coordinator, caseworker, outsider, other_organisation
):
    """AZ-02, AZ-03: the eligibility snapshot decrypts only for who may manage the case's applications."""
    case = open_fictional_case(organisation)
    application = submitted_application(coordinator, case, make_programme(organisation))
    application_check_eligibility(membership=acting(coordinator), application=application)

    for member in (acting(caseworker), acting(outsider, other_organisation)):
        with pytest.raises(Http404):
            application_eligibility(membership=member, application=application)

    assert application_eligibility(membership=acting(coordinator), application=application)
