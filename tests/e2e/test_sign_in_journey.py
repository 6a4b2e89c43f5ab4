"""Signing in and out in a real browser, with and without JavaScript (TOR-02, AUTH-03)."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_password_totp_dashboard_logout(
    request, page_fixture, live_server, caseworker, sign_in_through_browser
):
    """A caseworker signs in with password and TOTP, sees the dashboard, and logs out."""
    page = request.getfixturevalue(page_fixture)

    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")
    heading = page.text_content("main h1")
    organisation_line = page.text_content("main p")
    page.click("header nav button[type=submit]")
    page.wait_for_url("**/accounts/login/")
    page.goto(f"{live_server.url}/")

    assert heading == "Dashboard"
    assert "Harbour Light" in organisation_line
    assert "/accounts/login/" in page.url


def test_a_wrong_code_keeps_the_browser_out(page_without_js, live_server, caseworker):
    """A wrong second factor shows a clear message and does not open the dashboard."""
    page = page_without_js
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", caseworker.username)
    page.fill("#id_password", "correct horse battery staple 7")
    page.click("main button[type=submit]")
    page.fill("#id_code", "000000")
    page.click("main button[type=submit]")

    assert "not accepted" in page.text_content("main")
    page.goto(f"{live_server.url}/")
    assert "/accounts/two-factor/" in page.url
