"""
Templates stay readable and consistent (issue 9 item 6): short lines, one way to render a form,
and permission checks through the ``Permission`` enum rather than its raw strings.
"""

import re
from pathlib import Path

import pytest

import haven

TEMPLATES = sorted((Path(haven.__file__).parent / "templates").rglob("*.html"))
LONGEST_LINE = 160


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_template_lines_are_short(path):
    long_lines = [
        n for n, line in enumerate(path.read_text().splitlines(), 1) if len(line) > LONGEST_LINE
    ]

    assert not long_lines, f"{path.name}: lines over {LONGEST_LINE} characters: {long_lines}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_permissions_are_named_through_the_enum(path):
    """``"cases.edit" in haven_permissions`` would hide a typo; ``Permission.CASE_EDIT`` cannot."""
    assert not re.search(r"[\"'][a-z_]+\.[a-z_]+[\"']\s+in\s+haven_permissions", path.read_text())


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_forms_render_through_the_one_include(path):
    assert not re.search(r"\.as_(div|p|table|ul)\b", path.read_text())
