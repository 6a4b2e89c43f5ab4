"""
The case page costs what it shows (issue 17): forms of rare actions open on their own pages, the
panels' shared questions are asked once, and templates come from the cached loader.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext, override_script_prefix
from django.urls import reverse

from haven.cases.access import may_see_case
from haven.cases.models import Prosecution
from haven.cases.reading import one_reading, read_once
from haven.cases.services import details_record
from haven.cases.vocabulary import term
from haven.organisations.models import Role
from haven.organisations.policy import Permission
from tests.cases.factories import assigned_case, membership_of
from tests.conftest import make_member

pytestmark = pytest.mark.django_db

RARE_ACTIONS = {
    "cases:settings": 'name="next_due_on"',
    "cases:transition": 'name="target"',
    "cases:attachment_add": 'type="file"',
}
#: Notes are frequent, but a form's widgets cost more than its link: every view of the case paid
#: for a note form that few of them open.
FORM_PAGES = {**RARE_ACTIONS, "cases:note_add": 'name="body"'}


def test_the_case_page_links_to_forms_which_open_on_their_own_page(
    organisation, caseworker, sign_in_as
):
    """No urgency, move, upload or note form on the case page; each link opens its form."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)

    page = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()

    for name, field in FORM_PAGES.items():
        url = reverse(name, kwargs={"case_id": case.pk})
        assert f'href="{url}"' in page
        assert field not in page
        own_page = client.get(url)
        assert own_page.status_code == 200
        assert field in own_page.content.decode()
        assert _posts_to(url, own_page.content.decode())
    # Past the team's assign buttons, the case page holds no form at all.
    assert "<form" not in page.split('id="case-team"')[1].split("</main>")[0]


def _posts_to(url: str, page: str) -> bool:
    """Whether the page's form posts to ``url``, named or (no action) as the page's own address."""
    form = page.split("<main", 1)[1].split('<form method="post"', 1)[1].split(">", 1)[0]
    return f'action="{url}"' in form or "action=" not in form


def test_a_note_is_added_on_its_own_page(organisation, caseworker, sign_in_as):
    """The note page saves the note, then returns to the case page, which shows it."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:note_add", kwargs={"case_id": case.pk})
    token = client.get(url).context["form"].initial["submission_token"]

    response = client.post(
        url, {"body": "Called back on the safe line.", "submission_token": token}
    )

    case_url = reverse("cases:detail", kwargs={"case_id": case.pk})
    assert response.status_code == 302
    assert response["Location"] == case_url
    assert "Called back on the safe line." in client.get(case_url).content.decode()


def test_forms_pages_answer_404_outside_the_case_team(organisation, caseworker, sign_in_as):
    """A caseworker not assigned to the case cannot open its forms either (AZ-03)."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(make_member(organisation, Role.CASEWORKER, "outsider.caseworker"))

    for name in FORM_PAGES:
        assert client.get(reverse(name, kwargs={"case_id": case.pk})).status_code == 404


def _revisit(client, url: str) -> CaptureQueriesContext:
    """The queries of one more visit to ``url`` (the first visit warms what is cached)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return captured


def _assigned_case_page_queries(organisation, caseworker, sign_in_as) -> CaptureQueriesContext:
    """The queries of a second visit to the page of a case assigned to ``caseworker``."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    client.get(url)
    return _revisit(client, url)


def test_the_case_page_asks_once_whether_the_member_sees_the_case(
    organisation, caseworker, sign_in_as
):
    """The case is found with its sight check; the panels' own checks add no query."""
    captured = _assigned_case_page_queries(organisation, caseworker, sign_in_as)

    case_reads = [q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert len(case_reads) == 1


def test_a_reading_keeps_answers_only_inside_it(organisation, caseworker):
    """Outside ``one_reading`` every question is asked again, so no write is ever read stale."""
    calls = []

    def ask() -> int:
        calls.append(1)
        return len(calls)

    with one_reading():
        assert read_once("question", ask) == read_once("question", ask) == 1
    assert read_once("question", ask) == 2
    assert read_once("question", ask) == 3

    case = assigned_case(organisation, caseworker)
    membership = membership_of(caseworker, organisation)
    with one_reading():
        assert may_see_case(membership, Permission.CASE_VIEW, case)
        case.assignments.all().delete()
        assert may_see_case(membership, Permission.CASE_VIEW, case)  # the page's one reading
    assert not may_see_case(membership, Permission.CASE_VIEW, case)


def test_templates_come_from_the_cached_loader():
    """Production and the demo set no loaders, so Django wraps them in its cached loader."""
    assert "loaders" not in settings.TEMPLATES[0].get("OPTIONS", {})
    [(loader, _wrapped)] = engines["django"].engine.loaders
    assert loader == "django.template.loaders.cached.Loader"


def test_the_case_page_reads_the_stay_once_for_every_panel(organisation, coordinator, sign_in_as):
    """A stay under way feeds the lifecycle, the tension and the deadline panels from one query."""
    from tests.relocations.factories import arrived_stay

    stay = arrived_stay(organisation, coordinator)
    client = sign_in_as(coordinator)
    url = reverse("cases:detail", kwargs={"case_id": stay.case_id})
    client.get(url)

    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)

    assert page.status_code == 200
    assert len(_table_reads(captured, "relocations_stay")) == 1


#: The tables the other apps' contributions to the case page read (the lifecycle's requirements,
#: the asylum notices, the tension panel, the portal thread).
OTHER_APPS_TABLES = (
    "relocations_stay",
    "asylum_procedurestep",
    "asylum_consentconversation",
    "asylum_legalopinion",
    "programmes_application",
    "portal_referral",
)


def test_the_other_apps_questions_are_answered_in_the_case_query(
    organisation, caseworker, sign_in_as
):
    """
    A case with no stay, asylum record, application or referral costs the other apps' panels and
    requirement checks no query of their own: the case's query answers whether each has rows.
    """
    captured = _assigned_case_page_queries(organisation, caseworker, sign_in_as)

    for table in OTHER_APPS_TABLES:
        assert not _table_reads(captured, table), table
    [case_read] = [q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"]]
    for table in OTHER_APPS_TABLES:
        assert f'FROM "{table}"' in case_read, table


def _statements(captured) -> list[str]:
    """Every statement run, those sent together in one round trip (``round_trips``) included."""
    return [query["sql"] for query in captured.captured_queries]


def _table_reads(captured, table: str) -> list[str]:
    """Queries that read ``table`` itself (the case's query only asks whether it holds a row)."""
    return [sql for sql in _statements(captured) if sql.startswith(f'SELECT "{table}"')]


def test_the_case_page_reads_only_the_record_tables_that_hold_rows(
    organisation, caseworker, sign_in_as
):
    """A case without prosecutions costs no read of them; once one is recorded, the page lists it."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    client.get(url)

    empty = _revisit(client, url)
    details_record(
        membership=membership_of(caseworker, organisation),
        case=case,
        model=Prosecution,
        details={"charge": "foreign_agent", "stage": "charged"},
    )
    with CaptureQueriesContext(connection) as recorded:
        page = client.get(url)

    assert not _table_reads(empty, "cases_prosecution")
    assert len(_table_reads(recorded, "cases_prosecution")) == 1
    assert len(_statements(recorded)) == len(_statements(empty)) + 1
    assert f"{term('foreign_agent')} · {term('charged')}" in page.content.decode()


def test_the_case_page_sight_check_keeps_need_to_know(organisation, caseworker, sign_in_as):
    """
    AZ-03 through the case page's one query: the assigned member and a live break-glass grant
    see the case; an unassigned colleague, an expired grant and a removed assignment (on the very
    next request) get 404.
    """
    from datetime import timedelta

    from django.utils import timezone

    from haven.cases.models import Assignment, BreakGlassGrant

    case = assigned_case(organisation, caseworker)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    colleague = make_member(organisation, Role.CASEWORKER, "colleague.caseworker")
    colleague_client = sign_in_as(colleague)
    assert colleague_client.get(url).status_code == 404

    grant = BreakGlassGrant(
        case=case,
        organisation_id=case.organisation_id,
        membership=membership_of(colleague, organisation),
        reason="The defender is in danger tonight",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    grant.save()
    assert colleague_client.get(url).status_code == 200
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert colleague_client.get(url).status_code == 404

    client = sign_in_as(caseworker)
    assert client.get(url).status_code == 200
    Assignment.objects.filter(case=case).delete()
    assert client.get(url).status_code == 404


#: Links the case page shows a caseworker on the case's team.
SHOWN_LINKS = (
    "cases:reveal",
    "cases:settings",
    "cases:transition",
    "cases:threat_add",
    "cases:note_add",
)


def test_the_case_pages_links_follow_the_script_prefix(organisation, caseworker, sign_in_as):
    """Reversed once per process, the links still follow the prefix the site is served under."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    path = reverse("cases:detail", kwargs={"case_id": case.pk})
    urls = [reverse(name, kwargs={"case_id": case.pk}) for name in SHOWN_LINKS]
    urls.append(reverse("cases:facts_section", kwargs={"case_id": case.pk, "section": "claim"}))

    for prefix in ("", "/haven", ""):
        with override_script_prefix(prefix + "/"):
            page = client.get(path).content.decode()
        for url in urls:
            assert f'href="{prefix}{url}"' in page
