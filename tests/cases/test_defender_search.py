"""Blind-index search is scoped, rate-limited and audited with the token only (BI-04)."""

import pytest

from haven.accounts.acting import SYSTEM
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.selectors import case_principal_defender
from haven.cases.services import CaseError, defender_search, search
from haven.organisations.models import Role
from haven.vault.errors import SearchRateLimitedError
from tests.acting import acting
from tests.cases.factories import CANARY_NAME, open_canary_case
from tests.conftest import make_member


@pytest.fixture
def case(organisation):
    return open_canary_case(organisation)


def test_finds_by_name_whatever_the_spacing_and_case(case, caseworker, organisation):
    """A caseworker finds the defender by a differently spaced, differently cased name."""
    found = defender_search(
        membership=acting(caseworker),
        organisation=organisation,
        field="legal_name",
        value=f"  {CANARY_NAME.upper()} ",
    )

    assert [case_principal_defender(membership=SYSTEM, case=case).pk] == [
        defender.pk for defender in found
    ]


@pytest.mark.parametrize("phone", ["+573105550199", "0057 310 555 0199", "+57-310-555-0199"])
def test_finds_by_phone_in_any_format(case, caseworker, organisation, phone):
    """Phone search ignores formatting."""
    assert (
        len(
            defender_search(
                membership=acting(caseworker), organisation=organisation, field="phone", value=phone
            )
        )
        == 1
    )


def test_other_names_are_searchable(case, caseworker, organisation):
    """Each of a defender's other names is indexed."""
    found = defender_search(
        membership=acting(caseworker),
        organisation=organisation,
        field="other_names",
        value="zeph canarywood",
    )

    assert len(found) == 1


def test_false_positives_are_dropped(organisation, caseworker):
    """Candidates that share a truncated token but not the value are not returned."""
    for index in range(30):
        open_canary_case(organisation, suffix=f" {index}")

    found = defender_search(
        membership=acting(caseworker),
        organisation=organisation,
        field="legal_name",
        value=CANARY_NAME + " 7",
    )

    assert [defender.legal_name for defender in found] == [CANARY_NAME + " 7"]


def test_outsider_sees_the_same_as_a_miss(case, organisation, other_organisation):
    """A member of another organisation gets an empty answer, like a miss."""
    outsider = make_member(other_organisation, Role.COORDINATOR, "olga.outsider")

    assert (
        defender_search(
            membership=acting(outsider),
            organisation=organisation,
            field="legal_name",
            value=CANARY_NAME,
        )
        == []
    )


def test_search_is_audited_with_the_token_not_the_term(case, caseworker, organisation):
    """The audit row holds the index token and counts, never the searched name."""
    defender_search(
        membership=acting(caseworker),
        organisation=organisation,
        field="legal_name",
        value=CANARY_NAME,
    )

    event = AuditEvent.objects.get(event_type=EventType.BLIND_SEARCH)
    assert event.actor_id == caseworker.public_id
    assert event.data["index"] == "legal_name"
    assert len(event.data["token"]) == 3
    assert "canary" not in str(event.data).casefold()


def test_fifty_first_search_in_an_hour_is_refused(case, caseworker, organisation, monkeypatch):
    """Past the hourly limit the search raises a clear error and is not run."""
    monkeypatch.setattr(search, "SEARCHES_PER_HOUR", 3)
    for _ in range(3):
        defender_search(
            membership=acting(caseworker),
            organisation=organisation,
            field="email",
            value="x@example.org",
        )

    with pytest.raises(SearchRateLimitedError, match="limit"):
        defender_search(
            membership=acting(caseworker),
            organisation=organisation,
            field="email",
            value="x@example.org",
        )
    assert AuditEvent.objects.filter(event_type=EventType.BLIND_SEARCH).count() == 3


def test_unindexed_field_is_refused(caseworker, organisation):
    """Searching a field without a blind index (the address) is refused."""
    with pytest.raises(CaseError, match="address"):
        defender_search(
            membership=acting(caseworker), organisation=organisation, field="address", value="x"
        )
