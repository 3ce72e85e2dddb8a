"""One `Database` per process: the async engine and the two ways to open a transaction.

SQLite allows one writer at a time, so writes there take an in-process lock and
`BEGIN IMMEDIATE`; reads use a deferred `BEGIN` and never wait on writers (WAL).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection as SyncConnection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from gridbase.storage.auth_cache import AuthCache
from gridbase.storage.direct import driver_connection
from gridbase.storage.sql_functions import register_sqlite_functions

__all__ = ["Database"]

_WRITE_OPTION = "gridbase_write"


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        register_sqlite_functions(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: SyncConnection) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@asynccontextmanager
async def _driver_transaction(conn: AsyncConnection) -> AsyncIterator[None]:
    """PostgreSQL: a transaction on `conn` begun by the driver (asyncpg), as SQLAlchemy's
    adapter begins one before a first statement, and ended by SQLAlchemy when a statement
    went through it (it then knows of the transaction), by the driver otherwise. A write
    whose statements all run on the driver (`direct.run_directly`) so skips SQLAlchemy's
    transaction bookkeeping, about half the CPU time of an empty transaction."""
    raw = await driver_connection(conn)
    adapter: Any = raw.dbapi_connection
    await adapter._start_transaction()
    try:
        yield
    except BaseException:
        if conn.in_transaction():
            await conn.rollback()
        elif adapter._transaction is not None:
            await adapter._call_and_discard(adapter._transaction.rollback)
        raise
    if conn.in_transaction():
        await conn.commit()
    elif adapter._transaction is not None:
        await adapter._call_and_discard(adapter._transaction.commit)


class Database:
    """The engine plus transaction helpers; the only door to SQL for handlers."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        kwargs: dict[str, Any] = {"echo": echo}
        if url.startswith("postgresql"):
            # Enough idle connections for a busy worker: a connection opened beyond the
            # pool's size is closed again on return, and opening one costs far more
            # than a request.
            kwargs.update(pool_size=20, max_overflow=10)
            # Row queries are prepared once and run with many different values (a
            # filter's LIKE pattern, a range); a generic plan, which PostgreSQL adopts
            # after five runs, cannot see them. On a 1,000,000-row table it combined two
            # indexes and sorted (420 ms) where the values' own plan walks the sort's
            # index (28 ms). Planning each run cost nothing measurable on small pages.
            kwargs["connect_args"] = {
                "server_settings": {"plan_cache_mode": "force_custom_plan"}}
        self.engine = create_async_engine(url, **kwargs)
        self.dialect = self.engine.dialect.name
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        self.auth_cache = AuthCache()
        self.auth_cache.watch(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A read-write transaction, committed when the block exits cleanly."""
        if self._write_lock is None:
            async with self.engine.connect() as conn, _driver_transaction(conn):
                yield conn
            return
        async with self._write_lock, self.engine.connect() as conn:
            await conn.execution_options(**{_WRITE_OPTION: True})
            async with conn.begin():
                yield conn

    @asynccontextmanager
    async def read(self, *, snapshot: bool = True) -> AsyncIterator[AsyncConnection]:
        """A read-only snapshot for one request.

        `snapshot=False` on PostgreSQL runs each statement on its own (autocommit), which
        saves the BEGIN and COMMIT round trips; for reads whose statements need not agree
        to the transaction (a page and its count, like Baserow's own autocommit reads).
        SQLite reads are cheap either way and keep their transaction."""
        if not snapshot and self._write_lock is None:
            async with self.engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                yield conn
            return
        async with self.engine.connect() as conn, conn.begin():
            yield conn

    async def dispose(self) -> None:
        await self.engine.dispose()
