"""Hot read statements run on the DBAPI cursor, compiled once per dialect by SQLAlchemy.

For the case list's page SQLAlchemy's per-execution work (execution context, result
object, Row per line) cost about as much as SQLite's own work. The statement is still
written with SQLAlchemy and compiled by its compiler for the connection's dialect, so it
stays portable (SQLite and PostgreSQL); parameters go through the same bind processors
SQLAlchemy would apply (e.g. UTCDateTime: aware -> naive UTC, stored as SQLite's text
format), and expanding IN parameters are rendered per call by SQLAlchemy itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement


class _Compiled:
    __slots__ = ("compiled", "string", "positional", "positiontup", "processors",
                 "post_compile")

    def __init__(self, stmt: ClauseElement, dialect: Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        if compiled.escaped_bind_names:
            raise ValueError("parameter names that need escaping are not supported")
        self.compiled = compiled
        self.string = compiled.string
        self.positional = compiled.positional
        self.positiontup = tuple(compiled.positiontup or ())
        self.post_compile = bool(compiled.post_compile_params
                                 or compiled.literal_execute_params)
        self.processors: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():
            proc = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if proc is not None:
                self.processors[name] = proc

    def render(self, params: Mapping[str, Any]) -> tuple[str, Any]:
        """The SQL text and the DBAPI parameters (a tuple or a dict, per paramstyle)."""
        procs = self.processors
        if self.post_compile:
            state = self.compiled.construct_expanded_state(dict(params))
            sql, values, names = state.statement, state.parameters, state.positiontup
            if state.processors:
                procs = {**procs, **state.processors}
        else:
            sql, names = self.string, self.positiontup
            values = self.compiled.construct_params(dict(params))
        if self.positional:
            return sql, tuple(procs[n](values[n]) if n in procs else values[n]
                              for n in names or ())
        return sql, {n: procs[n](v) if n in procs else v for n, v in values.items()}


class RawStatement:
    """A statement, compiled per dialect on first use, fetched through a DBAPI connection
    (e.g. `Connection.connection` of a Session's connection, inside its transaction). Rows
    are plain tuples of the driver's values: on SQLite, times are ISO text."""

    __slots__ = ("_stmt", "_compiled")

    def __init__(self, stmt: ClauseElement) -> None:
        self._stmt = stmt
        self._compiled: dict[tuple[str, str, str], _Compiled] = {}

    def render(self, dialect: Dialect, params: Mapping[str, Any]) -> tuple[str, Any]:
        key = (dialect.name, dialect.driver, dialect.paramstyle)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled(self._stmt, dialect)
        return compiled.render(params)

    def fetchall(self, dialect: Dialect, connection: Any,
                 params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        sql, args = self.render(dialect, params)
        cursor = connection.cursor()
        try:
            cursor.execute(sql, args)
            return cursor.fetchall()
        finally:
            cursor.close()
