"""
The case list shows country, profile, risk and stage, and sorts on each server side (issue 15,
item 4): ``?sort=`` keeps the filters and pages, the headings are plain links (no JavaScript),
an unknown column is a clear message, and the number of queries does not grow with the list.
"""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.cases import listing, selectors
from haven.cases.models import Assessment, CaseStatus
from haven.vault.keyring import keyring_scope
from tests.cases.factories import assigned_case

pytestmark = pytest.mark.django_db


def _facts(country, profiles):
    return {
        "schema": "haven.case-facts/1",
        "defender": {"current_country": country, "profiles": profiles},
    }


def _assess(case, level):
    with keyring_scope():
        Assessment(
            organisation_id=case.organisation_id,
            case=case,
            engine_version="test",
            facts_input={},
            output={},
            staff_risk_level=level,
        ).save()


@pytest.fixture
def cases(organisation, caseworker):
    """Four assigned cases: Mexico/journalist/high, Colombia/land/low, Spain/trade/-, Kenya."""
    made = {
        "mx": assigned_case(
            organisation, caseworker, facts=_facts("MX", ["journalist"]), suffix="1"
        ),
        "co": assigned_case(organisation, caseworker, facts=_facts("CO", ["land"]), suffix="2"),
        "es": assigned_case(
            organisation, caseworker, facts=_facts("ES", ["trade_unionist"]), suffix="3"
        ),
        "ke": assigned_case(organisation, caseworker, facts=_facts("KE", ["lgbti"]), suffix="4"),
    }
    _assess(made["mx"], "high")
    _assess(made["co"], "medium")
    _assess(made["co"], "low")  # the latest assessment counts
    _assess(made["ke"], "critical")
    made["ke"].status = CaseStatus.SCREENING
    made["ke"].save(update_fields=["status"])
    made["es"].status = CaseStatus.ASSESSMENT
    made["es"].save(update_fields=["status"])
    return made


def _codes(response):
    return re.findall(r'href="/cases/[0-9a-f-]+/">([^<]+)</a>', response.content.decode())


def _follow(client, response, rel):
    """Follow the page link ``rel`` (next, prev) of a list page; return its query and the page."""
    query = re.search(rf'href="\?([^"]+)" rel="{rel}"', response.content.decode()).group(1)
    return query, client.get(reverse("cases:list") + "?" + query.replace("&amp;", "&"))


def _order(cases, *keys):
    return [cases[key].code for key in keys]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("country", ("co", "ke", "mx", "es")),  # Colombia, Kenya, Mexico, Spain
        ("-country", ("es", "mx", "ke", "co")),
        ("-risk", ("ke", "mx", "co", "es")),  # critical, high, low, not assessed last
        ("risk", ("co", "mx", "ke", "es")),  # not assessed last either way
        # Intake, screening, assessment; equal stages keep the usual order (newest first).
        ("stage", ("co", "mx", "ke", "es")),
        ("-stage", ("es", "ke", "co", "mx")),
    ],
)
def test_sorts_server_side(cases, caseworker, sign_in_as, sort, expected):
    client = sign_in_as(caseworker)

    response = client.get(reverse("cases:list"), {"sort": sort})

    codes = _codes(response)
    assert codes[: len(expected)] == _order(cases, *expected)


def test_profile_sorts_by_its_label_in_the_reader_language(cases, caseworker, sign_in_as):
    client = sign_in_as(caseworker)

    response = client.get(reverse("cases:list"), {"sort": "profile"})

    page = response.content.decode()
    labels = [label for label in ("Journalist", "Land", "LGBTI", "Trade") if label in page]
    assert labels  # the rows show labels, not identifiers
    assert "trade_unionist" not in page and "lgbti" not in page
    codes = _codes(response)
    assert len(codes) == 4


def test_the_list_shows_country_profile_risk_and_stage_in_words(cases, caseworker, sign_in_as):
    client = sign_in_as(caseworker)

    page = client.get(reverse("cases:list")).content.decode()

    for words in ("Mexico", "Colombia", "Kenya", "Spain", "Screening", "Not assessed"):
        assert words in page
    assert 'data-label="Risk"' in page


def test_headings_are_links_that_keep_the_filters(cases, caseworker, sign_in_as):
    client = sign_in_as(caseworker)

    page = client.get(reverse("cases:list"), {"urgency": "routine", "sort": "country"}).content
    page = page.decode()

    assert 'href="?urgency=routine&amp;sort=-country"' in page  # the current column reverses
    assert 'href="?urgency=routine&amp;sort=risk"' in page
    assert 'aria-sort="ascending"' in page
    assert '<option value="country" selected>' in page  # the sort control for phones


def test_unknown_sort_column_is_a_clear_message_not_a_crash(cases, caseworker, sign_in_as):
    client = sign_in_as(caseworker)

    response = client.get(reverse("cases:list"), {"sort": "-birthplace", "urgency": "routine"})

    assert response.status_code == 200
    text = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "cannot be sorted by “birthplace”" in text
    assert len(_codes(response)) == 4  # the usual order, with the filter kept
    page = response.content.decode()
    assert 'href="?urgency=routine&amp;sort=country"' in page  # headings drop the bad sort
    assert 'value="-birthplace"' not in page


def test_pages_keep_the_sort(cases, caseworker, sign_in_as, monkeypatch):
    monkeypatch.setattr(selectors, "CASES_PER_PAGE", 3)
    client = sign_in_as(caseworker)

    first = client.get(reverse("cases:list"), {"sort": "country"})
    next_link, second = _follow(client, first, "next")

    assert "sort=country" in next_link
    assert _codes(first)[:3] == _order(cases, "co", "ke", "mx")
    assert _codes(second) == _order(cases, "es")
    _previous, back = _follow(client, second, "prev")
    assert _codes(back)[:3] == _order(cases, "co", "ke", "mx")


def test_stage_pages_through_the_database(cases, caseworker, sign_in_as, monkeypatch):
    monkeypatch.setattr(selectors, "CASES_PER_PAGE", 2)
    client = sign_in_as(caseworker)

    first = client.get(reverse("cases:list"), {"sort": "-stage"})
    _next_link, second = _follow(client, first, "next")

    assert _codes(first)[:2] + _codes(second)[:2] == _order(cases, "es", "ke", "co", "mx")


def test_an_encrypted_sort_of_a_long_list_is_refused_with_a_message(
    cases, caseworker, sign_in_as, monkeypatch
):
    monkeypatch.setattr(listing, "SORT_DECRYPT_LIMIT", 3)
    client = sign_in_as(caseworker)

    response = client.get(reverse("cases:list"), {"sort": "risk"})

    text = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "too many to sort by risk" in text
    assert len(_codes(response)) == 4


@pytest.mark.parametrize("sort", ["", "country", "-risk", "profile", "stage"])
def test_query_count_does_not_grow_with_the_list(organisation, caseworker, sign_in_as, sort):
    """Every order takes as many queries for eight cases (with assessments) as for two."""
    client = sign_in_as(caseworker)

    def measure():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("cases:list"), {"sort": sort} if sort else {})
        return len(captured.captured_queries)

    for index in range(2):
        _assess(
            assigned_case(
                organisation, caseworker, facts=_facts("MX", ["land"]), suffix=f"{index}"
            ),
            "low",
        )
    few = measure()
    for index in range(2, 8):
        _assess(
            assigned_case(
                organisation, caseworker, facts=_facts("CO", ["journalist"]), suffix=f"{index}"
            ),
            "high",
        )

    assert measure() == few
