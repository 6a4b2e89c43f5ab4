"""
One reading of a case page: what several parts of the page ask about the same case is looked up
once per request (issue 17).

The case page asks the same questions from places that cannot share variables: the lifecycle's
record sources, the asylum bridge's panels and the case's own object rule each want the case's
current stay, or whether the member may see the case. Inside ``one_reading()`` the answer to
each such question is kept for the rest of the request; outside it (services, commands, any
page that writes) every call asks the database again, so nothing stale is ever read after a
write. A page opens a reading only around code that reads.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_ANSWERS: ContextVar[dict[Hashable, Any] | None] = ContextVar("haven_case_reading", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    """Keep the answers of ``read_once`` until the block ends."""
    token = _ANSWERS.set({})
    try:
        yield
    finally:
        _ANSWERS.reset(token)


def read_once(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, asked once per reading for ``key``; every time outside a reading."""
    answers = _ANSWERS.get()
    if answers is None:
        return compute()
    if key not in answers:
        answers[key] = compute()
    answer: T = answers[key]
    return answer


def already_known(key: Hashable, answer: Any) -> None:
    """Record an answer the page already has (from a query it made anyway), inside a reading."""
    answers = _ANSWERS.get()
    if answers is not None:
        answers[key] = answer
