"""
The case page's list of next moves, and the move form's tick-boxes, read in the member's language
(issue 9): the target status and the unmet requirements by their translated labels, the rule by
its name, never the lifecycle machine's English, its status codes or a repository path.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from haven.cases.models import CASE_STATUS_LABELS
from haven.cases.requirements import REQUIREMENT_LABELS, RULE_SOURCE_LABELS
from haven.domain.lifecycle import CASE_TRANSITIONS, CaseStatus, Requirement
from tests.cases.factories import assigned_case

pytestmark = pytest.mark.django_db


def _spanish(client, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client.get(url).content.decode()


def test_the_case_pages_moves_read_in_spanish(organisation, caseworker, sign_in_as):
    """A new case can move to screening once consent is recorded: the page says so in Spanish."""
    case = assigned_case(organisation, caseworker)
    page = _spanish(sign_in_as(caseworker), reverse("cases:detail", kwargs={"case_id": case.pk}))
    with translation.override("es"):
        needs = escape(str(REQUIREMENT_LABELS[Requirement.CONSENT_TO_PROCESSING_RECORDED]))
        screening = str(CASE_STATUS_LABELS[CaseStatus.SCREENING])

    moves = page[page.index('id="case-moves"') :]
    assert f"Pasar a <strong>{screening}</strong>" in moves
    assert screening != "Screening"
    assert needs in moves
    assert "Start the screening" not in moves  # the machine's label of the move
    assert "needs:" not in moves  # the machine's reasons
    assert "may do this" not in moves
    assert ".md" not in moves
    assert 'lang="en"' not in moves[: moves.index("</section>")]


def test_the_move_forms_tick_boxes_are_requirement_labels(organisation, caseworker, sign_in_as):
    """The requirements to confirm are their translated labels, as is the list of moves above."""
    case = assigned_case(organisation, caseworker)
    page = _spanish(
        sign_in_as(caseworker), reverse("cases:transition", kwargs={"case_id": case.pk})
    )
    with translation.override("es"):
        needs = escape(str(REQUIREMENT_LABELS[Requirement.CONSENT_TO_PROCESSING_RECORDED]))

    assert needs in page
    assert "needs:" not in page
    assert "Start the screening" not in page


def test_every_rule_of_the_case_machine_has_a_label():
    assert {transition.rule_source for transition in CASE_TRANSITIONS} <= set(RULE_SOURCE_LABELS)
    assert not any(".md" in str(label) for label in RULE_SOURCE_LABELS.values())
