"""`db_index`: a field asks for an index on its column, and keeps working when converted."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import Api


async def _indexes(database_url: str, table_id: int) -> set[str]:
    engine = create_async_engine(database_url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: {
            i["name"] for i in sa.inspect(sync).get_indexes(f"database_table_{table_id}")})
    await engine.dispose()
    return {n for n in names if n}


async def test_db_index_creates_and_drops_an_index(api: Api, database_url: str) -> None:
    table = await api.table(data=[["Name"], ["b"], ["a"]])
    field = await api.field(table["id"], name="Code", type="text", db_index=True)
    assert field["db_index"] is True
    index = f"idx_t{table['id']}_field_{field['id']}"
    assert index in await _indexes(database_url, table["id"])
    converted = await api.ok("PATCH", f"/api/database/fields/{field['id']}/",
                             json={"type": "number"})
    assert converted["db_index"] is True
    assert index in await _indexes(database_url, table["id"])
    off = await api.ok("PATCH", f"/api/database/fields/{field['id']}/", json={"db_index": False})
    assert off["db_index"] is False
    assert index not in await _indexes(database_url, table["id"])
    await api.ok("PATCH", f"/api/database/fields/{field['id']}/", json={"db_index": True})
    await api.ok("DELETE", f"/api/database/fields/{field['id']}/")
    assert index not in await _indexes(database_url, table["id"])
    rows = await api.rows(table["id"])
    assert rows["count"] == 2
