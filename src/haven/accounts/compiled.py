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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute

# Django's own helper for select_related columns, as its ModelIterable uses it.
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.compiler import SQLCompiler

from haven.vault.fields import EncryptedAttribute

M = TypeVar("M", bound=models.Model)

#: What a stand-in or its value may be.
Value = uuid.UUID | int | str | datetime.datetime

_UUID: models.Field[Any, Any] = models.UUIDField()
_DATETIME: models.Field[Any, Any] = models.DateTimeField()


def _stored(value: Value, alias: str) -> object:
    """A value as the database receives it (SQLite stores UUIDs and times as text)."""
    return _stored_on(value, connections[alias])


def _stored_on(value: Value, connection: Any) -> object:
    """``_stored`` for a connection at hand (looking one up by alias costs a thread-local read)."""
    if isinstance(value, uuid.UUID):
        return _UUID.get_db_prep_value(value, connection)
    if isinstance(value, datetime.datetime):
        return _DATETIME.get_db_prep_value(value, connection)
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
    #: Whether an instance is built by putting its values in its ``__dict__`` (``_stored_as_given``).
    as_given: bool


def _compiled(
    sql: str, params: list[Any], slots: dict[int, str], compiler: SQLCompiler, alias: str
) -> _Compiled:
    select, klass_info = compiler.select, compiler.klass_info
    assert klass_info is not None
    columns = [column[0] for column in select[0 : compiler.col_count]]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    field_names = tuple(column[0].target.attname for column in select[start:end])
    return _Compiled(
        sql=sql,
        params=tuple(params),
        slots=slots,
        alias=alias,
        converters=_faster(compiler.get_converters(columns)),
        model=klass_info["model"],
        own_columns=slice(start, end),
        field_names=field_names,
        populators=tuple(get_related_populators(klass_info, select, alias)),
        annotations=tuple(compiler.annotation_col_map.items()),
        as_given=_stored_as_given(klass_info["model"], field_names),
    )


_UUID_CLASS = uuid.UUID
_NEW_OBJECT = object.__new__
_SET_ATTRIBUTE = object.__setattr__
_UNKNOWN_SAFETY = uuid.SafeUUID.unknown


def _uuid_from_text(value: Any, expression: Any, connection: Any) -> uuid.UUID | None:
    """
    Django's converter of a UUID column without a native type (SQLite: 32 hex digits), with
    the same results and errors, at about a third of the cost (a matching run converts some
    3,000 ids).

    ``uuid.UUID(text)`` strips ``urn:``, ``uuid:``, braces and hyphens, then requires 32
    characters that ``int(text, 16)`` reads as a number in range: a 32-character value that
    reads as one without a sign is what it accepts, built here as ``uuid.UUID`` builds it, and
    anything else is handed to ``uuid.UUID`` itself.
    """
    if value is None:
        return None
    if value.__class__ is str and len(value) == 32:
        try:
            number = int(value, 16)
        except ValueError:
            number = -1
        if number >= 0:
            made = _NEW_OBJECT(_UUID_CLASS)
            _SET_ATTRIBUTE(made, "int", number)
            _SET_ATTRIBUTE(made, "is_safe", _UNKNOWN_SAFETY)
            return made
    return _UUID_CLASS(value)


def _is_sqlite_uuid_converter(function: Any) -> bool:
    """Whether ``function`` is the SQLite backend's ``convert_uuidfield_value``."""
    operations = getattr(function, "__self__", None)
    return (
        getattr(function, "__name__", None) == "convert_uuidfield_value"
        and getattr(getattr(operations, "connection", None), "vendor", None) == "sqlite"
    )


def _faster(converters: dict[int, Any]) -> tuple[tuple[int, tuple[Any, ...], Any], ...]:
    """
    ``compiler.get_converters``' converters by position, with SQLite's UUID converter replaced
    by ``_uuid_from_text``: the same values, built without ``uuid.UUID.__init__``'s parsing.
    """
    return tuple(
        (
            position,
            tuple(
                _uuid_from_text if _is_sqlite_uuid_converter(function) else function
                for function in functions
            ),
            expression,
        )
        for position, (functions, expression) in converters.items()
    )


def _converted(
    fetched: Iterable[Any],
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...],
    connection: Any,
) -> list[Any]:
    """One fetched row with each column's converters applied, as Django's iterables apply them."""
    row = list(fetched)
    for position, functions, expression in converters:
        value = row[position]
        for converter in functions:
            value = converter(value, expression, connection)
        row[position] = value
    return row


def _slots(stand_ins: dict[str, Any], params: list[Any], alias: str) -> dict[int, str]:
    """
    Which of the compiled query's parameters are stand-ins, by position: each stand-in's value
    as the database stores it (a list stand-in by its one value) names the parameters equal to it.
    """
    by_value = {
        _stored(value[0] if isinstance(value, list) else value, alias): name
        for name, value in stand_ins.items()
    }
    return {
        position: by_value[param]
        for position, param in enumerate(params)
        if _replaceable(param) and param in by_value
    }


#: The ``__set__`` of the descriptors that, on an instance being built, only store the value in
#: its ``__dict__``: a foreign key's id (which else clears a cached related object, and a new
#: instance has none) and an encrypted field's ciphertext. A plain column's has no ``__set__``.
_PLAIN_SETTERS = (ForeignKeyDeferredAttribute.__set__, EncryptedAttribute.__set__)  # type: ignore[attr-defined]


def _stored_as_given(model: type[models.Model], field_names: tuple[str, ...]) -> bool:
    """
    Whether ``model.from_db(alias, field_names, values)`` comes down to putting ``values`` in a
    new instance's ``__dict__`` by ``field_names``: the model keeps Django's own ``from_db`` and
    ``__init__``, and each attribute's descriptor stores what it is given. (Init signals are
    checked on every read, as receivers may come and go.)
    """
    return (
        model.from_db.__func__ is models.Model.from_db.__func__  # type: ignore[attr-defined]
        and model.__init__ is models.Model.__init__
        and all(_setter_of(model, name) in (None, *_PLAIN_SETTERS) for name in field_names)
    )


def _setter_of(model: type[models.Model], name: str) -> Any:
    """The ``__set__`` of ``model``'s class attribute ``name``, or None if it has none."""
    for klass in model.__mro__:
        if name in klass.__dict__:
            return getattr(type(klass.__dict__[name]), "__set__", None)
    return None


C = TypeVar("C")


class _CompiledPerVendor(Generic[C]):
    """
    A query built once with stand-in values and kept compiled per database vendor; ``_build``
    says what is kept of the compiled query.
    """

    def __init__(self, query: Callable[..., QuerySet[Any, Any]], **stand_ins: Any) -> None:
        self._query = query
        self._stand_ins = stand_ins
        self._compiled: dict[str, C] = {}

    def _compile(self) -> C:
        key = connections[DEFAULT_DB_ALIAS].vendor
        if key not in self._compiled:
            self._compiled[key] = self._build(self._query(**self._stand_ins))
        return self._compiled[key]

    def _build(self, queryset: QuerySet[Any, Any]) -> C:
        raise NotImplementedError


class CompiledRead(_CompiledPerVendor[_Compiled], Generic[M]):
    """
    ``query(**stand_ins)``'s rows from the default database, compiled once per vendor. Stand-ins are UUIDs,
    integers, strings or times that no real row or fixed parameter uses; a call passes the real values by the
    same names. The query may filter, annotate, ``select_related`` and slice, nothing more.
    """

    def __init__(self, query: Callable[..., QuerySet[M]], **stand_ins: Value) -> None:
        super().__init__(query, **stand_ins)

    def _build(self, queryset: QuerySet[Any, Any]) -> _Compiled:
        alias = queryset.db
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = _slots(self._stand_ins, params, alias)
        if set(slots.values()) != set(self._stand_ins):
            raise ValueError("every stand-in must appear in the compiled query")
        return _compiled(sql, params, slots, compiler, alias)

    def statement(self, **values: Value) -> tuple[str, list[Any]]:
        """The compiled SQL and its parameters with ``values`` in the stand-ins' places."""
        compiled = self._compile()
        return compiled.sql, self._params(compiled, connections[compiled.alias], values)

    @staticmethod
    def _params(compiled: _Compiled, connection: Any, values: dict[str, Value]) -> list[Any]:
        slots = compiled.slots
        return [
            _stored_on(values[slots[position]], connection) if position in slots else param
            for position, param in enumerate(compiled.params)
        ]

    def __call__(self, **values: Value) -> list[M]:
        compiled = self._compile()
        connection = connections[compiled.alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, self._params(compiled, connection, values))
            return self._instances(compiled, connection, cursor.fetchall())

    def instances(self, rows: list[Any]) -> list[M]:
        """The rows of ``statement()`` as model instances."""
        compiled = self._compile()
        return self._instances(compiled, connections[compiled.alias], rows)

    def _instances(self, compiled: _Compiled, connection: Any, rows: list[Any]) -> list[M]:
        alias = compiled.alias
        # As Django's ModelIterable turns a compiled query's rows into instances.
        model: type[M] = compiled.model  # type: ignore[assignment]
        # What ``from_db`` would do, without its call to ``__init__`` and the setattr per column
        # (a few microseconds a row, and a case page builds some forty rows).
        as_given = (
            compiled.as_given
            and not pre_init.has_listeners(model)
            and not post_init.has_listeners(model)
        )
        field_names, own_columns = compiled.field_names, compiled.own_columns
        instances = []
        for fetched in rows:
            row = _converted(fetched, compiled.converters, connection)
            if as_given:
                instance = model.__new__(model)
                state = ModelState()
                state.adding = False
                state.db = alias
                instance.__dict__["_state"] = state
                instance.__dict__.update(zip(field_names, row[own_columns], strict=True))
            else:
                instance = model.from_db(alias, field_names, row[own_columns])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, position in compiled.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


def stored_uuids(values: Iterable[uuid.UUID]) -> list[object]:
    """
    ``values`` as the default database returns a UUID column read as stored
    (``CompiledValues``' ``as_stored``): the UUIDs themselves where the database has a UUID
    type, their 32 hex digits where it has not (SQLite).
    """
    if connections[DEFAULT_DB_ALIAS].features.has_native_uuid_field:
        return list(values)
    return [value.hex for value in values]


def uuid_text(stored: object) -> str:
    """
    The text of a UUID read as stored (``stored_uuids``), as ``str(uuid.UUID)`` writes it: what
    a sealed value's associated data names its row by. Without building the UUID from SQLite's
    32 hex digits (lower case, as Django writes them) only to write it back out as text. (A
    malformed value is not checked here: the associated data then names no row, and the value
    fails to open, audited, as any tampered value does.)
    """
    if stored.__class__ is str and len(stored) == 32:  # type: ignore[arg-type]
        text: str = stored  # type: ignore[assignment]
        if text.lower() == text:  # else as the UUID writes it, or its error
            return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
        return str(uuid.UUID(text))
    return str(stored)


#: A stand-in for an ``IN`` list: a list of one value, which each call replaces by a whole list.
ValueList = list[Value]


@dataclass(frozen=True)
class _CompiledValues:
    #: The SQL split at its placeholders: one piece more than there are parameters.
    pieces: tuple[str, ...]
    params: tuple[Any, ...]
    slots: dict[int, str]
    lists: frozenset[str]
    alias: str
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]


class CompiledValues(_CompiledPerVendor[_CompiledValues]):
    """
    ``query(**stand_ins)``'s ``values_list`` rows as tuples, compiled to SQL once per vendor, for
    reads of a fixed shape whose ``IN`` lists vary in length (a matching run's cases and their
    records): Django builds such a query's SQL again on every call, and converts each value of an
    ``IN`` list one by one, which cost more than running the query on the benchmark's 200 cases.

    A stand-in given as a list of one value marks an ``IN`` list (``filter(case_id__in=[...])``):
    each call expands its placeholder to as many as the values passed, without duplicates, and
    an empty list gives no rows without a query, as Django answers an empty ``IN``. So a list
    stand-in may only be in a filter that every row must pass, never under ``exclude`` or in an
    ``|``. Other stand-ins are single values, as for ``CompiledRead``. Rows are converted as
    Django converts ``values_list`` rows (each column's converters, in the order asked).
    """

    def __init__(
        self,
        query: Callable[..., QuerySet[Any, Any]],
        as_stored: Iterable[str] = (),
        **stand_ins: Value | ValueList,
    ) -> None:
        super().__init__(query, **stand_ins)
        #: Columns returned as the database driver gives them, without Django's converters: ids
        #: only grouped by or written into text (``stored_uuids``, ``uuid_text``), and sealed
        #: bytes opened by ``SealedColumn``, whose ``Ciphertext`` wrapper is then not built.
        self._as_stored = frozenset(as_stored)

    def _build(self, queryset: QuerySet[Any, Any]) -> _CompiledValues:
        query, alias = queryset.query, queryset.db
        # As Django's ValuesListIterable: the columns come in the order asked, or it reorders.
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields: tuple[str, ...] = queryset._fields  # type: ignore[attr-defined]
        asked = [*fields, *(n for n in query.annotation_select if n not in fields)]
        if not fields or names != asked:
            raise ValueError("only values_list() reads whose columns need no reordering")
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if "%%" in sql:
            raise ValueError("a literal % in the compiled SQL is not supported")
        lists = frozenset(
            name for name, value in self._stand_ins.items() if isinstance(value, list)
        )
        slots = _slots(self._stand_ins, params, alias)
        found = list(slots.values())
        if set(found) != set(self._stand_ins) or any(found.count(name) != 1 for name in lists):
            raise ValueError("every stand-in must appear in the compiled query, each list once")
        pieces = tuple(sql.split("%s"))
        if len(pieces) != len(params) + 1:
            raise ValueError("the compiled SQL's placeholders do not match its parameters")
        columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if not self._as_stored <= set(asked):
            raise ValueError("a column read as stored must be one of the columns read")
        kept = {asked.index(name) for name in self._as_stored}
        converters = {
            position: functions
            for position, functions in compiler.get_converters(columns).items()
            if position not in kept
        }
        return _CompiledValues(
            pieces=pieces,
            params=tuple(params),
            slots=slots,
            lists=lists,
            alias=alias,
            converters=_faster(converters),
        )

    def __call__(self, **values: Value | Iterable[Value]) -> list[tuple[Any, ...]]:
        compiled = self._compile()
        alias = compiled.alias
        sql, params = [compiled.pieces[0]], []
        for position, param in enumerate(compiled.params):
            name = compiled.slots.get(position)
            if name is None:
                sql.append("%s")
                params.append(param)
            elif name in compiled.lists:
                items = dict.fromkeys(values[name])  # type: ignore[arg-type]
                items.pop(None, None)  # type: ignore[call-overload]
                if not items:
                    return []
                sql.append(", ".join(["%s"] * len(items)))
                params.extend(_stored(item, alias) for item in items)
            else:
                sql.append("%s")
                params.append(_stored(values[name], alias))  # type: ignore[arg-type]
            sql.append(compiled.pieces[position + 1])
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("".join(sql), params)
            rows = cursor.fetchall()
        if not compiled.converters:
            return [tuple(row) for row in rows]
        return [tuple(_converted(row, compiled.converters, connection)) for row in rows]
