"""
The API serves no interactive docs, and django-ninja's CDN-loading viewer templates are shadowed by
Haven's own, so nothing in the API ever asks another host for a script, style or icon (SEC: no
third-party requests).
"""

import re

import pytest
from django.template.loader import get_template

FOREIGN = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("name", ["ninja/swagger_cdn.html", "ninja/redoc_cdn.html"])
def test_ninja_viewer_templates_are_haven_s_own_and_load_nothing_from_elsewhere(name):
    template = get_template(name)

    origin = str(template.origin.name)
    assert "/haven/templates/ninja/" in origin, origin
    with open(origin, encoding="utf-8") as source:
        assert not FOREIGN.search(source.read())


def test_the_docs_page_is_not_served(client):
    assert client.get("/api/v1/docs").status_code == 404
