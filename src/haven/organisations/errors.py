"""
The one error type a person reads.

Services refuse with an ``ApplicationError`` (or a subclass named for its app) whose message is a
``gettext_lazy`` constant kept beside the code that raises it. The message is translated when it is
shown, not when it is raised, so a refusal raised in a background job or the CLI still reaches a
caseworker in Arabic, French or Spanish. Parameters fill the message's ``%(name)s`` placeholders and
hold ids, numbers or enum labels, never a defender's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.utils.functional import Promise, lazy


class ApplicationError(Exception):
    """A refusal the person who asked can read and act on; nothing was changed."""

    def __init__(self, message: str | Promise, /, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(message)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


def _join(parts: tuple[str | Promise, ...], separator: str) -> str:
    return separator.join(str(part) for part in parts)


def _fill(message: str | Promise, params: dict[str, Any]) -> str:
    return str(message) % params


_joined = lazy(_join, str)
_filled = lazy(_fill, str)


def joined(parts: Iterable[str | Promise], separator: str) -> Promise:
    """
    ``parts`` (lazy messages) joined by ``separator`` when read, not now: a refusal listing several
    problems, or a parameter naming several labels, is read in the reader's language.
    """
    return cast(Promise, _joined(tuple(parts), separator))  # a lazy str, whatever the stubs say


def filled(message: str | Promise, /, **params: Any) -> Promise:
    """``message`` with its ``%(name)s`` placeholders filled when read, translated then."""
    return cast(Promise, _filled(message, params))
