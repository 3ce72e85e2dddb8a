"""Statements built for a table are kept as long as its schema version, and no longer.

Every schema change (a field added, renamed, removed) gives the table a new SQLAlchemy
table object, and the statements built for the old one (pages, rows by id, batch
writes, kept filtered pages) must go with it: a long-running server whose users edit
their tables' fields would otherwise hold every version's statements for good.
"""

from __future__ import annotations

import gc
from typing import Any

import sqlalchemy as sa

from tests.conftest import Api

ROWS = "/api/database/rows/table/{}/"


def _table_objects(app: Any, table_id: int) -> int:
    """The table's SQLAlchemy objects still alive. SQLAlchemy's cache of compiled
    statements (500 a pool, least recently used first out) holds some for a while: it
    is emptied first, so only what gridbase keeps can hold old objects (the exact
    counts too, keyed by their WHERE clause's shape, let go of an older version's)."""
    for engine in app.state.services.db._engines:
        engine.sync_engine._compiled_cache.clear()
    gc.collect()
    return sum(1 for thing in gc.get_objects()
               if isinstance(thing, sa.Table) and thing.name == f"database_table_{table_id}")


async def _use(api: Api, table_id: int, names: list[str], linked: int) -> None:
    """Every kind of statement gridbase keeps for a table: listed pages (plain,
    filtered, sorted), a row by id, single and batch writes, a batch's answer, and the
    linked table's reads of its rows."""
    rows = ROWS.format(table_id)
    named = {"user_field_names": "true"}
    created = await api.ok("POST", rows, params=named,
                           json={names[0]: "a", names[1]: 1, "Other": [linked]})
    await api.ok("POST", f"{rows}batch/", params=named, json={
        "items": [{names[0]: f"r{i}", names[1]: i, "Other": [linked]} for i in range(12)]})
    await api.ok("PATCH", f"{rows}batch/", params=named, json={
        "items": [{"id": created["id"], names[1]: 2, "Other": []}]})
    await api.ok("GET", rows)
    await api.ok("GET", rows, params={**named, f"filter__{names[1]}__higher_than": "0",
                                      "order_by": f"-{names[1]}"})
    await api.ok("GET", rows, params={"search": "r1"})
    await api.ok("GET", f"{rows}{created['id']}/")


async def test_a_changed_schema_lets_go_of_the_old_versions_statements(app: Any, api: Api
                                                                   ) -> None:
    table = await api.table()
    other = await api.table(table["database_id"], name="Other")
    linked = (await api.ok("POST", ROWS.format(other["id"]), json={}))["id"]
    await api.field(table["id"], name="Other", type="link_row", link_row_table_id=other["id"])
    number = await api.field(table["id"], name="Amount", type="number")
    other_primary = next(f for f in await api.fields(other["id"]) if f["primary"])
    await _use(api, table["id"], ["Name", "Amount"], linked)
    for version in range(6):
        name = f"Amount {version}"
        await api.ok("PATCH", f"/api/database/fields/{number['id']}/", json={"name": name})
        await api.ok("PATCH", f"/api/database/fields/{other_primary['id']}/",
                     json={"name": f"Title {version}"})
        await _use(api, table["id"], ["Name", name], linked)
    assert _table_objects(app, table["id"]) == 1
    assert _table_objects(app, other["id"]) == 1
