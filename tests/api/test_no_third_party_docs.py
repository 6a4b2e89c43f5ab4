"""
The API serves no interactive docs, and its documentation viewer is Haven's own, so nothing in the
API ever asks another host for a script, style or icon (no third-party requests).

django-ninja renders its default viewers from files inside the package when ``ninja`` is not an
installed app, bypassing the template loaders; the test therefore renders the page through the
API object's own ``docs`` exactly as ninja's docs view does, rather than looking a template up.
"""

import re

from django.test import RequestFactory
from ninja.openapi.docs import Swagger

from haven.api.v1 import api

FOREIGN = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def _page(docs) -> str:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/api/v1/docs")
    return docs.render_page(request, api).content.decode()


def test_the_docs_viewer_loads_nothing_from_another_host():
    page = _page(api.docs)

    assert not FOREIGN.search(page)
    assert 'href="/api/v1/openapi.json"' in page


def test_the_check_would_catch_ninja_s_own_viewer():
    """The same check on django-ninja's default viewer finds its CDN, so the test above can fail."""
    assert FOREIGN.search(_page(Swagger()))


def test_the_docs_page_is_not_served(client):
    assert client.get("/api/v1/docs").status_code == 404
