"""Reads and their transactions: a read sees every write committed before it, whether it
runs its statements on their own (`Database.read(snapshot=False)`: a row, a page) or in
one transaction; a snapshot read on SQLite keeps one snapshot; and no read leaves its
connection inside a transaction, whatever way it ends.
"""

from __future__ import annotations

import asyncio
from contextlib import nullcontext
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import Api


async def test_rows_read_what_was_just_written(api: Api) -> None:
    """Each write's answer, then a get and a page (autocommit reads) and a search (a
    snapshot read), all see it, many times over and with reads running alongside."""
    table = await api.table()
    rows = f"/api/database/rows/table/{table['id']}/"
    created = await api.ok("POST", rows, params={"user_field_names": "true"},
                           json={"Name": "first"})

    async def busy_reads() -> None:
        for _ in range(20):
            await api.ok("GET", f"{rows}{created['id']}/")

    background = asyncio.gather(*[busy_reads() for _ in range(4)])
    for n in range(15):
        name = f"value {n}"
        await api.ok("PATCH", f"{rows}{created['id']}/", params={"user_field_names": "true"},
                     json={"Name": name})
        one = await api.ok("GET", f"{rows}{created['id']}/", params={"user_field_names": "true"})
        assert one["Name"] == name
        page = await api.rows(table["id"], user_field_names="true")
        assert [r["Name"] for r in page["results"]] == [name] and page["count"] == 1
        found = await api.rows(table["id"], user_field_names="true", search=name)
        assert [r["Name"] for r in found["results"]] == [name]
    await background
    await api.ok("DELETE", f"{rows}{created['id']}/")
    assert (await api.get(f"{rows}{created['id']}/")).status_code == 404
    assert (await api.rows(table["id"]))["count"] == 0


async def _count(conn: Any, table: str) -> int:
    return int(await conn.scalar(sa.text(f'SELECT count(*) FROM "{table}"')))


async def _add_row(api: Api, table_id: int) -> None:
    await api.ok("POST", f"/api/database/rows/table/{table_id}/", json={})


async def test_autocommit_reads_see_each_commit(api: Api, app: Any) -> None:
    """Statements of a read without a snapshot each see what was committed when they ran
    (as under PostgreSQL's READ COMMITTED), on both backends."""
    db = app.state.services.db
    table = await api.table()
    name = f"database_table_{table['id']}"
    async with db.read(snapshot=False) as conn:
        before = await _count(conn, name)
        await _add_row(api, table["id"])
        assert await _count(conn, name) == before + 1


async def test_snapshot_reads_see_what_their_backend_promises(api: Api, app: Any) -> None:
    """A snapshot read on SQLite, begun on the driver, reads one snapshot throughout,
    through SQLAlchemy and straight on the driver alike; on PostgreSQL a read
    transaction is READ COMMITTED, so its next statement sees a new commit."""
    db = app.state.services.db
    table = await api.table()
    name = f"database_table_{table['id']}"
    async with db.read() as conn:
        before = await _count(conn, name)
        await _add_row(api, table["id"])
        seen = before if db.is_sqlite else before + 1
        assert await _count(conn, name) == seen
        driver = await _driver(conn)
        query = f'SELECT count(*) FROM "{name}"'
        rows = (await driver.execute_fetchall(query) if db.is_sqlite
                else await driver.fetch(query))
        assert rows[0][0] == seen
    async with db.read() as conn:
        assert await _count(conn, name) == before + 1


async def _driver(conn: Any) -> Any:
    """The driver's connection under `conn` (aiosqlite's or asyncpg's)."""
    raw = await conn.get_raw_connection()
    return raw.driver_connection


@pytest.mark.parametrize("snapshot", [True, False])
@pytest.mark.parametrize("through", ["sqlalchemy", "driver", "nothing"])
@pytest.mark.parametrize("fails", [False, True])
async def test_reads_end_outside_a_transaction(app: Any, snapshot: bool, through: str,
                                               fails: bool) -> None:
    """Whatever ran in a read (statements through SQLAlchemy, on the driver, or none)
    and however it ended, its connection goes back to the pool outside a transaction,
    and writes go on."""
    db = app.state.services.db
    driver = None
    with pytest.raises(RuntimeError) if fails else nullcontext():
        async with db.read(snapshot=snapshot) as conn:
            driver = await _driver(conn)
            if through == "sqlalchemy":
                await conn.execute(sa.text("SELECT 1"))
            elif through == "driver":
                await (driver.execute_fetchall("SELECT 1") if db.is_sqlite
                       else driver.fetch("SELECT 1"))
            if db.is_sqlite:  # begun by gridbase; PostgreSQL's begins with a statement
                assert driver.in_transaction == snapshot
            if fails:
                raise RuntimeError("the read fails")
    assert driver is not None
    assert not (driver.in_transaction if db.is_sqlite else driver.is_in_transaction())
    async with db.write() as conn:
        await conn.execute(sa.text("SELECT 1"))


async def test_plans_are_reused_only_where_values_cannot_change_them(app: Any) -> None:
    """PostgreSQL: reads plan each statement for its values (a filter's values change
    its best plan), while writes and reads marked `reuse_plans` (rows by id, plain
    pages) may reuse a plan. SQLite has no plan cache to set: there each way keeps its
    own transaction (a snapshot read and a write hold one, autocommit reads none)."""
    db = app.state.services.db

    async def state(conn: Any) -> Any:
        if db.is_sqlite:
            return (await _driver(conn)).in_transaction
        return await conn.scalar(sa.text("SHOW plan_cache_mode"))

    async with db.read() as conn:
        snapshot_mode = await state(conn)
    async with db.read(snapshot=False) as conn:
        read_mode = await state(conn)
    async with db.read(snapshot=False, reuse_plans=True) as conn:
        reusing_mode = await state(conn)
    async with db.write() as conn:
        await conn.execute(sa.text("SELECT 1"))
        write_mode = await state(conn)
    if db.is_sqlite:
        assert (snapshot_mode, read_mode, reusing_mode, write_mode) == (
            True, False, False, True)
    else:
        assert (snapshot_mode, read_mode) == ("force_custom_plan", "force_custom_plan")
        assert (reusing_mode, write_mode) == ("auto", "auto")
