"""
Addresses of many rows' pages, each route reversed once per process (issue 17).

A page that links every row of a list to the row's own page would reverse the same route once per
row (a ``{% url %}`` tag each): the route is looked up, its converters run and its text built
fifty times for fifty rows. Here the route is reversed once with a stand-in id, and each row's
address is the text before the stand-in, the row's id, and the text after it. The result depends
on the script prefix and the URL configuration, both per request, so the parts are kept per pair.
"""

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse

#: Stands for a row's id in a route reversed once per kind of row.
_ROW = uuid.UUID(int=0)


@functools.cache
def around_row(
    name: str, param: str, fixed: tuple[tuple[str, str], ...], prefix: str, urlconf: Any
) -> tuple[str, str]:
    """What comes before and after a row's id in view ``name``'s address, reversed once per
    process (and per script prefix and URL configuration, which the reversal depends on)."""
    before, after = reverse(name, kwargs={**dict(fixed), param: _ROW}).split(str(_ROW))
    return before, after


def reversing() -> tuple[str, Any]:
    """The script prefix and URL configuration that reversing depends on: asking them costs a
    few microseconds each (thread-local values), so a function building several URLs asks once."""
    return get_script_prefix(), get_urlconf()


def row_url(
    name: str, param: str, *, reversed_under: tuple[str, Any] | None = None, **fixed: str
) -> Callable[[Any], str]:
    """The address of view ``name`` for any row id, its route reversed once per process
    (``reversed_under``: ``reversing()``'s answer when the caller already has it)."""
    prefix, urlconf = reversed_under or reversing()
    before, after = around_row(name, param, tuple(sorted(fixed.items())), prefix, urlconf)
    return lambda pk: f"{before}{pk}{after}"
