"""
Views are thin: they open no transaction and no key scope of their own.

The request already runs inside one key ring (``haven.vault.middleware.KeyRingMiddleware``), and
every service opens its own transaction, so a view that opens either only hides where the work
is done. A view that needs keys after its response (a streamed download) asks a service for it.
"""

import ast
from pathlib import Path

import pytest

import haven

SOURCE = Path(haven.__file__).parent
VIEW_MODULES = sorted(
    path for path in SOURCE.rglob("*.py") if path.name == "views.py" or path.parent.name == "views"
)
OPENED_BY_SERVICES = {"keyring_scope", "atomic"}


def _names_used(tree: ast.AST) -> set[str]:
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    return names | attributes | imported


def test_the_view_modules_are_found():
    assert len(VIEW_MODULES) >= 10


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda path: str(path.relative_to(SOURCE)))
def test_a_view_opens_no_transaction_and_no_key_scope(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))

    assert not _names_used(tree) & OPENED_BY_SERVICES
