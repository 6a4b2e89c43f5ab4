"""
Issue 10 rule 12 and issue 15 items 1 and 6 for matching: every reason the matching side gives
(fit components, exclusions, the matcher's reasons for the unplaced) carries a message key, is
translated in es, fr and ar, and the run review reads in the reader's language.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from haven.domain.matching.explanation import FULL_WITH_HIGHER_TIERS, UNPLACED_MESSAGES
from haven.domain.messages import COUNTRY, Codes
from haven.domain.placement_fit import (
    FIT_MESSAGES,
    NEEDS_NONE,
    PLACEMENT_MESSAGES,
    REACHED_COUNTRIES,
)
from haven.programmes.models import MatchingRun
from haven.programmes.services import persecutor_reach_set
from haven.vault.keyring import keyring_scope
from haven.web.engine_messages import translate
from tests.acting import acting
from tests.programmes.factories import (
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)
from tests.programmes.fictional_facts import CRITICAL_THREATS

MATCHING_MESSAGES = {**FIT_MESSAGES, **PLACEMENT_MESSAGES, **UNPLACED_MESSAGES}
#: Developer words that may appear only in the auditors' details section (issue 15 item 6).
AUDITOR_ONLY = re.compile(r"Tier \d+|Input SHA-256|greedy|lottery seed", re.IGNORECASE)


def test_matching_message_keys_are_distinct_and_namespaced():
    """Keys are stable names, one per template, all under ``matching.``."""
    templates = [*FIT_MESSAGES.values(), *PLACEMENT_MESSAGES.values(), *UNPLACED_MESSAGES.values()]
    assert len({template.key for template in templates}) == len(templates)
    assert all(template.key.startswith("matching.") for template in templates)


@pytest.mark.parametrize("language", ["es", "fr", "ar"])
def test_every_matching_message_key_has_a_translated_catalogue_entry(language):
    """Each keyed matching template is a msgid of the catalogue, translated (not the English)."""
    with translation.override(language):
        untranslated = [
            key
            for key, template in MATCHING_MESSAGES.items()
            if translation.gettext(template.text) == template.text
            and key != "matching.units"  # "%(amount)s %(resource)s" reads the same everywhere
        ]
    assert untranslated == []


def _run_with_reasons(organisation, coordinator, sign_in_as):
    """One place: a critical case takes it, a calmer one is told why not, a third is excluded."""
    window = make_window(make_programme(organisation), places=1)
    urgent = open_fictional_case(organisation, threats=CRITICAL_THREATS, visibility="high")
    calmer = open_fictional_case(organisation, threats=[], name="Tomas Quillfeather")
    reached = open_fictional_case(organisation, threats=[], name="Odile Fernweather")
    for case in (urgent, calmer, reached):
        submitted_application(coordinator, case, window.programme, window)
    persecutor_reach_set(
        membership=acting(coordinator), case=reached, host_countries=window.programme.host_countries
    )
    client = sign_in_as(coordinator)
    created = client.post(reverse("programmes:runs"), {"windows": [window.pk], "seed": "1"})
    return client, created["Location"], window


def _main_text(page: str) -> str:
    """The page without the auditors' details section."""
    return re.sub(r'<details class="card" id="for-auditors">.*?</details>', "", page, flags=re.S)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_run_review_reads_in_the_readers_language(
    organisation, coordinator, sign_in_as, language
):
    """French and Arabic readers see every matching reason translated, never the English."""
    client, location, window = _run_with_reasons(organisation, coordinator, sign_in_as)
    client.post(reverse("set_language"), {"language": language, "next": "/"})

    page = client.get(location).content.decode()

    label = f"{window.programme.name}: {window.name}"
    countries = Codes(window.programme.host_countries, kind=COUNTRY)
    with translation.override(language):
        full = translate(FULL_WITH_HIGHER_TIERS(placement=label))
        no_needs = translate(NEEDS_NONE())
        reach = translate(REACHED_COUNTRIES(countries=countries))
    for translated, english in (
        (full, "is full with applicants of higher tiers"),
        (no_needs, "No health needs are recorded."),
        (reach, "the persecutor is known to reach"),
    ):
        assert escape(translated) in page
        assert english not in page
    assert "higher tiers" not in page and '<ul lang="en"' not in page
    assert not AUDITOR_ONLY.search(_main_text(page))


def test_the_run_review_keeps_developer_words_for_auditors_only(
    organisation, coordinator, sign_in_as
):
    """In English too, tiers, the input hash, the baseline and the seed sit in the details."""
    client, location, _window = _run_with_reasons(organisation, coordinator, sign_in_as)

    page = client.get(location).content.decode()

    assert AUDITOR_ONLY.search(page), "the auditors still find them"
    assert not AUDITOR_ONLY.search(_main_text(page))
    assert "is full with applicants of higher tiers" in page


def test_a_run_stored_before_reasons_were_keyed_shows_them_in_english(
    organisation, coordinator, sign_in_as
):
    """An old run has no keyed reasons: its English is shown as written, marked ``lang="en"``."""
    client, location, _window = _run_with_reasons(organisation, coordinator, sign_in_as)
    run = MatchingRun.objects.get()
    with keyring_scope():
        detail = dict(run.detail)
        del detail["unplaced_messages"]
        run.detail = detail
        run.save(update_fields=["detail"])
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})

    page = client.get(location).content.decode()

    assert '<ul lang="en" dir="ltr"><li>' in page
    assert "is full with applicants of higher tiers" in page
