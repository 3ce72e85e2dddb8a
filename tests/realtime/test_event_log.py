"""The event log on its own (in-process, both backends): ids, replay bounds, pruning."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from gridbase.clock import now
from gridbase.events import Event
from gridbase.realtime import event_log
from gridbase.storage import schema as meta


async def _append(db: Any, *events: Event) -> list[int]:
    ids = []
    async with db.write() as conn:
        await event_log.lock(conn)
        for envelope, event in zip(await event_log.append_all(conn, events), events,
                                   strict=True):
            assert envelope.id is not None and envelope.type == event.type
            ids.append(envelope.id)
    return ids


def _row_event(table_id: int, n: int) -> Event:
    return Event("rows_created", {"type": "rows_created", "table_id": table_id, "n": n},
                 table_id=table_id, origin_websocket_id="ws-1")


async def test_ids_increase_and_a_table_replays_only_its_own_events(app: Any) -> None:
    db = app.state.services.db
    ids = await _append(db, _row_event(901, 1), _row_event(902, 2), _row_event(901, 3),
                        Event("group_deleted", {"type": "group_deleted"}, workspace_id=5,
                              user_ids=(1, 2)))
    assert ids == sorted(ids) and len(set(ids)) == 4
    async with db.write() as conn:
        replay = await event_log.read_after(conn, 901, ids[0] - 1, limit=10)
    assert replay is not None
    assert [(e.id, e.payload["n"], e.origin) for e in replay] == [
        (ids[0], 1, "ws-1"), (ids[2], 3, "ws-1")]
    async with db.write() as conn:
        assert await event_log.read_after(conn, 901, ids[2], limit=10) == []


async def test_replay_gives_up_beyond_its_limit_or_past_the_newest_id(app: Any) -> None:
    db = app.state.services.db
    ids = await _append(db, *[_row_event(903, n) for n in range(5)])
    async with db.write() as conn:
        assert await event_log.read_after(conn, 903, ids[0] - 1, limit=4) is None
        assert len(await event_log.read_after(conn, 903, ids[0] - 1, limit=5) or []) == 5
        assert await event_log.read_after(conn, 903, ids[-1] + 1000, limit=5) is None


async def test_pruning_keeps_the_newest_event_and_makes_older_ids_unresumable(
        app: Any) -> None:
    db = app.state.services.db
    ids = await _append(db, _row_event(904, 1), _row_event(904, 2))
    async with db.write() as conn:
        await conn.execute(meta.event_log.update().values(
            created_on=now() - timedelta(days=30)))
        assert await event_log.prune(conn, now() - timedelta(days=1)) >= 1
        remaining = (await conn.scalars(sa.select(meta.event_log.c.id))).all()
    assert remaining == [ids[1]]
    async with db.write() as conn:
        assert await event_log.read_after(conn, 904, ids[0] - 1, limit=10) is None
        kept = await event_log.read_after(conn, 904, ids[0], limit=10)
    assert [e.id for e in kept or []] == [ids[1]]
    [later] = await _append(db, _row_event(904, 3))
    async with db.write() as conn:
        replay = await event_log.read_after(conn, 904, ids[0], limit=10)
    assert [e.id for e in replay or []] == [ids[1], later]


async def _lz4_available(conn: Any) -> bool:
    """Whether this PostgreSQL server was built with lz4 (Debian's is)."""
    try:
        async with conn.begin_nested():
            await conn.execute(sa.text("SET LOCAL default_toast_compression = 'lz4'"))
    except sa.exc.DBAPIError:
        return False
    return True


async def test_a_large_payload_comes_back_whole_and_is_compressed_with_lz4(app: Any) -> None:
    """A batch's event is large (its rows): on PostgreSQL its payload is stored
    compressed with lz4 (cheaper than the default pglz) where the server has it."""
    db = app.state.services.db
    rows = [{"id": n, "text": f"row {n} " + "alpha delta omega " * 20} for n in range(300)]
    event = Event("rows_created", {"type": "rows_created", "table_id": 905, "rows": rows},
                  table_id=905)
    [event_id] = await _append(db, event)
    async with db.write() as conn:
        replay = await event_log.read_after(conn, 905, event_id - 1, limit=10)
        assert replay is not None and [e.payload["rows"] for e in replay] == [rows]
        if db.dialect != "postgresql":
            return
        stored = await conn.scalar(sa.text(
            "SELECT pg_column_compression(payload) FROM gridbase_event_log WHERE id = :id"),
            {"id": event_id})
        expected = "lz4" if await _lz4_available(conn) else "pglz"
    assert stored == expected


async def test_appending_waits_for_the_log_lock_another_writer_holds(app: Any) -> None:
    """`append_all` takes the log's ordering lock itself: while another writer holds it
    (another worker publishing), events wait, then draw the next ids after its own."""
    db = app.state.services.db
    table_id = 999_002
    async with db.write() as holder:
        await event_log.lock(holder)
        [held] = await event_log.append_all(holder, [_row_event(table_id, 0)])
        waiting = asyncio.create_task(_logged(db, _row_event(table_id, 1)))
        await asyncio.sleep(0.3)
        assert not waiting.done()
    assert held.id is not None
    assert await asyncio.wait_for(waiting, 10) > held.id


async def _logged(db: Any, event: Event) -> int:
    async with db.write() as conn:
        [envelope] = await event_log.append_all(conn, [event])
    assert envelope.id is not None
    return envelope.id
