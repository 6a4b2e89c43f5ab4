"""
Every page a person can reach reads as a product, not as a program (issue 15).

The demo is seeded, then each role signs in through the real forms and follows the links on
every page, starting from the dashboard, at a phone's width. Each page must answer without a
server error, show no developer vocabulary in its visible text (snake_case words, ``None``,
``True``, ``False``, Python reprs), fit a 390-pixel screen (WEB-01 reads on a phone), and pass
axe-core's accessibility rules. axe-core is vendored under ``tests/e2e/vendor`` for this test
only; the browser context bypasses the site's CSP to inject it, and no page of Haven loads it.
"""

import base64
import re
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from haven.accounts import totp
from haven.accounts.acting import SYSTEM
from haven.demo import seed_all
from haven.demo.platform import DEMO_PASSWORD
from haven.organisations.models import Organisation
from haven.programmes.models import IntakeWindow
from haven.programmes.services import matching_run_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
PHONE = {"width": 390, "height": 844}
WIDEST_ALLOWED = 400
# Enough pages of each kind to catch a template's faults without walking every case twice over.
PAGES_PER_ROUTE = 2
# Links that change state or leave the signed-in session: following them would end the walk.
NOT_FOLLOWED = {"accounts:logout", "set_language"}

# Arabic-Indic and Persian digits: the reader's digits in Arabic, never in what machines read.
LOCALE_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
# A case code, stay reference or receipt written with such digits: identifiers keep 0-9.
LOCALISED_IDENTIFIER = re.compile("[A-Z]{2,}-[0-9A-Z\u0660-\u0669]*[\u0660-\u0669]")

RAW_IDENTIFIER = re.compile(
    r"\b[a-z]+(?:_[a-z0-9]+)+\b"  # snake_case words
    r"|\b(?:None|True|False)\b"
    r"|<[A-Za-z_.]+ object at 0x"  # a Python repr
    r"|\{'|\['|\[\]|\{\}"  # a dict or list printed as Python
)


def _sign_in(page, base: str, username: str, secret: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/")
    secret_bytes = _base32(secret)
    page.fill("#id_code", totp.current_code(secret_bytes))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def _base32(text: str) -> bytes:
    compact = text.replace(" ", "")
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _links(page, base: str) -> list[str]:
    # A link marked ``download`` fetches a file (a report's CSV), not a page to read.
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(link => link.href)"
    )
    found = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        if url.startswith(base):
            found.append(url)
    return found


def _problems(page, response, usernames: set[str]) -> list[str]:
    problems = []
    if response is None or response.status >= 500:
        return [f"server error {response.status if response else 'none'}"]
    if "text/html" not in (response.headers.get("content-type") or ""):
        return []
    # Text marked translate="no" is literal on purpose (a placeholder to type, a token prefix).
    text = page.evaluate(
        """() => { const copy = document.body.cloneNode(true);
                   copy.querySelectorAll('[translate="no"]').forEach((node) => node.remove());
                   document.documentElement.appendChild(copy);
                   const text = copy.innerText; copy.remove(); return text; }"""
    )
    for username in usernames:
        text = text.replace(username, "")
    raw = sorted(set(RAW_IDENTIFIER.findall(text)))
    if raw:
        problems.append(f"raw identifiers {raw[:8]}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > WIDEST_ALLOWED:
        problems.append(f"{width}px wide at 390px")
    page.add_script_tag(content=AXE)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ' (' + v.nodes.length + ')')"
    )
    if violations:
        problems.append(f"axe: {violations}")
    return problems


def _ascii_identifiers(page) -> list[str]:
    """In Arabic: links, form values and data attributes keep 0-9, and so do case codes."""
    machine_read = page.evaluate(
        """() => [...document.querySelectorAll('a[href], input[value], option[value], [data-pow-bits]')]
                   .map((node) => node.getAttribute('href') || node.getAttribute('value')
                        || node.getAttribute('data-pow-bits') || '')"""
    )
    problems = [
        f"locale digits in {value!r}" for value in machine_read if LOCALE_DIGITS.search(value)
    ]
    codes = LOCALISED_IDENTIFIER.findall(page.evaluate("document.body.innerText"))
    if codes:
        problems.append(f"identifiers in locale digits {codes[:4]}")
    return problems


def _walk(
    page,
    base: str,
    usernames: set[str],
    per_route_limit: int = PAGES_PER_ROUTE,
    also: Callable[[Any], list[str]] | None = None,
) -> dict[str, list[str]]:
    seen: set[str] = set()
    per_route: dict[str, int] = {}
    queue = deque([f"{base}/"])
    faults: dict[str, list[str]] = {}
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        route = _route(urlsplit(url).path)
        if route is None or route in NOT_FOLLOWED:
            continue
        if per_route.get(route, 0) >= per_route_limit:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        response = page.goto(url)
        problems = _problems(page, response, usernames)
        if also is not None and response is not None and response.status < 500:
            problems += also(page)
        if problems:
            faults[urlsplit(url).path] = problems
        if response is not None and "text/html" in (response.headers.get("content-type") or ""):
            queue.extend(link for link in _links(page, base) if link not in seen)
    return faults


@pytest.fixture
def demo(settings):
    settings.HAVEN_DEMO = True
    logins = seed_all()
    harbour = Organisation.objects.get(slug="harbour-light")
    matching_run_create(
        membership=SYSTEM,
        organisation=harbour,
        windows=list(IntakeWindow.objects.filter(organisation=harbour)),
    )
    return [login for login in logins if login.organisation.startswith("Harbour")]


def test_every_page_reads_for_every_role(browser, live_server, demo):
    """Each role's reachable pages: no 5xx, no raw identifiers, phone width, no axe violation."""
    usernames = {login.username for login in demo}
    faults: dict[str, dict[str, list[str]]] = {}
    for login in demo:
        context = browser.new_context(viewport=PHONE, bypass_csp=True)
        page = context.new_page()
        try:
            _sign_in(page, live_server.url, login.username, login.totp_secret)
            role_faults = _walk(page, live_server.url, usernames)
        finally:
            context.close()
        if role_faults:
            faults[login.role] = role_faults
    report = "\n".join(
        f"{role} {path}: {'; '.join(problems)}"
        for role, pages in faults.items()
        for path, problems in pages.items()
    )
    assert not faults, f"pages that do not read well:\n{report}"


def test_every_page_reads_right_to_left_in_arabic(browser, live_server, demo):
    """
    The coordinator, who reaches the most pages, walks them in Arabic: the page is mirrored
    (``dir="rtl"``) and fits the phone, and the same checks hold; numbers people read are in
    Arabic-Indic digits, while links, form values and case codes keep 0-9. One page per route
    keeps it short.
    """
    coordinator = next(login for login in demo if login.username.startswith("coordinator."))
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
    page = context.new_page()
    try:
        _sign_in(page, live_server.url, coordinator.username, coordinator.totp_secret)
        assert page.get_attribute("html", "dir") == "rtl"
        faults = _walk(
            page,
            live_server.url,
            {login.username for login in demo},
            per_route_limit=1,
            also=_ascii_identifiers,
        )
        page.goto(f"{live_server.url}/cases/")
        assert LOCALE_DIGITS.search(page.evaluate("document.body.innerText")), "no Arabic digits"
    finally:
        context.close()
    report = "\n".join(f"{path}: {'; '.join(problems)}" for path, problems in faults.items())
    assert not faults, f"Arabic pages that do not read well:\n{report}"
