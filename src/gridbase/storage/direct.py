"""Prebuilt statements run straight on the driver (asyncpg, aiosqlite): the hottest row
reads, and on PostgreSQL the statements of a row write.

For a page of rows SQLAlchemy's result machinery (a Row object per row, a processor
call per cell through several layers) costs more Python time than the query itself.
A statement built once (a plain page, rows by id) is compiled once here; each run gives
the driver the SQL with its parameters in order and turns the records into dicts, running
only the result processors that do something (on asyncpg JSON columns need none: the
dialect decodes them with codecs set on the connection).

Reads (`read_directly`): SQLite, whose transactions gridbase begins itself (`Database`)
and whose short reads run on the event loop's thread (`sqlite_inline`), and PostgreSQL
outside a transaction (autocommit reads); a failed read is run again through
SQLAlchemy, which reports it as everywhere else. Statements with expanding parameters
(rendered per execution) are not for this path.

Inside a PostgreSQL transaction (`run_directly`: a write's statements, a search's page):
the statement runs in the connection's transaction, which it begins on the driver as
SQLAlchemy's adapter would before a first statement, so SQLAlchemy's COMMIT or ROLLBACK
ends it as usual. A failed statement cannot be run again there (the transaction is
aborted): its error is raised as SQLAlchemy would raise it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.selectable import TextualSelect

from gridbase.storage import sqlite_inline

__all__ = ["can_read_directly", "driver_connection", "fetch_dicts", "read_directly", "run_directly"]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    built_in: dict[str, Any]
    bind_processors: dict[str, Callable[[Any], Any]]
    keys: tuple[str, ...]
    result_processors: tuple[tuple[str, Callable[[Any], Any]], ...]


_Selecting = (sa.Select, TextualSelect)
_Statement = sa.Select[Any] | TextualSelect | sa.TextClause
_compiled: weakref.WeakKeyDictionary[_Statement, _Compiled] = weakref.WeakKeyDictionary()


def can_read_directly(conn: AsyncConnection) -> bool:
    """SQLite, or PostgreSQL outside a transaction (`Database.read(snapshot=False)`)."""
    if conn.dialect.name == "sqlite":
        return True
    return (conn.dialect.name == "postgresql"
            and conn.sync_connection is not None
            and conn.sync_connection.get_execution_options().get("isolation_level")
            == "AUTOCOMMIT")


async def _compile(statement: _Statement, dialect: Dialect, driver: Any) -> _Compiled:
    found = _compiled.get(statement)
    if found is not None:
        return found
    compiled = statement.compile(dialect=dialect)
    selected = statement.selected_columns if isinstance(statement, _Selecting) else ()
    # On PostgreSQL result processors depend on the type the server reports (numeric
    # or float, say): asked once of a prepared statement; built-in type ids are the same
    # on every connection. SQLite's processors do not look at it.
    reported: list[int | None] = [None] * len(selected)
    if dialect.name == "postgresql" and selected:
        reported = [attribute.type.oid for attribute
                    in (await driver.prepare(compiled.string)).get_attributes()]
    keys = tuple(str(column.key) for column in selected)
    processors = []
    for column, oid in zip(selected, reported, strict=True):
        process = column.type.dialect_impl(dialect).result_processor(dialect, oid)
        if process is not None:
            processors.append((str(column.key), process))
    found = _Compiled(
        sql=compiled.string, names=tuple(compiled.positiontup or ()),
        built_in=dict(compiled.params),
        # no public form of these; tuple types' per-element processors never occur here
        bind_processors={name: process for name, process
                         in compiled._bind_processors.items() if callable(process)},
        keys=keys, result_processors=tuple(processors))
    _compiled[statement] = found
    return found


async def driver_connection(conn: AsyncConnection) -> Any:
    """The pool's connection record under `conn` (`.dbapi_connection`: SQLAlchemy's
    adapter; `.driver_connection`: the driver's own), read without the greenlet hop of
    `get_raw_connection` while the connection is valid, as it is between statements."""
    sync = conn.sync_connection
    if sync is not None and not sync.invalidated and not sync.closed:
        return sync.connection
    return await conn.get_raw_connection()


def _values(compiled: _Compiled, params: Mapping[str, Any]) -> list[Any]:
    values = []
    for name in compiled.names:
        value = params[name] if name in params else compiled.built_in[name]
        process = compiled.bind_processors.get(name)
        values.append(value if process is None else process(value))
    return values


def _rows(compiled: _Compiled, records: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    keys = compiled.keys
    if not keys:  # a statement that declares no columns (sa.text without .columns)
        return []
    rows = [dict(zip(keys, record, strict=True)) for record in records]
    for key, process in compiled.result_processors:
        for row in rows:
            row[key] = process(row[key])
    return rows


async def read_directly(conn: AsyncConnection, statement: sa.Select[Any],
                        params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The statement's rows as dicts by column key (`can_read_directly` must hold)."""
    raw = await driver_connection(conn)
    driver: Any = raw.driver_connection
    try:
        compiled = await _compile(statement, conn.dialect, driver)
        values = _values(compiled, params)
        if conn.dialect.name == "sqlite":
            records = await sqlite_inline.fetch_all(driver, compiled.sql, values)
        else:
            records = await driver.fetch(compiled.sql, *values)
    except Exception:
        # The driver's own errors (a table changed under a prepared statement, say):
        # SQLAlchemy's path runs it again and reports failures as everywhere else.
        result = await conn.execute(statement, dict(params))
        return [dict(row) for row in result.mappings().all()]
    return _rows(compiled, records)


async def run_directly(conn: AsyncConnection, statement: _Statement,
                       params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """PostgreSQL: the statement on the driver, inside the connection's transaction (or
    on its own on an autocommit connection); its rows as dicts by column key, none for
    a statement without columns. Failures raise SQLAlchemy's errors."""
    raw = await driver_connection(conn)
    adapter: Any = raw.dbapi_connection
    driver: Any = raw.driver_connection
    async with adapter._execute_mutex:
        try:
            if adapter._transaction is None:
                await adapter._start_transaction()  # a no-op when autocommit
            compiled = await _compile(statement, conn.dialect, driver)
            values = _values(compiled, params)
            records = await driver.fetch(compiled.sql, *values)
        except Exception as error:
            found = _compiled.get(statement)
            raise _translated(conn, found.sql if found is not None else type(statement).__name__,
                              params, adapter, error) from error
    return _rows(compiled, records)


def _translated(conn: AsyncConnection, sql: str, params: Mapping[str, Any],
                adapter: Any, error: Exception) -> Exception:
    """The error SQLAlchemy would raise for the driver's `error`: the adapter's DBAPI
    error wrapped in SQLAlchemy's class of it (IntegrityError, say)."""
    if isinstance(error, sa.exc.SQLAlchemyError):
        return error
    try:
        adapter._handle_exception(error)
    except Exception as dbapi_error:
        error = dbapi_error
    return sa.exc.DBAPIError.instance(
        sql, dict(params), error, conn.dialect.loaded_dbapi.Error)


async def fetch_dicts(conn: AsyncConnection, statement: _Statement,
                      params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A statement built once (not per request) and its rows as dicts by column key: on
    the driver on PostgreSQL (`run_directly`), through SQLAlchemy elsewhere."""
    if conn.dialect.name == "postgresql":
        return await run_directly(conn, statement, params)
    result = await conn.execute(statement, dict(params))
    return [dict(row) for row in result.mappings().all()] if result.returns_rows else []
