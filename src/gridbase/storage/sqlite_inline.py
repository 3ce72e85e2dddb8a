"""SQLite reads run on the event loop's own thread when they are short.

aiosqlite runs every call on the connection's worker thread: a queue, a thread wake-up,
a hand-back through the loop's self-pipe, and the GIL passed to and fro among up to
twenty such threads. For a row read by id that costs several times the query. So a read
is first run right here, with a budget of SQLite virtual-machine steps (a progress
handler, about a millisecond's worth); a read that outgrows it is interrupted, which
undoes nothing but its own progress, and run again on the worker thread, where it no
longer holds up every other request. A statement that keeps outgrowing its budget
(a deep offset, a scan of a large table) skips the inline attempt for a while.

Connections are opened with `check_same_thread=False` (`Database`) for this; SQLite's
serialized mode and the pool (one request per connection at a time) keep two threads
from using one connection at once.
"""

from __future__ import annotations

import sqlite3
from typing import Any

__all__ = ["begin", "end", "fetch_all"]

# Virtual-machine steps a read may take inline, counted in checks of `_CHECK_EVERY`
# steps: about a millisecond on this kind of machine (a 100-row page built as JSON
# takes about 17,000). SQLite counts steps per prepared statement across its runs, so
# the handler counts its own calls rather than being set to fire once at the budget.
_CHECK_EVERY = 1000
_BUDGET_CHECKS = 100
# After an interrupted inline run, this many runs of the same SQL go straight to the
# worker thread; then it is tried inline again (its values may make it short).
_SKIP_AFTER_OVERRUN = 32
_MEMO_SIZE = 1000
_skipping: dict[str, int] = {}
# Checks so far of the run in progress: inline runs never overlap (they hold the loop).
_checks = 0


def _check() -> int:
    """SQLite's progress handler: a non-zero answer interrupts the statement."""
    global _checks
    _checks += 1
    return int(_checks > _BUDGET_CHECKS)


def _overran(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_INTERRUPT


def _inline_run(raw: sqlite3.Connection, sql: str, values: Any) -> list[Any] | None:
    """The statement's rows, or None when it outgrew the budget."""
    global _checks
    _checks = 0
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
