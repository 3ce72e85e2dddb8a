"""`db_index`: a field asks for an index on its column, and keeps working when converted."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from gridbase.storage.engine import Database
from gridbase.storage.migrate import migrate
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


async def test_rows_are_indexed_in_their_default_order(api: Api, database_url: str) -> None:
    table = await api.table(data=[["Name"], ["b"], ["a"]])
    names = await _indexes(database_url, table["id"])
    assert f"ix_database_table_{table['id']}_order_id" in names
    assert f"ix_database_table_{table['id']}_order" not in names


async def test_the_migration_indexes_tables_made_before_it(api: Api, database_url: str) -> None:
    table = await api.table(data=[["Name"], ["b"], ["a"]])
    name = f"database_table_{table['id']}"
    db = Database(database_url)
    try:
        async with db.write() as conn:  # the table as revision 0006 made it
            await conn.execute(sa.text(f'DROP INDEX "ix_{name}_order_id"'))
            await conn.execute(sa.text(f'CREATE INDEX "ix_{name}_order" ON "{name}" ("order")'))
            await conn.execute(sa.text("UPDATE alembic_version SET version_num = '0006'"))
        await migrate(db)
    finally:
        await db.dispose()
    names = await _indexes(database_url, table["id"])
    assert f"ix_{name}_order_id" in names
    assert f"ix_{name}_order" not in names
    rows = await api.rows(table["id"], user_field_names="true")
    assert [row["Name"] for row in rows["results"]] == ["b", "a"]
