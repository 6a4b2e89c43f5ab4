"""
Rule 12 of issue 10: every reason the engines write carries a message key and its parameters,
every keyed template reads in es, fr and ar, and the assessment page shows stored reasons in the
reader's language (old assessments, stored with English only, in English).

The walk runs the engines on every fixture in ``tests/domain/cases`` and on generated facts,
and collects every message they emit, parameters included.
"""

import json
import uuid
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings

from haven.cases.engine_messages import encode, localise, render, unkeyed
from haven.cases.models import Assessment
from haven.cases.vocabulary import TERMS
from haven.domain.assessment import assess
from haven.domain.facts import parse_facts
from haven.domain.messages import Codes, Joined, Message
from haven.reference import civicus_ratings, seed_programmes
from tests.cases.factories import assigned_case, tension_facts
from tests.domain.strategies import case_documents
from tests.web.test_catalogues import catalogue_path, read_catalogue

FIXTURES = sorted((Path(__file__).parents[1] / "domain" / "cases").glob("*.json"))
LANGUAGES = ("es", "fr", "ar")


#: msgid -> translation, per language, read from the .po files (a translation may equal its msgid).
CATALOGUES = {
    language: {
        entry.msgid: entry.translations.get("msgstr", "")
        for entry in read_catalogue(catalogue_path(language))
    }
    for language in LANGUAGES
}


def run(document):
    return assess(
        parse_facts(document), programmes=seed_programmes(), civic_space_ratings=civicus_ratings()
    )


def messages_in(value):
    """Every Message in an engine output, nested parameters included."""
    if isinstance(value, dict):
        for item in value.values():
            yield from messages_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from messages_in(item)
    elif isinstance(value, Message):
        yield value
        for param in value.params.values():
            yield from messages_in(param)
    elif isinstance(value, Joined):
        yield from messages_in(list(value.parts))


def codes_in(message):
    for param in message.params.values():
        if isinstance(param, Codes):
            yield from param.codes
        elif isinstance(param, Joined):
            for part in param.parts:
                if isinstance(part, Codes):
                    yield from part.codes


def gaps(output):
    """Reasons, cautions and actions anywhere in the output without a key, by JSON path."""
    return unkeyed(output, encode(output))


def check(output, seen):
    assert gaps(output) == []
    for message in messages_in(output):
        assert seen.setdefault(message.key, message.template.text) == message.template.text, (
            f"{message.key} has two texts"
        )
        for language in LANGUAGES:
            assert CATALOGUES[language].get(message.template.text), (
                f"{message.key} has no {language} translation"
            )
        # Identifiers inside a reason are shown by their labels: every one needs a label.
        assert [code for code in codes_in(message) if code not in TERMS] == [], message.key


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.stem)
def test_every_reason_of_every_fixture_is_keyed_and_translated(path):
    seen: dict[str, str] = {}
    check(run(json.loads(path.read_text())), seen)
    assert any(key.startswith("protection.") for key in seen)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=case_documents())
def test_every_reason_of_generated_facts_is_keyed_and_translated(document):
    check(run(document), {})


def test_an_unkeyed_reason_in_a_keyed_section_is_caught():
    """The walk can fail: a plain English reason where a keyed one belongs is reported by path."""
    output = run(json.loads(FIXTURES[0].read_text()))
    output["protection"]["reasons"].append("An English-only reason.")

    assert gaps(output) == [f"/protection/reasons/{len(output['protection']['reasons']) - 1}"]


def test_stored_keys_survive_json_and_render_codes_by_their_labels():
    """What the web stores is plain JSON; reading it back gives the same sentence in each language."""
    output = run(json.loads((FIXTURES[0].parent / "thin_facts_activist.json").read_text()))
    keyed = json.loads(json.dumps(encode(output)))
    with translation.override("en"):
        english = localise(output, keyed)
    # English reads as the engine wrote it, identifiers by their labels (as the page always showed).
    assert english["protection"]["reasons"][0].startswith("Refugee status cannot yet be shown")
    assert "well_founded_fear" not in english["protection"]["reasons"][0]
    with translation.override("es"):
        spanish = localise(output, keyed)
    assert spanish["protection"]["reasons"] != output["protection"]["reasons"]
    assert spanish["risk"]["reasons"] != output["risk"]["reasons"]
    assert spanish["pathways"] != output["pathways"]
    assert spanish["programmes"] != output["programmes"]
    # A reason stored without a key (an older engine's) is shown as written.
    keyed["risk"]["reasons"][0] = None
    with translation.override("es"):
        mixed = localise(output, keyed)
    assert mixed["risk"]["reasons"][0] == output["risk"]["reasons"][0]


def test_a_code_list_reads_as_labels_in_the_readers_language():
    encoded = {
        "key": "protection.exclusion.one_f",
        "text": "Art 1F indicator(s): %(indicators)s. Exclusion needs serious reasons for considering the person responsible, assessed individually; membership of a group is not enough (CJEU B and D, C-57/09 and C-101/09; Ezokola 2013 SCC 40).",
        "params": {"indicators": {"codes": ["serious_non_political_crime"], "separator": ", "}},
    }
    with translation.override("fr"):
        shown = render(encoded)
    assert shown.startswith("Indicateur(s) de l")
    assert "serious_non_political_crime" not in shown
    assert "serious non political crime" not in shown


def assess_case(client, case):
    return client.post(
        reverse("cases:assessment_new", kwargs={"case_id": case.pk}),
        {
            "submission_token": str(uuid.uuid4()),
            "staff_risk_level": "medium",
            "defender_risk_level": "critical",
            "staff_decision": "",
        },
    )


@pytest.mark.django_db
def test_a_new_assessment_reads_in_spanish_and_an_old_one_in_english(
    organisation, caseworker, sign_in_as
):
    """New assessments store keys and parameters; one stored before shows its English, marked en."""
    case = assigned_case(organisation, caseworker, facts=tension_facts())
    client = sign_in_as(caseworker)
    assess_case(client, case)
    assessment = Assessment.objects.get()
    assert assessment.output_messages["protection"]["reasons"][0]["key"].startswith("protection.")
    english = assessment.output["protection"]["elements"]["credibility"]["reasons"][0]
    with translation.override("es"):
        spanish = render(
            assessment.output_messages["protection"]["elements"]["credibility"]["reasons"][0]
        )
    assert spanish != english

    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    url = reverse("cases:assessment", kwargs={"assessment_id": assessment.pk})
    page = client.get(url).content.decode()
    protection = page[page.index('id="protection"') :]
    assert spanish in protection
    assert english not in protection
    assert '<ul lang="es" dir="ltr">' in protection

    Assessment.objects.filter(pk=assessment.pk).update(output_messages=None)
    page = client.get(url).content.decode()
    protection = page[page.index('id="protection"') :]
    assert english in protection
    assert '<ul lang="en" dir="ltr">' in protection
    assert '<ul lang="es"' not in protection
