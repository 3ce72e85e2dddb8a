"""The event log: every published event with an increasing id, kept for a window.

Ids must reach subscribers in id order, or a client resuming from the highest id it
saw could skip one. So one lock orders all writers: on PostgreSQL a transaction-level
advisory lock, on SQLite the database write lock itself (`BEGIN IMMEDIATE`). A writer
inserts and publishes to the hub while holding it; a client catching up reads while
holding it, so nothing is both too late for its read and too early for its live feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import now
from gridbase.events import Event
from gridbase.realtime.envelope import Envelope, dumps
from gridbase.storage import schema as meta
from gridbase.storage.direct import run_directly

__all__ = ["append_all", "lock", "prune", "read_after", "realtime_key"]

log_table = meta.event_log

# An arbitrary constant naming gridbase's advisory lock ("grid" in ASCII).
_ADVISORY_KEY = 0x67726964
# Events per INSERT: 7 parameters each stays far below the drivers' parameter limits.
_CHUNK = 1000
# SQLite: one statement object for every batch of events: SQLAlchemy compiles it once and
# sends several events as one multi-row INSERT ("insertmanyvalues"), where a statement
# built with the rows' values inside would be compiled again for every batch.
_INSERT = log_table.insert().returning(log_table.c.id)
# PostgreSQL: `set_config(..., true)` is SET LOCAL; one round trip for both.
_LOCKING = ("SELECT set_config('synchronous_commit', 'off', true), "
            f"pg_advisory_xact_lock({_ADVISORY_KEY})")
_LOCK = sa.text(_LOCKING)
# PostgreSQL: a batch of events as one statement on the driver, one array per column
# (`storage.direct`), which takes the lock first (`lock`, saving its round trip): the
# rows it inserts are joined with the lock's, and their ids, drawn after the sort by
# position (volatile defaults are computed above a sort), come after it, in the arrays'
# order. Taking the lock again in a transaction that holds it is allowed.
_INSERT_ARRAYS = sa.text(
    f"WITH gridbase_lock AS ({_LOCKING}) "
    f"INSERT INTO {log_table.name} (created_on, type, table_id, workspace_id, user_ids, "
    "origin_websocket_id, payload) "
    "SELECT :created_on, e.type, e.table_id, e.workspace_id, e.user_ids, "
    "e.origin_websocket_id, e.payload FROM gridbase_lock, unnest(CAST(:types AS TEXT[]), "
    "CAST(:table_ids AS INTEGER[]), CAST(:workspace_ids AS INTEGER[]), "
    "CAST(:user_ids AS TEXT[]), CAST(:origins AS TEXT[]), CAST(:payloads AS TEXT[])) "
    "WITH ORDINALITY AS e(type, table_id, workspace_id, user_ids, origin_websocket_id, "
    "payload, position) ORDER BY e.position RETURNING id"
).bindparams(sa.bindparam("created_on", type_=log_table.c.created_on.type)).columns(
    log_table.c.id)


async def lock(conn: AsyncConnection) -> None:
    """Take the log's ordering lock until the transaction ends (see the module doc).

    On PostgreSQL the log's own commit does not wait for its disk flush: the change it
    describes is already durable, and an fsync per event would double a write's cost.
    A database crash can so forget the last fraction of a second of log entries."""
    if conn.dialect.name == "postgresql":
        await run_directly(conn, _LOCK, {})


async def append_all(conn: AsyncConnection, events: Sequence[Event]) -> list[Envelope]:
    """Log events in one statement per `_CHUNK`, under the log's lock (`lock`; on
    PostgreSQL the statement takes it, on SQLite the caller's write transaction holds
    it), and return them with their ids, in order. Under the lock nothing else
    inserts, so the ids a statement draws ascend in the order of its rows."""
    logged: list[Envelope] = []
    for start in range(0, len(events), _CHUNK):
        chunk = events[start:start + _CHUNK]
        payloads = [dumps(event.payload) for event in chunk]
        ids = await _insert(conn, chunk, [payload.decode() for payload in payloads])
        logged += [Envelope.of(event, event_id, payload)
                   for event, event_id, payload in zip(chunk, ids, payloads, strict=True)]
    return logged


async def _insert(conn: AsyncConnection, events: Sequence[Event], payloads: list[str]
                  ) -> list[int]:
    """Insert the events with their encoded payloads; the ids drawn, ascending."""
    created_on = now()
    user_ids = [None if event.user_ids is None else dumps(list(event.user_ids)).decode()
                for event in events]
    if conn.dialect.name == "postgresql":
        rows = await run_directly(conn, _INSERT_ARRAYS, {
            "created_on": created_on, "types": [event.type for event in events],
            "table_ids": [event.table_id for event in events],
            "workspace_ids": [event.workspace_id for event in events],
            "user_ids": user_ids, "origins": [event.origin_websocket_id for event in events],
            "payloads": payloads})
        return sorted(int(row["id"]) for row in rows)
    result = await conn.execute(_INSERT, [
        {"created_on": created_on, "type": event.type, "table_id": event.table_id,
         "workspace_id": event.workspace_id, "user_ids": users,
         "origin_websocket_id": event.origin_websocket_id, "payload": payload}
        for event, users, payload in zip(events, user_ids, payloads, strict=True)])
    return sorted(int(event_id) for event_id in result.scalars())


def _envelope(row: Any) -> Envelope:
    user_ids = orjson.loads(row["user_ids"]) if row["user_ids"] is not None else None
    return Envelope(int(row["id"]), row["type"], row["payload"].encode(), row["table_id"],
                    row["workspace_id"], tuple(user_ids) if user_ids is not None else None,
                    row["origin_websocket_id"])


async def read_after(
    conn: AsyncConnection, table_id: int, after_id: int, limit: int
) -> list[Envelope] | None:
    """A table's events after `after_id`, or None when they can no longer all be given:
    some were pruned, the id is from another database, or there are more than `limit`."""
    low, high = (await conn.execute(
        sa.select(sa.func.min(log_table.c.id), sa.func.max(log_table.c.id)))).one()
    if high is None:
        return [] if after_id == 0 else None
    if after_id > high or low > after_id + 1:
        return None
    rows = (await conn.execute(
        sa.select(log_table)
        .where(log_table.c.table_id == table_id, log_table.c.id > after_id)
        .order_by(log_table.c.id).limit(limit + 1)
    )).mappings().all()
    if len(rows) > limit:
        return None
    return [_envelope(row) for row in rows]


async def prune(conn: AsyncConnection, before: datetime) -> int:
    """Forget events older than `before`, always keeping the newest so ids stay known."""
    newest = sa.select(sa.func.max(log_table.c.id)).scalar_subquery()
    result = await conn.execute(
        log_table.delete().where(log_table.c.created_on < before, log_table.c.id < newest))
    return int(result.rowcount or 0)


async def realtime_key(conn: AsyncConnection) -> str:
    """This database's name on the hub, shared by every process that serves it."""
    key = await conn.scalar(sa.select(meta.instance.c.realtime_key)
                            .where(meta.instance.c.id == 1))
    if key is None:
        raise RuntimeError("gridbase_instance is empty: run `gridbase migrate`")
    return str(key)
