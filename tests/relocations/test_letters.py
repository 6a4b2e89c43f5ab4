"""
The consulate letter: generated in the case's language from the programme's template, read
back from the PDF, carrying nothing beyond what the consulate needs (issue 12 item 2).
"""

import io

import pypdf
import pytest

from haven.audit.models import AuditEvent
from haven.relocations import letters
from tests.relocations.factories import membership_of, open_stay

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_arabic_letter_holds_arabic_text_read_back_from_the_pdf(organisation, coordinator):
    stay = open_stay(organisation, coordinator)

    pdf = letters.letter_generate(
        membership=membership_of(coordinator, organisation), stay=stay, language="ar"
    )

    text = _text(pdf)
    assert pdf.startswith(b"%PDF")
    assert "القسم القنصلي" in text
    assert "Ilse Marrowfield" in text
    assert "يغطي البرنامج السفر والسكن" in text


def test_the_letter_names_only_what_the_consulate_needs(organisation, coordinator):
    stay = open_stay(organisation, coordinator)

    text = _text(
        letters.letter_generate(
            membership=membership_of(coordinator, organisation), stay=stay, language="en"
        )
    )

    assert "Harbour Test Fellowship" in text
    assert "Leiden" in text
    # The case's threat (a death threat linked to their work) and needs never reach the consulate.
    for secret in ("death", "threat", "ground-floor"):
        assert secret not in text.lower()
    event = AuditEvent.objects.get(event_type="relocation.letter_generated")
    assert event.data["language"] == "en"


def test_a_programme_template_replaces_the_default(organisation, coordinator):
    stay = open_stay(organisation, coordinator)
    member = membership_of(coordinator, organisation)
    letters.template_save(
        membership=member,
        programme=stay.programme,
        language="fr",
        body="Madame, Monsieur, {name} séjournera à {host_city} jusqu'au {end}.",
    )

    text = _text(letters.letter_generate(membership=member, stay=stay, language="fr"))

    assert "séjournera à Leiden" in text


def test_a_template_with_an_unknown_placeholder_is_refused(organisation, coordinator):
    stay = open_stay(organisation, coordinator)

    with pytest.raises(letters.LetterError, match="threat_history"):
        letters.template_save(
            membership=membership_of(coordinator, organisation),
            programme=stay.programme,
            language="en",
            body="Invited: {name}. Background: {threat_history}.",
        )
    assert not stay.programme.letter_templates.exists()


def test_the_letter_language_follows_the_case():
    assert letters.case_language({"defender": {"languages": ["ps", "ar", "en"]}}) == "ar"
    assert letters.case_language({"defender": {"languages": ["ps"]}}) == "en"
