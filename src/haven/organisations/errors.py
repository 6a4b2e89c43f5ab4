"""
The one error type a person reads.

Services refuse with an ``ApplicationError`` (or a subclass named for its app) whose message is a
``gettext_lazy`` constant kept beside the code that raises it. The message is translated when it is
shown, not when it is raised, so a refusal raised in a background job or the CLI still reaches a
caseworker in Arabic, French or Spanish. Parameters fill the message's ``%(name)s`` placeholders and
hold ids, numbers or enum labels, never a defender's data.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A refusal the person who asked can read and act on; nothing was changed."""

    def __init__(self, message: str | Promise, /, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(message)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text
