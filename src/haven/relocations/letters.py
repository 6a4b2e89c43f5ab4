"""
The invitation letter for the consulate, as a PDF in the case's language.

The letter carries what a consulate needs to issue the visa and nothing more: who is invited
(name, nationality, passport number), by which programme, to which city, from when until when,
and what the programme covers. Never the threats, the risk, or why the defender needs to leave.

PDF library: fpdf2 (maintained, pure Python, installs from a PyPI wheel with hashes) with
uharfbuzz for text shaping. HarfBuzz joins Arabic letters into their contextual forms and fpdf2
applies the Unicode bidirectional algorithm, so the Arabic letter is real right-to-left text a
consulate officer (and a test, through pypdf) can read and copy; the font, DejaVu Sans (free
licence beside it in ``haven/data/fonts``), covers Latin and Arabic script and is embedded.
"""

import datetime
import string
from collections.abc import Mapping
from importlib import resources
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF, XPos, YPos

from haven.accounts.acting import record_action
from haven.audit.events import EventType
from haven.cases.selectors import case_facts, case_principal_defender
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.programmes.models import Programme
from haven.relocations.models import LetterLanguage, LetterTemplate, Stay
from haven.relocations.services import record_stay_event
from haven.vault.keyring import keyring_scope

#: The placeholders a template may use, each filled from the stay when the letter is made.
PLACEHOLDERS = (
    "name",
    "nationality",
    "passport",
    "programme",
    "operator",
    "organisation",
    "host_city",
    "host_country",
    "start",
    "end",
    "today",
)

DEFAULT_TEXTS = {
    "en": (
        "To the consular section\n\n"
        "{organisation} confirms that {name}, a national of {nationality}, passport {passport}, "
        "is invited to take part in {programme} ({operator}) in {host_city}, {host_country}, "
        "from {start} to {end}.\n\n"
        "The programme covers travel, housing, health insurance and living costs for the whole "
        "stay. The stay is temporary and ends on {end}.\n\n"
        "We ask you to consider the visa application favourably.\n\n"
        "{organisation}, {today}"
    ),
    "es": (
        "A la sección consular\n\n"
        "{organisation} confirma que {name}, de nacionalidad {nationality}, pasaporte {passport}, "
        "está invitada o invitado a participar en {programme} ({operator}) en {host_city}, "
        "{host_country}, del {start} al {end}.\n\n"
        "El programa cubre el viaje, el alojamiento, el seguro médico y los gastos de vida "
        "durante toda la estancia. La estancia es temporal y termina el {end}.\n\n"
        "Les rogamos que consideren favorablemente la solicitud de visado.\n\n"
        "{organisation}, {today}"
    ),
    "fr": (
        "À la section consulaire\n\n"
        "{organisation} confirme que {name}, de nationalité {nationality}, passeport {passport}, "
        "est invité·e à participer à {programme} ({operator}) à {host_city}, {host_country}, "
        "du {start} au {end}.\n\n"
        "Le programme prend en charge le voyage, le logement, l'assurance maladie et les frais "
        "de séjour pendant tout le séjour. Le séjour est temporaire et prend fin le {end}.\n\n"
        "Nous vous prions de bien vouloir examiner favorablement la demande de visa.\n\n"
        "{organisation}, {today}"
    ),
    "ar": (
        "إلى القسم القنصلي\n\n"
        "تؤكد {organisation} أن {name}، من جنسية {nationality}، جواز سفر رقم {passport}، "
        "مدعو للمشاركة في {programme} ({operator}) في {host_city}، {host_country}، "
        "من {start} إلى {end}.\n\n"
        "يغطي البرنامج السفر والسكن والتأمين الصحي ونفقات المعيشة طوال مدة الإقامة. "
        "الإقامة مؤقتة وتنتهي في {end}.\n\n"
        "نرجو منكم النظر في طلب التأشيرة بعين الإيجاب.\n\n"
        "{organisation}، {today}"
    ),
}

UNKNOWN_PLACEHOLDER = _(
    "The template uses %(placeholder)s, which Haven cannot fill. Use only the listed placeholders."
)
NOT_RECORDED = "—"


class LetterError(ApplicationError):
    """A letter template that cannot be used; nothing was saved."""


def template_problem(body: str) -> str | None:
    """The first placeholder in ``body`` Haven cannot fill, or None when the template is usable."""
    try:
        fields = [name for _text, name, _spec, _conv in string.Formatter().parse(body) if name]
    except ValueError:
        return "{"
    unknown = [name for name in fields if name not in PLACEHOLDERS]
    return f"{{{unknown[0]}}}" if unknown else None


def template_text(programme: Programme, language: str) -> str:
    """The programme's own wording in ``language``, or Haven's default."""
    own = LetterTemplate.objects.filter(programme=programme, language=language).first()
    return own.body if own is not None else DEFAULT_TEXTS[language]


@transaction.atomic
def template_save(
    *, membership: Membership, programme: Programme, language: str, body: str
) -> LetterTemplate:
    """
    Save a programme's wording of the letter in one language. Permission: MANAGE_PROGRAMMES.
    Side effect: ``programme.updated`` naming the letter language. Raises LetterError for a
    placeholder Haven cannot fill.
    """
    if not may(membership, Permission.MANAGE_PROGRAMMES, programme):
        raise Http404
    problem = template_problem(body)
    if problem:
        raise LetterError(UNKNOWN_PLACEHOLDER, placeholder=problem)
    template, _created = LetterTemplate.objects.update_or_create(
        programme=programme,
        language=language,
        defaults={
            "organisation_id": programme.organisation_id,
            "body": body.strip(),
            "updated_by": membership.user,
            "updated_at": timezone.now(),
        },
    )
    record_action(
        EventType.PROGRAMME_UPDATED,
        membership,
        programme,
        {"fields": ["letter_template"], "language": language},
    )
    return template


def case_language(facts: Mapping[str, Any]) -> str:
    """The first of the defender's languages a letter exists in; English otherwise."""
    for language in facts.get("defender", {}).get("languages", []):
        if language in LetterLanguage.values:
            return str(language)
    return LetterLanguage.EN


def _values(membership: Membership, stay: Stay, facts: Mapping[str, Any]) -> dict[str, str]:
    defender = case_principal_defender(membership=membership, case=stay.case)
    nationalities = facts.get("defender", {}).get("nationalities", [])
    programme = stay.programme
    return {
        "name": (defender.legal_name if defender else None) or NOT_RECORDED,
        "passport": (defender.document_number if defender else None) or NOT_RECORDED,
        "nationality": ", ".join(nationalities) or NOT_RECORDED,
        "programme": programme.name,
        "operator": programme.operator or programme.name,
        "organisation": stay.case.organisation.name,
        "host_city": stay.host_city or NOT_RECORDED,
        "host_country": stay.host_country or NOT_RECORDED,
        "start": stay.planned_start.isoformat(),
        "end": stay.planned_end.isoformat(),
        "today": timezone.localdate().isoformat(),
    }


def render_pdf(text: str, *, language: str) -> bytes:
    """Lay ``text`` out on A4 in the embedded font, right to left for Arabic."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    font = resources.files("haven").joinpath("data/fonts/DejaVuSans.ttf")
    with resources.as_file(font) as path:
        pdf.add_font("DejaVuSans", fname=str(path))
    pdf.set_font("DejaVuSans", size=11)
    right_to_left = language == LetterLanguage.AR
    if right_to_left:
        pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="ar")
    else:
        pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
    try:
        for paragraph in text.split("\n"):
            pdf.multi_cell(
                0,
                6,
                paragraph or " ",
                align="R" if right_to_left else "L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        return bytes(pdf.output())
    finally:
        # fontTools reads the font lazily and keeps the file open until told otherwise.
        for loaded in pdf.fonts.values():
            opened = getattr(loaded, "ttfont", None)
            if opened is not None:
                opened.close()


@transaction.atomic
def letter_generate(*, membership: Membership, stay: Stay, language: str) -> bytes:
    """
    Make the consulate letter for ``stay`` in ``language``. It reads the defender's name and
    passport number, so it is audited like a reveal. Permission: STAY_MANAGE. Side effect:
    ``relocation.letter_generated`` with the language only.
    """
    if not may(membership, Permission.STAY_MANAGE, stay) or language not in LetterLanguage.values:
        raise Http404
    with keyring_scope():
        facts = case_facts(membership=membership, case=stay.case)
        text = template_text(stay.programme, language).format_map(_values(membership, stay, facts))
    record_stay_event(membership, stay, EventType.STAY_LETTER_GENERATED, language=language)
    return render_pdf(text, language=language)
