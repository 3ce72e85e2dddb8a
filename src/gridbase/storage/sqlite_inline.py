"""SQLite statements with as few hops to aiosqlite's worker thread as may be.

aiosqlite runs every call on the connection's worker thread: a queue, a thread wake-up,
a hand-back through the loop's self-pipe, and the GIL passed to and fro among up to
twenty such threads. For a row read by id that costs several times the query. So a read
is first run right here, on the loop's thread, with a budget of a millisecond (checked
by a progress handler that SQLite calls every thousand steps); a read that outgrows it
is interrupted, which undoes nothing but its own progress, and run again on the worker
thread, where it no longer holds up every other request. A statement that keeps
outgrowing its budget (a deep offset, a scan of a large table) skips the inline attempt
for a while. Writes always go to the worker thread, with their rows in the same hop.

Both the statements gridbase runs on the driver (`fetch_all`) and SQLAlchemy's take
this way: SQLAlchemy's adapter gets `DriverCursor`s (`Database`), where aiosqlite's
cursors spend a hop on each of cursor, execute, fetchall and close.

Connections are opened with `check_same_thread=False` (`Database`) for this; SQLite's
serialized mode and the pool (one request per connection at a time) keep two threads
from using one connection at once.
"""

from __future__ import annotations

import sqlite3
from time import perf_counter
from typing import Any

__all__ = ["DriverCursor", "begin", "end", "fetch_all", "run"]

# How long a read may hold the loop: about twice a 100-row page of the bench's table
# (0.45 ms), a fraction of a filtered page of 1,000,000 rows (2 to 8 ms). Time, not
# SQLite's steps, is the measure: a step can be a B-tree seek or a LIKE over a long
# text, so steps per millisecond vary twentyfold between statements.
_BUDGET_SECONDS = 0.001
# SQLite calls the progress handler every this many virtual-machine steps (5 to 100
# steps take a microsecond), and the handler looks at the clock.
_CHECK_EVERY = 1000
# After an interrupted inline run, this many runs of the same SQL go straight to the
# worker thread; then it is tried inline again (its values may make it short).
_SKIP_AFTER_OVERRUN = 32
_MEMO_SIZE = 1000
_skipping: dict[str, int] = {}
# The deadline of the run in progress: inline runs never overlap (they hold the loop).
_deadline = 0.0


def _check() -> int:
    """SQLite's progress handler: a non-zero answer interrupts the statement."""
    return int(perf_counter() > _deadline)


def _overran(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_INTERRUPT


def _inline_run(cursor: sqlite3.Cursor, sql: str, values: Any) -> list[Any] | None:
    """The statement's rows, or None when it outgrew the budget."""
    global _deadline
    raw = cursor.connection
    _deadline = perf_counter() + _BUDGET_SECONDS
    raw.set_progress_handler(_check, _CHECK_EVERY)
    try:
        return cursor.execute(sql, values).fetchall()
    except sqlite3.OperationalError as error:
        if _overran(error):
            return None
        raise
    finally:
        raw.set_progress_handler(None, 0)


def _run_fetching(cursor: sqlite3.Cursor, sql: str, values: Any) -> list[Any]:
    """On the worker thread: the statement and its rows (none for a write) in one hop."""
    cursor.execute(sql, values)
    return cursor.fetchall() if cursor.description is not None else []


async def run(driver: Any, cursor: sqlite3.Cursor, sql: str, values: Any, *,
              reads: bool) -> list[Any]:
    """Run a statement on `cursor` (of aiosqlite connection `driver`) and return its
    rows: a read first on the loop's thread, within the budget; a write, or a read
    that outgrew it, in one hop to the worker thread. Writes never run inline: an
    interrupted write rolls back its whole transaction, and a write's time (a column
    rewritten for a type conversion) has no bound."""
    if reads:
        skips = _skipping.pop(sql, 0)
        if skips > 1:
            _skipping[sql] = skips - 1
        elif not skips:
            rows = _inline_run(cursor, sql, values)
            if rows is not None:
                return rows
            if len(_skipping) >= _MEMO_SIZE:  # statements of tables since dropped, say
                _skipping.clear()
            _skipping[sql] = _SKIP_AFTER_OVERRUN
    result: list[Any] = await driver._execute(_run_fetching, cursor, sql, values)
    return result


async def fetch_all(driver: Any, sql: str, values: Any) -> list[Any]:
    """Rows of a read statement on an aiosqlite connection."""
    cursor = driver._conn.cursor()
    try:
        return await run(driver, cursor, sql, values, reads=True)
    finally:
        cursor.close()


class DriverCursor:
    """aiosqlite's cursor interface over a sqlite3 cursor, for SQLAlchemy's adapter:
    a statement takes one hop (`run`), or none for a short read; creating, fetching
    from and closing the cursor take none."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self._cursor: sqlite3.Cursor = driver._conn.cursor()
        self._rows: list[Any] = []

    async def __aenter__(self) -> DriverCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> DriverCursor:
        reads = sql.lstrip()[:6].upper() == "SELECT"
        self._rows = await run(self._driver, self._cursor, sql, parameters, reads=reads)
        return self

    async def executemany(self, sql: str, parameters: Any) -> DriverCursor:
        self._rows = []
        await self._driver._execute(self._cursor.executemany, sql, parameters)
        return self

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []
        self._cursor.close()


async def begin(driver: Any) -> None:
    """A deferred BEGIN, on the loop's thread: it reads nothing until the first
    statement."""
    driver._conn.execute("BEGIN")


async def end(driver: Any, commit: bool) -> None:
    """End a read transaction on the loop's thread: releases its snapshot, writes
    nothing."""
    if commit:
        driver._conn.commit()
    else:
        driver._conn.rollback()
