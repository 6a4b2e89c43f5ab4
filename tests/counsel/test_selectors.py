"""
The counsel reads ask the policy themselves (issue 9, item 3): called directly, as the ``haven``
command or an API would, a member who may not refer the case is answered 404 (AZ-02).
"""

import pytest
from django.http import Http404

from haven.counsel.selectors import referral_consents
from haven.vault.keyring import keyring_scope
from tests.acting import acting
from tests.counsel.factories import referral_case


def test_a_case_s_referral_consents_are_not_found_off_its_team(
    organisation, coordinator, caseworker, outsider, other_organisation
):
    """A caseworker not on the case, or another organisation's coordinator, reads no consent."""
    case, _threat, _attachment, consent = referral_case(organisation, coordinator)

    with keyring_scope():
        for member in (acting(caseworker), acting(outsider, other_organisation)):
            with pytest.raises(Http404):
                referral_consents(membership=member, case=case)
        assert referral_consents(membership=acting(coordinator), case=case) == [consent]
