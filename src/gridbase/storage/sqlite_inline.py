"""SQLite reads run on the event loop's own thread when they are short.

aiosqlite runs every call on the connection's worker thread: a queue, a thread wake-up,
a hand-back through the loop's self-pipe, and the GIL passed to and fro among up to
twenty such threads. For a row read by id that costs several times the query. So a read
is first run right here, with a budget of a millisecond (checked by a progress handler
that SQLite calls every thousand steps); a read that outgrows it is interrupted, which
undoes nothing but its own progress, and run again on the worker thread, where it no
longer holds up every other request. A statement that keeps outgrowing its budget
(a deep offset, a scan of a large table) skips the inline attempt for a while.

Connections are opened with `check_same_thread=False` (`Database`) for this; SQLite's
serialized mode and the pool (one request per connection at a time) keep two threads
from using one connection at once.
"""

from __future__ import annotations

import sqlite3
from time import perf_counter
from typing import Any

__all__ = ["begin", "end", "fetch_all"]

# How long a read may hold the loop: about twice a 100-row page of the bench's table
# (0.45 ms), a fifth of a filtered page of 1,000,000 rows. Time, not SQLite's steps, is
# the measure: a step can be a B-tree seek or a LIKE over a long text, so steps per
# millisecond vary twentyfold between statements.
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


def _inline_run(raw: sqlite3.Connection, sql: str, values: Any) -> list[Any] | None:
    """The statement's rows, or None when it outgrew the budget."""
    global _deadline
    _deadline = perf_counter() + _BUDGET_SECONDS
    raw.set_progress_handler(_check, _CHECK_EVERY)
    try:
        return raw.execute(sql, values).fetchall()
    except sqlite3.OperationalError as error:
        if _overran(error):
            return None
        raise
    finally:
        raw.set_progress_handler(None, 0)


async def fetch_all(driver: Any, sql: str, values: Any) -> list[Any]:
    """Rows of a read statement on an aiosqlite connection (not writes: an interrupted
    write inside a transaction would roll the transaction back)."""
    skips = _skipping.pop(sql, 0)
    if skips > 1:
        _skipping[sql] = skips - 1
    elif not skips:
        rows = _inline_run(driver._conn, sql, values)
        if rows is not None:
            return rows
        if len(_skipping) >= _MEMO_SIZE:  # statements of tables since dropped, say
            _skipping.clear()
        _skipping[sql] = _SKIP_AFTER_OVERRUN
    result: list[Any] = list(await driver.execute_fetchall(sql, values))
    return result


def begin(driver: Any) -> None:
    """A deferred BEGIN: it reads nothing until the first statement."""
    driver._conn.execute("BEGIN")


def end(driver: Any, commit: bool) -> None:
    """End a read transaction: releases its snapshot, writes nothing."""
    if commit:
        driver._conn.commit()
    else:
        driver._conn.rollback()
