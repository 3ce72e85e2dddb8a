"""Short SQLite reads run on the event loop's thread, within a budget of time;
a read that outgrows it is interrupted and run again on the connection's worker thread
(`storage.sqlite_inline`), whether it runs straight on the driver or through
SQLAlchemy's cursor. Answers must not depend on which way a read went. PostgreSQL
has no inline path: there the same requests must answer the same under either setting.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.storage import sqlite_inline
from gridbase.storage.direct import read_directly
from tests.conftest import Api


def _overrun_every_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A budget of no time, checked at every step: each inline run is interrupted."""
    monkeypatch.setattr(sqlite_inline, "_CHECK_EVERY", 1)
    monkeypatch.setattr(sqlite_inline, "_BUDGET_SECONDS", -1.0)
    monkeypatch.setattr(sqlite_inline, "_skipping", {})


async def _reads(api: Api, table_id: int, row_id: int) -> list[Any]:
    rows = f"/api/database/rows/table/{table_id}/"
    return [
        await api.rows(table_id, user_field_names="true", size=20, page=2),
        await api.rows(table_id, user_field_names="true", order_by="-Name",
                       filter__Name__contains="7"),
        await api.ok("GET", f"{rows}{row_id}/", params={"user_field_names": "true"}),
        # statements through SQLAlchemy's cursor (`sqlite_inline.DriverCursor`)
        await api.rows(table_id, user_field_names="true", search="row 1"),
        await api.ok("GET", f"/api/database/fields/table/{table_id}/"),
    ]


async def test_reads_answer_alike_inline_or_on_the_worker_thread(
        api: Api, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    table = await api.table()
    rows = f"/api/database/rows/table/{table['id']}/batch/"
    created = await api.ok("POST", rows, params={"user_field_names": "true"},
                           json={"items": [{"Name": f"row {n}"} for n in range(60)]})
    row_id = created["items"][17]["id"]
    inline = await _reads(api, table["id"], row_id)
    assert [r["Name"] for r in inline[0]["results"]] == [f"row {n}" for n in range(20, 40)]
    assert inline[1]["count"] == len([n for n in range(60) if "7" in f"row {n}"])
    assert inline[2]["Name"] == "row 17"
    assert inline[3]["count"] >= 11  # "row 1", "row 10" ... "row 19" at least
    assert [f["name"] for f in inline[4]] == ["Name"]
    _overrun_every_read(monkeypatch)
    # Each statement is first interrupted, then skips the inline attempt for a while.
    for _ in range(3):
        assert await _reads(api, table["id"], row_id) == inline
    if app.state.services.db.is_sqlite:
        assert sqlite_inline._skipping, "no read was interrupted"


async def test_an_interrupted_read_keeps_its_snapshot(
        api: Api, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run again on the worker thread, an interrupted read still sees its transaction's
    snapshot on SQLite (PostgreSQL's read transactions are READ COMMITTED)."""
    _overrun_every_read(monkeypatch)
    db = app.state.services.db
    table = await api.table()
    sa_table = sa.table(f"database_table_{table['id']}", sa.column("id"))
    count = sa.select(sa.func.count().label("n")).select_from(sa_table)
    async with db.read() as conn:
        before = (await read_directly(conn, count, {}))[0]["n"] if db.is_sqlite else (
            await conn.scalar(count))
        await api.ok("POST", f"/api/database/rows/table/{table['id']}/", json={})
        after = (await read_directly(conn, count, {}))[0]["n"] if db.is_sqlite else (
            await conn.scalar(count))
        assert after == (before if db.is_sqlite else before + 1)
    if db.is_sqlite:
        assert sqlite_inline._skipping, "the read was not interrupted"
