"""The small "is this case's defender on a stay now?" read other apps (the portal) ask."""

import pytest

from haven.relocations.selectors import case_active_stay
from tests.relocations.factories import membership_of, open_stay, returned_stay

pytestmark = pytest.mark.django_db


def test_an_open_stay_is_the_case_active_stay(organisation, coordinator):
    stay = open_stay(organisation, coordinator)

    found = case_active_stay(membership=membership_of(coordinator, organisation), case=stay.case)

    assert found is not None and found.pk == stay.pk


def test_a_stay_ended_by_the_return_is_no_longer_active(organisation, coordinator):
    stay = returned_stay(organisation, coordinator)

    assert (
        case_active_stay(membership=membership_of(coordinator, organisation), case=stay.case)
        is None
    )


def test_a_member_of_another_organisation_learns_nothing(organisation, coordinator, outsider):
    """AZ-02: out of reach reads exactly like no stay at all."""
    stay = open_stay(organisation, coordinator)

    assert case_active_stay(membership=membership_of(outsider), case=stay.case) is None
    assert case_active_stay(membership=None, case=stay.case) is None
