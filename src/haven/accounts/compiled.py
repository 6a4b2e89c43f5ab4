"""
Reads that every signed-in request makes, compiled to SQL once per process (issue 17).

Building and compiling an ORM query costs more than running it on a small table: the session's
user, its second-factor device and its memberships were read on every page, each rebuilt from
scratch. A ``CompiledRead`` builds its query once with stand-in values, keeps Django's compiled
SQL and how its columns map onto model instances (the columns' converters, the model's field
names, the ``select_related`` populators), and on each call runs the same SQL with the real
values in the stand-ins' places. The rows become instances exactly as the ORM builds them
(``from_db``, ``select_related`` populators, annotations), so callers see the usual models.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import QuerySet

# Django's own helper for select_related columns, as its ModelIterable uses it.
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=models.Model)

#: What a stand-in or its value may be.
Value = uuid.UUID | int | str | datetime.datetime

_UUID: models.Field[Any, Any] = models.UUIDField()
_DATETIME: models.Field[Any, Any] = models.DateTimeField()


def _stored(value: Value, alias: str) -> object:
    """A value as the database receives it (SQLite stores UUIDs and times as text)."""
    if isinstance(value, uuid.UUID):
        return _UUID.get_db_prep_value(value, connections[alias])
    if isinstance(value, datetime.datetime):
        return _DATETIME.get_db_prep_value(value, connections[alias])
    return value


def _replaceable(param: object) -> bool:
    """Whether a compiled parameter may be a stand-in (never a boolean, which equals 0 or 1)."""
    return isinstance(param, Value) and not isinstance(param, bool)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    #: Which stand-in each parameter is, by position; the others are fixed.
    slots: dict[int, str]
    alias: str
    #: How the rows become instances, worked out from the compiled query once, as Django's
    #: ``ModelIterable`` works it out on every evaluation: each column's converters (by position),
    #: the model, where its own columns are and their attribute names, the ``select_related``
    #: populators and where each annotation is.
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]
    model: type[models.Model]
    own_columns: slice
    field_names: tuple[str, ...]
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]


def _compiled(
    sql: str, params: list[Any], slots: dict[int, str], compiler: SQLCompiler, alias: str
) -> _Compiled:
    select, klass_info = compiler.select, compiler.klass_info
    assert klass_info is not None
    columns = [column[0] for column in select[0 : compiler.col_count]]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Compiled(
        sql=sql,
        params=tuple(params),
        slots=slots,
        alias=alias,
        converters=tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(columns).items()
        ),
        model=klass_info["model"],
        own_columns=slice(start, end),
        field_names=tuple(column[0].target.attname for column in select[start:end]),
        populators=tuple(get_related_populators(klass_info, select, alias)),
        annotations=tuple(compiler.annotation_col_map.items()),
    )


class CompiledRead(Generic[M]):
    """
    ``query(**stand_ins)``'s rows from the default database, compiled once per vendor. Stand-ins are UUIDs,
    integers, strings or times that no real row or fixed parameter uses; a call passes the real values by the
    same names. The query may filter, annotate, ``select_related`` and slice, nothing more.
    """

    def __init__(self, query: Callable[..., QuerySet[M]], **stand_ins: Value) -> None:
        self._query = query
        self._stand_ins = stand_ins
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self) -> _Compiled:
        key = connections[DEFAULT_DB_ALIAS].vendor
        if key not in self._compiled:
            queryset = self._query(**self._stand_ins)
            alias = queryset.db
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            by_value = {_stored(value, alias): name for name, value in self._stand_ins.items()}
            slots = {
                position: by_value[param]
                for position, param in enumerate(params)
                if _replaceable(param) and param in by_value
            }
            if set(slots.values()) != set(self._stand_ins):
                raise ValueError("every stand-in must appear in the compiled query")
            self._compiled[key] = _compiled(sql, params, slots, compiler, alias)
        return self._compiled[key]

    def statement(self, **values: Value) -> tuple[str, list[Any]]:
        """The compiled SQL and its parameters with ``values`` in the stand-ins' places."""
        compiled = self._compile()
        params: list[Any] = [
            _stored(values[compiled.slots[position]], compiled.alias)
            if position in compiled.slots
            else param
            for position, param in enumerate(compiled.params)
        ]
        return compiled.sql, params

    def __call__(self, **values: Value) -> list[M]:
        sql, params = self.statement(**values)
        with connections[self._compile().alias].cursor() as cursor:
            cursor.execute(sql, params)
            return self.instances(cursor.fetchall())

    def instances(self, rows: list[Any]) -> list[M]:
        """The rows of ``statement()`` as model instances."""
        compiled = self._compile()
        connection = connections[compiled.alias]
        alias = compiled.alias
        # As Django's ModelIterable turns a compiled query's rows into instances.
        model: type[M] = compiled.model  # type: ignore[assignment]
        instances = []
        for fetched in rows:
            row = list(fetched)
            for position, converters, expression in compiled.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            instance = model.from_db(alias, compiled.field_names, row[compiled.own_columns])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, position in compiled.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances
