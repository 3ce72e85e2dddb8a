"""One `Database` per process: the async engine and the two ways to open a transaction.

SQLite allows one writer at a time, so writes there take an in-process lock and
`BEGIN IMMEDIATE`; reads use a deferred `BEGIN` and never wait on writers (WAL).

Every call into aiosqlite is a hop to the connection's worker thread and back, which
costs more than a small SELECT (`sqlite_inline`: short reads run on the loop's own
thread, other statements in one hop). So SQLite reads begin and end on the loop's
thread, reads that need no snapshot run each statement on its own (autocommit, no BEGIN
or COMMIT at all), and a COMMIT or ROLLBACK of a connection that is not in a
transaction (a pool's reset on return) is skipped: pysqlite would do nothing with it
but the hop.

PostgreSQL plans each statement for its values by default here (`force_custom_plan`).
Row queries are prepared once and run with many different values (a filter's LIKE
pattern, a range); a generic plan, which PostgreSQL would otherwise adopt after five
runs, cannot see them: on a 1,000,000-row table it combined two indexes and sorted
(420 ms) where the values' own plan walks the sort's index (28 ms). Statements whose
best plan does not depend on their values (a write's statements, which name their rows
by id; a row by id; a plain page) run on a second pool left in PostgreSQL's default
mode, which reuses a plan once it is no worse than the values' own: planning was about
a fifth of a page's database time (database CPU a request in an A/B: list 1.76 -> 1.40
ms, get one 0.43 -> 0.27 ms, create one 0.72 -> 0.53 ms).

SQLite reads the database file through memory mapping (`sqlite_mmap_mb`, the server's
GRIDBASE_SQLITE_MMAP_MB): every connection reads the operating system's cached pages
in place, where each connection's own page cache (2 MB) holds a copy of what it read.
With 16 clients a filtered page of a 1,000,000-row table came from a different
connection's cold cache each time, copying page after page: server CPU a request 6.4
-> 4.4 ms, 243 -> 313 req/s (medians of four turns each). The mapped pages count in the
process's resident memory (RssFile) though they are the file's cache, shared and
reclaimable.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)
from sqlalchemy.engine import Connection as SyncConnection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from gridbase.storage import sqlite_inline
from gridbase.storage.auth_cache import AuthCache
from gridbase.storage.direct import driver_connection
from gridbase.storage.sql_functions import register_sqlite_functions

__all__ = ["Database"]

_WRITE_OPTION = "gridbase_write"
# A read whose statements each run on their own (`Database.read(snapshot=False)`):
# SQLAlchemy's autobegin then emits nothing.
_AUTOCOMMIT_OPTION = "gridbase_autocommit"


def _in_transaction(dbapi_connection: Any) -> bool:
    """Whether SQLite holds a transaction open on this pooled connection; True when
    that cannot be told (a closed or invalidated connection), so the driver decides."""
    try:
        return bool(dbapi_connection.driver_connection.in_transaction)
    except Exception:
        return True


def _skip_idle_ends(dialect: Any) -> None:
    """COMMIT and ROLLBACK only where a transaction is open: pysqlite skips them
    otherwise anyway (the same check), after a hop to aiosqlite's thread."""
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        if _in_transaction(dbapi_connection):
            commit(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        if _in_transaction(dbapi_connection):
            rollback(dbapi_connection)

    dialect.do_commit = do_commit
    dialect.do_rollback = do_rollback


class _OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's cursor over `sqlite_inline.DriverCursor`: a statement in one hop to
    aiosqlite's thread where aiosqlite takes four, or none for a short read."""

    __slots__ = ()

    def _make_new_cursor(self, connection: Any) -> Any:
        return sqlite_inline.DriverCursor(connection)


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _OneHopCursor


def _configure_sqlite(engine: AsyncEngine, mmap_mb: int) -> None:
    _skip_idle_ends(engine.sync_engine.dialect)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # The same adapter with SQLAlchemy's own cursors swapped (server-side ones kept).
        dbapi_connection.__class__ = _OneHopConnection
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # SQLite caps the size at its build's limit (usually 2 GiB).
        cursor.execute(f"PRAGMA mmap_size={max(0, mmap_mb) * 1024 * 1024}")
        cursor.close()
        register_sqlite_functions(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: SyncConnection) -> None:
        options = conn.get_execution_options()
        if options.get(_WRITE_OPTION, False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(_AUTOCOMMIT_OPTION, False) and not _in_transaction(
                conn.connection):  # a read's transaction begun on the driver
            conn.exec_driver_sql("BEGIN")


def _skip_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """PostgreSQL: a pooled connection the server has closed (a restart, a terminated
    backend) is replaced at checkout, not handed to a request that would fail on it.
    asyncpg knows it is closed once the loop has read the end of its socket: no round
    trip, unlike a ping on every checkout."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this connection")


@asynccontextmanager
async def _begun_on_driver(conn: AsyncConnection, begin: Callable[[], Awaitable[Any]],
                           is_open: Callable[[], bool],
                           end: Callable[[bool], Awaitable[Any]]) -> AsyncIterator[None]:
    """A transaction on `conn` begun on the driver (`begin`), so a request whose
    statements all run on the driver (`storage.direct`) skips SQLAlchemy's transaction
    bookkeeping. It is ended by SQLAlchemy when a statement went through it (SQLAlchemy
    then knows of the transaction), by the driver otherwise (`end(commit)`, while
    `is_open()`)."""
    await begin()
    try:
        yield
    except BaseException:
        if conn.in_transaction():
            await conn.rollback()
        elif is_open():
            await end(False)
        raise
    if conn.in_transaction():
        await conn.commit()
    elif is_open():
        await end(True)


@asynccontextmanager
async def _sqlite_read_transaction(conn: AsyncConnection) -> AsyncIterator[None]:
    """SQLite: a deferred transaction begun on the driver, on the loop's thread (through
    SQLAlchemy it would take a hop to aiosqlite's), which the `begin` listener then
    leaves alone; it is ended there too when no statement went through SQLAlchemy."""
    driver: Any = (await driver_connection(conn)).driver_connection
    async with _begun_on_driver(
            conn, lambda: sqlite_inline.begin(driver), lambda: bool(driver.in_transaction),
            lambda commit: sqlite_inline.end(driver, commit)):
        yield


@asynccontextmanager
async def _driver_transaction(conn: AsyncConnection) -> AsyncIterator[None]:
    """PostgreSQL: a transaction begun by asyncpg, as SQLAlchemy's adapter begins one
    before a first statement."""
    adapter: Any = (await driver_connection(conn)).dbapi_connection

    def end(commit: bool) -> Awaitable[None]:
        transaction = adapter._transaction
        ended: Awaitable[None] = adapter._call_and_discard(
            transaction.commit if commit else transaction.rollback)
        return ended

    async with _begun_on_driver(conn, adapter._start_transaction,
                                lambda: adapter._transaction is not None, end):
        yield


class Database:
    """The engine plus transaction helpers; the only door to SQL for handlers."""

    def __init__(self, url: str, *, echo: bool = False, sqlite_mmap_mb: int = 0) -> None:
        self.url = url
        # Enough idle connections for a busy worker: a connection opened beyond the
        # pool's size is closed again on return, and opening one costs far more than a
        # request (on SQLite a thread, the PRAGMAs and the functions, each a thread hop;
        # with SQLAlchemy's default of 5, 16 clients reading at once kept opening them).
        kwargs: dict[str, Any] = {"echo": echo, "pool_size": 20, "max_overflow": 10}
        if url.startswith("postgresql"):
            self.engine = create_async_engine(url, **kwargs, connect_args={
                "server_settings": {"plan_cache_mode": "force_custom_plan"}})
            # Statements that may reuse plans (module docstring): a pool of their own,
            # as the mode is a connection's setting.
            self._reusing_engine = create_async_engine(url, **kwargs)
            for engine in (self.engine, self._reusing_engine):
                event.listen(engine.sync_engine, "checkout", _skip_closed)
        else:
            # SQLite: short reads run on the loop's thread (`sqlite_inline`).
            self.engine = create_async_engine(
                url, **kwargs, connect_args={"check_same_thread": False})
            self._reusing_engine = self.engine
        self._engines = tuple({self.engine, self._reusing_engine})
        self.dialect = self.engine.dialect.name
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine, sqlite_mmap_mb)
        self.auth_cache = AuthCache()
        for engine in self._engines:
            self.auth_cache.watch(engine)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A read-write transaction, committed when the block exits cleanly."""
        if self._write_lock is None:
            async with self._reusing_engine.connect() as conn, _driver_transaction(conn):
                yield conn
            return
        async with self._write_lock, self.engine.connect() as conn:
            await conn.execution_options(**{_WRITE_OPTION: True})
            async with conn.begin():
                yield conn

    @asynccontextmanager
    async def read(self, *, snapshot: bool = True, reuse_plans: bool = False
                   ) -> AsyncIterator[AsyncConnection]:
        """A read-only snapshot for one request.

        `snapshot=False` runs each statement on its own (autocommit), which saves the
        BEGIN and COMMIT round trips on PostgreSQL and thread hops on SQLite; for reads
        whose statements need not agree to the transaction (a page and its count, like
        Baserow's own autocommit reads), each statement seeing what was committed when
        it ran, as under PostgreSQL's READ COMMITTED. `reuse_plans` (with
        `snapshot=False`): each statement's best plan is the same whatever its values
        (module docstring), so PostgreSQL may reuse one."""
        if not snapshot:
            engine = self._reusing_engine if reuse_plans else self.engine
            async with engine.connect() as conn:
                if self._write_lock is None:
                    await conn.execution_options(isolation_level="AUTOCOMMIT")
                else:
                    await conn.execution_options(**{_AUTOCOMMIT_OPTION: True})
                yield conn
            return
        if self._write_lock is None:
            async with self.engine.connect() as conn, conn.begin():
                yield conn
            return
        async with self.engine.connect() as conn, _sqlite_read_transaction(conn):
            yield conn

    async def dispose(self) -> None:
        for engine in self._engines:
            await engine.dispose()
