"""
Security headers on every page, and nothing loaded from another host (WEB-03..06, TOR-01).

Pages are found by walking the URL patterns, so new apps' pages are checked as they appear.
"""

import re
from pathlib import Path

import pytest

from haven.accounts.access import AccessKind, policy_of
from tests.web.url_walk import all_routes

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "haven"
ROUTES = all_routes()
PUBLIC = [r for r in ROUTES if policy_of(r.pattern.callback).kind == AccessKind.PUBLIC]

# Any src, href, action, srcset or CSS url() that names a host ("//host" or "scheme://host").
FOREIGN_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*|url\(\s*["']?\s*)"""
    r"""(?:[a-z][a-z0-9+.-]*:)?//""",
    re.IGNORECASE,
)


def assert_hardened(response, *, signed_in: bool) -> None:
    csp = response["Content-Security-Policy"]
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in csp.split(";") if part.strip()
    )
    if response.get("Content-Disposition", "").startswith("attachment"):
        # A download carries the stricter sandbox policy instead, with nothing allowed (UPL-06).
        assert "sandbox" in directives
        assert directives["default-src"] == "'none'"
    else:
        assert directives["default-src"] == "'self'"
        assert "'unsafe-inline'" not in directives["script-src"]
        if b"<script" in response.content:
            assert "'nonce-" in directives["script-src"]
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
    assert "http" not in csp and "*" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    for feature in ("camera", "geolocation", "microphone"):
        assert f"{feature}=()" in response["Permissions-Policy"]
    assert "Server" not in response
    if signed_in:
        assert "no-store" in response["Cache-Control"]


def assert_no_foreign_host(html: str) -> None:
    match = FOREIGN_REFERENCE.search(html)
    assert match is None, f"reference to another host: {html[match.start() : match.start() + 80]!r}"


@pytest.mark.parametrize("route", PUBLIC, ids=str)
def test_public_pages_are_hardened(route, client, organisation, coordinator):
    """Public pages carry the strict CSP and browser-hardening headers (WEB-03, WEB-04)."""
    response = client.get(route.url(organisation, coordinator))

    if response.status_code != 405:
        assert_hardened(response, signed_in=False)
        assert_no_foreign_host(response.content.decode())


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_signed_in_pages_are_hardened_and_never_cached(
    route, organisation, coordinator, sign_in_as
):
    """Every page a coordinator can open is hardened and marked no-store (WEB-03..05, TOR-01)."""
    client = sign_in_as(coordinator)

    response = client.get(route.url(organisation, coordinator))

    # The JSON API ignores the session and answers 401 without a token: hardened all the same.
    expected = {200, 302, 404, 405} | ({401} if route.name.startswith("api:") else set())
    assert response.status_code in expected
    assert_hardened(response, signed_in=True)
    assert_no_foreign_host(response.content.decode())


def test_the_scan_catches_a_foreign_host():
    """The scan itself notices scripts, links and CSS from elsewhere."""
    for html in (
        '<script src="https://cdn.example.org/x.js"></script>',
        "<link href=//fonts.example.net/css>",
        "body { background: url('http://tracker.example/p.png') }",
    ):
        with pytest.raises(AssertionError):
            assert_no_foreign_host(html)
    assert_no_foreign_host(
        '<a href="/accounts/login/">x</a><svg xmlns="http://www.w3.org/2000/svg">'
    )


@pytest.mark.parametrize(
    "path",
    sorted([*PACKAGE.glob("templates/**/*.html"), *PACKAGE.glob("static/haven/**/*.css")]),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_no_template_or_stylesheet_names_another_host(path):
    """No template or stylesheet refers to another host, even on pages no test reaches (TOR-01)."""
    assert_no_foreign_host(path.read_text())


def test_error_pages_are_generic(client, db):
    """A missing page shows the generic page, with no framework banner or traceback (WEB-06)."""
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Traceback" not in body and "Django" not in body
    assert_hardened(response, signed_in=False)


def test_a_request_for_another_host_is_refused(client, db):
    """A Host header that is not ours gets 400 (WEB-01)."""
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")

    assert response.status_code == 400
