"""
Reading JSON documents from files the operator names: the boundary every input command shares.

``json`` accepts things Haven's engines and database cannot use, and some of them crash them:
nesting deep enough to exhaust the recursion limit, ``1e400`` (read as infinity), integers and
floats too large for any count or tier (``1e308``, ``10**30``), and ``"\\ud800"``, a lone UTF-16
surrogate that is valid JSON but cannot be written out as UTF-8. ``document_problems`` refuses
them all, each with its JSON path, before a document reaches the engines, following I-JSON
(RFC 7493): numbers within +-2**53, strings that are Unicode text. It walks the document without
recursion, so its own depth is never the problem. Pure Python: ``assess`` and ``match`` must not
load Django.
"""

import json
import math
from typing import Any

MAX_DEPTH = 64
# RFC 7493 section 2.2: beyond 2**53 numbers lose integer precision in most JSON readers.
MAX_MAGNITUDE = 2**53
MAX_PROBLEMS = 20

TOO_DEEP = f"is nested more than {MAX_DEPTH} levels deep"
NOT_FINITE = "is not a finite number"
TOO_LARGE = f"is a number beyond +-2**53 ({MAX_MAGNITUDE:,}), which no field accepts"
NOT_TEXT = "holds a lone UTF-16 surrogate, which is not Unicode text"
KEY_NOT_TEXT = "has a key holding a lone UTF-16 surrogate, which is not Unicode text"


class DocumentError(Exception):
    """A document that cannot be used; ``problems`` holds (JSON path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _child_path(path: str, key: object) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"


def document_problems(document: Any) -> list[tuple[str, str]]:
    """Return (JSON path, message) for every value no Haven input may hold (at most 20)."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[str, Any, int]] = [("$", document, 0)]
    while stack and len(problems) < MAX_PROBLEMS:
        path, value, depth = stack.pop()
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                problems.append((path, NOT_FINITE))
            elif abs(value) > MAX_MAGNITUDE:
                problems.append((path, TOO_LARGE))
        elif isinstance(value, str):
            if not _is_text(value):
                problems.append((path, NOT_TEXT))
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                problems.append((path, TOO_DEEP))
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, child in items:
                if isinstance(key, str) and not _is_text(key):
                    problems.append((path, KEY_NOT_TEXT))
                    continue
                stack.append((_child_path(path, key), child, depth + 1))
    return sorted(problems)


def parse_document(data: bytes | str) -> Any:
    """
    Parse JSON text strictly and check it with ``document_problems``; raise DocumentError.

    NaN and Infinity are refused, as are invalid UTF-8, nesting too deep to parse and integers
    longer than Python's conversion limit.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise DocumentError([("$", "not UTF-8 text")]) from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise DocumentError(
            [("$", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}")]
        ) from None
    except RecursionError:
        raise DocumentError([("$", TOO_DEEP)]) from None
    except ValueError as error:
        raise DocumentError([("$", str(error))]) from None
    problems = document_problems(document)
    if problems:
        raise DocumentError(problems)
    return document
