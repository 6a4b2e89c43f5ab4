"""Case selectors are scoped to the user's organisation and bring keys in the same query (AZ-02)."""

import uuid

import pytest
from django.core import serializers

from haven.accounts.acting import SYSTEM
from haven.cases.models import Case
from haven.cases.selectors import CaseNotFoundError, case_get, visible_cases
from haven.cases.services import case_assign
from haven.cases.transfer import export_document
from haven.organisations.models import Membership, Role
from haven.vault.keyring import keyring_scope
from tests.cases.factories import CANARY_REFERENCE, open_canary_case
from tests.conftest import make_member


def member(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


def test_caseworkers_see_the_cases_they_are_assigned_to(organisation, caseworker):
    """A caseworker lists an organisation's case once assigned to it, and not before (AZ-03)."""
    case = open_canary_case(organisation)
    before = list(visible_cases(membership=member(caseworker, organisation)))

    case_assign(membership=SYSTEM, case=case, assignee=member(caseworker, organisation))

    assert before == []
    assert [case.pk] == [
        item.pk for item in visible_cases(membership=member(caseworker, organisation))
    ]


def test_outsiders_and_auditors_see_nothing(organisation, other_organisation):
    """A member of another organisation, or an auditor, lists no case and cannot fetch one."""
    case = open_canary_case(organisation)
    outsider = make_member(other_organisation, Role.COORDINATOR, "olga.outsider")
    auditor = make_member(organisation, Role.AUDITOR, "audrey.auditor")

    for membership in (
        member(outsider, other_organisation),
        member(auditor, organisation),
    ):
        assert list(visible_cases(membership=membership)) == []
        with pytest.raises(CaseNotFoundError):
            case_get(membership=membership, case_id=case.pk)


def test_missing_and_forbidden_look_the_same(organisation, coordinator):
    """An unknown id and a malformed id raise the same error as a forbidden case."""
    for case_id in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(CaseNotFoundError):
            case_get(membership=member(coordinator, organisation), case_id=case_id)


def test_list_page_decrypts_without_extra_queries(
    organisation, caseworker, django_assert_num_queries
):
    """
    Listing 5 assigned cases and decrypting a field of each takes two queries: the member's live
    break-glass grants, then the rows with their keys; none per case.
    """
    membership = member(caseworker, organisation)
    for index in range(5):
        case_assign(
            membership=SYSTEM,
            case=open_canary_case(organisation, suffix=str(index)),
            assignee=membership,
        )

    with keyring_scope(), django_assert_num_queries(2):
        references = [case.external_reference for case in visible_cases(membership=membership)]

    assert references == [CANARY_REFERENCE] * 5


def test_export_query_count_does_not_grow_with_cases(organisation, django_assert_max_num_queries):
    """Exporting 6 cases takes no more queries than exporting 1 (no N+1)."""
    open_canary_case(organisation)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        export_document(organisation=organisation)
    for index in range(5):
        open_canary_case(organisation, suffix=str(index))

    with django_assert_max_num_queries(len(one.captured_queries)):
        document = export_document(organisation=organisation)
    assert len(document["cases"]) == 6


def test_serialisers_carry_ciphertext_only(organisation):
    """Django's serialisers (dumpdata, fixtures) write the ciphertext, never the plaintext."""
    open_canary_case(organisation)

    dumped = serializers.serialize("json", Case.objects.all())

    assert CANARY_REFERENCE not in dumped
    assert '"external_reference": "djE' in dumped  # base64 of the b"v1" header
