"""Case selectors are scoped to the user's organisation and bring keys in the same query (AZ-02)."""

import uuid

import pytest
from django.core import serializers

from haven.accounts.models import Role
from haven.cases.models import Case
from haven.cases.selectors import CaseNotFoundError, case_get_for_user, case_list_visible_to
from haven.cases.transfer import export_document
from haven.vault.keyring import keyring_scope
from tests.cases.factories import CANARY_REFERENCE, open_canary_case
from tests.conftest import make_member


def test_members_see_their_organisations_cases(organisation, caseworker):
    """A caseworker lists the organisation's cases."""
    case = open_canary_case(organisation)

    assert [case.pk] == [
        item.pk for item in case_list_visible_to(caseworker, organisation=organisation)
    ]


def test_outsiders_and_auditors_see_nothing(organisation, other_organisation):
    """A member of another organisation, or an auditor, lists no case and cannot fetch one."""
    case = open_canary_case(organisation)
    outsider = make_member(other_organisation, Role.COORDINATOR, "olga.outsider")
    auditor = make_member(organisation, Role.AUDITOR, "audrey.auditor")

    for user in (outsider, auditor):
        assert list(case_list_visible_to(user, organisation=organisation)) == []
        with pytest.raises(CaseNotFoundError):
            case_get_for_user(user, organisation=organisation, case_id=case.pk)


def test_missing_and_forbidden_look_the_same(organisation, caseworker):
    """An unknown id and a malformed id raise the same error as a forbidden case."""
    for case_id in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(CaseNotFoundError):
            case_get_for_user(caseworker, organisation=organisation, case_id=case_id)


def test_list_page_decrypts_without_extra_queries(
    organisation, caseworker, django_assert_num_queries
):
    """Listing 5 cases and decrypting a field of each takes two queries: membership, then rows with keys."""
    for index in range(5):
        open_canary_case(organisation, suffix=str(index))

    with keyring_scope(), django_assert_num_queries(2):
        references = [
            case.external_reference
            for case in case_list_visible_to(caseworker, organisation=organisation)
        ]

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
