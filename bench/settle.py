"""Waiting for a table's background index builds to finish before it is measured.

gridbase builds indexes in the background (automatic indexes after repeated filters and
sorts, search indexes of big tables), and on PostgreSQL each build ends with an ANALYZE
of the table. A measurement taken meanwhile competes with the build for the CPU and
runs with plans made without the new index's statistics (a trigram index then looks
far more selective than it is). On PostgreSQL an index is listed from the moment its
CREATE INDEX CONCURRENTLY starts, so the index list alone does not tell; what is still
running does.
"""

from __future__ import annotations

import asyncio
import time

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

__all__ = ["settled_indexes"]

_SQLITE_INDEXES = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
_PG_INDEXES = ("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
               "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = :t AND i.indisvalid")
_PG_BUSY = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND (query ILIKE 'CREATE INDEX%' OR query ILIKE 'ANALYZE%')")


async def _state(url: str, table: str) -> tuple[list[str], int]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            if url.startswith("sqlite"):
                names = (await conn.scalars(sa.text(_SQLITE_INDEXES), {"t": table})).all()
                return sorted(str(n) for n in names), 0
            names = (await conn.scalars(sa.text(_PG_INDEXES), {"t": table})).all()
            busy = int(await conn.scalar(sa.text(_PG_BUSY)) or 0)
            return sorted(str(n) for n in names), busy
    finally:
        await engine.dispose()


async def settled_indexes(url: str, table: str, quiet_seconds: float = 8.0,
                          limit_seconds: float = 600.0) -> list[str]:
    """The table's valid indexes once no index build or ANALYZE has run and the list
    has not changed for `quiet_seconds` (or `limit_seconds` have passed)."""
    started = time.perf_counter()
    state = await _state(url, table)
    quiet_since = time.perf_counter()
    while time.perf_counter() - quiet_since < quiet_seconds:
        if time.perf_counter() - started > limit_seconds:
            break
        await asyncio.sleep(1.0)
        now = await _state(url, table)
        if now != state or now[1]:
            state, quiet_since = now, time.perf_counter()
    return state[0]
