"""
One reading of a case page: what several parts of the page ask about the same case is looked up
once per request (issue 17).

The case page asks the same questions from places that cannot share variables: the lifecycle's
record sources, the asylum bridge's panels and the case's own object rule each want the case's
current stay, or whether the member may see the case. Inside ``one_reading()`` the answer to
each such question is kept for the rest of the request; outside it (services, commands, any
page that writes) every call asks the database again, so nothing stale is ever read after a
write. A page opens a reading only around code that reads.

Case questions: apps above ``cases`` (the asylum bridge's requirement checks and panels, the
tension panel, the portal's thread) ask small yes-or-no questions about a case's rows in their own
tables. Each registers its question at start-up as an expression over the case row
(``OuterRef("pk")`` is the case); ``case_get(with_records=True)`` asks them all in the case's own
query, and ``case_answer`` then reads the answer instead of a query of its own. The answers are
plain columns (booleans, never encrypted values), so nothing new is decrypted, and each app still
decides who may see what it shows.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import connection
from django.db.models.expressions import BaseExpression, RawSQL

from haven.cases.models import Case

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


#: A question about a case: an expression over the case row, built anew for each query.
CaseQuestion = Callable[[], BaseExpression]

_QUESTIONS: dict[str, CaseQuestion] = {}
#: The questions' SQL, by database vendor: compiled at the first page, not on every request.
_COMPILED: dict[str, dict[str, RawSQL]] = {}


def register_case_question(name: str, question: CaseQuestion) -> None:
    """Have the case page's case query answer ``question`` under ``name`` (app start-up)."""
    _QUESTIONS[name] = question
    _COMPILED.clear()


def case_questions() -> dict[str, RawSQL]:
    """
    Every registered question, as annotations for a query on cases (named ``asks_<name>``).

    Each question's subquery is built and compiled once: building and compiling the ORM's
    subqueries anew cost more, on every request, than the queries they save (as for the record
    tables' ``EXISTS`` in ``case_get``). The SQL names only the case table's own column.
    """
    if connection.vendor not in _COMPILED:
        _COMPILED[connection.vendor] = {
            _annotation(name): _compiled(question()) for name, question in _QUESTIONS.items()
        }
    return dict(_COMPILED[connection.vendor])


def _compiled(question: BaseExpression) -> RawSQL:
    """``question`` as SQL over the case table, with its fixed parameters."""
    query = Case.objects.all().query
    resolved = question.resolve_expression(query, allow_joins=False)
    sql, params = query.get_compiler(connection=connection).compile(resolved)
    return RawSQL(sql, tuple(params), output_field=resolved.output_field)  # noqa: S611


def remember_case_answers(case: Case) -> None:
    """Keep, for the reading, the answers a query annotated with ``case_questions()`` put on ``case``."""
    for name in _QUESTIONS:
        already_known(_answer_key(case, name), getattr(case, _annotation(name)))


def case_answer(case: Case, name: str) -> Any:
    """The answer to question ``name`` about ``case``: from the page's case query, or one query."""
    return read_once(_answer_key(case, name), lambda: _ask(case, name))


def known_case_answer(case: Case, name: str) -> Any:
    """The answer the reading already holds to question ``name``; ``None`` when it holds none."""
    answers = _ANSWERS.get()
    return None if answers is None else answers.get(_answer_key(case, name))


def _ask(case: Case, name: str) -> Any:
    question = case_questions()[_annotation(name)]
    return (
        Case.objects.filter(pk=case.pk)
        .annotate(answer=question)
        .values_list("answer", flat=True)
        .first()
    )


def _annotation(name: str) -> str:
    return f"asks_{name}"


def _answer_key(case: Case, name: str) -> tuple[str, Any, str]:
    return ("case question", case.pk, name)
