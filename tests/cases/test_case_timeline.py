"""
The case page shows the latest timeline entries; the case's timeline page shows every one (issue 17:
rendering every entry was the page's largest cost). Both are plain pages, no JavaScript.
"""

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.cases.services import note_add
from haven.cases.views.case_page import TIMELINE_ON_CASE_PAGE
from tests.acting import acting
from tests.cases.factories import assigned_case

pytestmark = pytest.mark.django_db


def _notes(case, caseworker, count):
    for index in range(count):
        note_add(membership=acting(caseworker), case=case, body=f"Timeline note {index:02d}")


def test_the_case_page_shows_the_latest_entries_and_links_to_the_rest(
    organisation, caseworker, sign_in_as
):
    case = assigned_case(organisation, caseworker)
    _notes(case, caseworker, TIMELINE_ON_CASE_PAGE + 3)
    client = sign_in_as(caseworker)

    page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()

    last = TIMELINE_ON_CASE_PAGE + 2
    assert f"Timeline note {last:02d}" in page
    assert "Timeline note 00" not in page
    assert reverse("cases:timeline", kwargs={"case_id": case.pk}) in page


def test_the_timeline_page_shows_every_entry_and_is_audited(organisation, caseworker, sign_in_as):
    case = assigned_case(organisation, caseworker)
    _notes(case, caseworker, TIMELINE_ON_CASE_PAGE + 3)
    client = sign_in_as(caseworker)
    before = AuditEvent.objects.count()

    response = client.get(reverse("cases:timeline", kwargs={"case_id": case.pk}))

    page = response.content.decode()
    assert response.status_code == 200
    for index in range(TIMELINE_ON_CASE_PAGE + 3):
        assert f"Timeline note {index:02d}" in page
    assert AuditEvent.objects.count() == before + 1


def test_a_short_timeline_has_no_link(organisation, caseworker, sign_in_as):
    case = assigned_case(organisation, caseworker)
    _notes(case, caseworker, 2)
    client = sign_in_as(caseworker)

    page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()

    assert "Timeline note 01" in page
    assert reverse("cases:timeline", kwargs={"case_id": case.pk}) not in page


@pytest.mark.parametrize(
    ("extra", "language", "sentence"),
    [
        (1, "en", "The full timeline (one earlier entry)"),
        (3, "en", "The full timeline (3 earlier entries)"),
        (2, "ar", "السجل الزمني الكامل (إدخالان سابقان)"),
        (3, "ar", "السجل الزمني الكامل (٣ إدخالات سابقة)"),
    ],
)
def test_the_link_to_the_rest_counts_them_in_the_readers_language_and_digits(
    organisation, caseworker, sign_in_as, extra, language, sentence
):
    case = assigned_case(organisation, caseworker)
    _notes(case, caseworker, TIMELINE_ON_CASE_PAGE + extra)
    client = sign_in_as(caseworker)

    page = client.get(
        reverse("cases:detail", kwargs={"case_id": case.pk}), headers={"accept-language": language}
    ).content.decode()

    assert f"\n    {sentence}</a></p>" in page
