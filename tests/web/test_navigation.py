"""The main navigation lists the links the member's role grants, with URLs reversed once."""

import pytest
from django.urls import reverse

from haven.organisations.models import Role
from tests.conftest import make_member


def _navigation(client) -> list[tuple[str, str]]:
    response = client.get("/")
    assert response.status_code == 200
    return [(str(label), url) for label, url in response.context["haven_navigation"]]


@pytest.mark.django_db
def test_a_caseworker_sees_cases_but_not_the_audit_log(sign_in_as, caseworker):
    links = _navigation(sign_in_as(caseworker))
    assert ("Cases", "/cases/") in links
    assert links[0][0] == "Dashboard"
    assert links[-1][0] == "Security and sessions"
    assert "Audit log" not in {label for label, _ in links}
    assert "Members" not in {label for label, _ in links}


@pytest.mark.django_db
def test_a_host_partner_is_offered_the_stays_to_host(sign_in_as, organisation):
    links = _navigation(sign_in_as(make_member(organisation, Role.HOST_PARTNER, "nav.host")))
    labels = {label for label, _ in links}
    assert "Stays to host" in labels
    assert "Stays" not in labels
    assert "Cases" not in labels


def test_the_sign_in_page_has_no_navigation(client, db):
    response = client.get("/accounts/login/")
    assert list(response.context["haven_navigation"]) == []


@pytest.mark.django_db
def test_the_layout_names_the_members_role_and_posts_log_out_to_its_page(sign_in_as, caseworker):
    """The role's label, in the reader's language, and the log-out address, reversed once."""
    response = sign_in_as(caseworker).get("/", headers={"accept-language": "es"})

    page = response.content.decode()
    assert f'action="{reverse("accounts:logout")}"' in page
    assert "· Gestor/a de casos</span>" in page


@pytest.mark.django_db
def test_the_links_follow_the_readers_language_request_by_request(sign_in_as, caseworker):
    """The labels a role is offered are worked out once per language, never in another one."""
    client = sign_in_as(caseworker)

    for language, cases in [("es", "Casos"), ("en", "Cases"), ("es", "Casos"), ("ar", "الحالات")]:
        page = client.get("/", headers={"accept-language": language}).content.decode()
        assert f'<a href="/cases/">{cases}</a>' in page


def test_the_language_choice_names_each_language_in_its_own_words(client, db):
    page = client.get("/accounts/login/", headers={"accept-language": "fr"}).content.decode()

    assert '<option value="fr" selected lang="fr">' in page
    assert "español</option>" in page
    assert f'<form method="post" action="{reverse("set_language")}" class="language">' in page
