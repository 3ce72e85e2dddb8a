"""Tables: each one a real SQL table, created empty with example content or from data."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import now
from gridbase.errors import ApiError
from gridbase.events import Outbox
from gridbase.fields.model import TableSchema
from gridbase.handlers.applications import database_workspace, table_json
from gridbase.handlers.fields import create_field_in
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.services import Services
from gridbase.storage import rows as sql
from gridbase.storage import schema as meta
from gridbase.storage.user_tables import create_user_table, drop_user_table

__all__ = [
    "create_table",
    "delete_table",
    "drop_table_storage",
    "get_table",
    "list_tables",
    "order_tables",
    "update_table",
]

DEFAULT_FIELDS: list[dict[str, Any]] = [
    {"name": "Name", "type": "text"},
    {"name": "Notes", "type": "long_text", "long_text_enable_rich_text": False},
    {"name": "Active", "type": "boolean"},
]


async def _table_row(conn: AsyncConnection, table_id: int) -> Any:
    row = (await conn.execute(sa.select(meta.tables).where(meta.tables.c.id == table_id))
           ).mappings().first()
    if row is None:
        raise ApiError("ERROR_TABLE_DOES_NOT_EXIST")
    return row


async def list_tables(svc: Services, actor: Actor, database_id: int) -> list[dict[str, Any]]:
    async with svc.db.read() as conn:
        workspace_id = await database_workspace(conn, database_id)
        await require(conn, actor, "database.read", workspace_id)
        rows = (await conn.execute(
            sa.select(meta.tables).where(meta.tables.c.database_id == database_id)
            .order_by(meta.tables.c.order, meta.tables.c.id))).mappings()
        return [table_json(r) for r in rows]


def _initial_data(
    svc: Services, data: Any, first_row_header: bool
) -> tuple[list[str], list[list[Any]]]:
    """Field names and padded rows from a create request's `data`."""
    if not isinstance(data, list) or not data or not all(isinstance(r, list) for r in data):
        raise ApiError("ERROR_INVALID_INITIAL_TABLE_DATA")
    width = max(len(r) for r in data)
    if width == 0:
        raise ApiError("ERROR_INVALID_INITIAL_TABLE_DATA")
    rows = [list(r) + [None] * (width - len(r)) for r in data]
    if first_row_header:
        header, rows = rows[0], rows[1:]
        names = [str(h).strip() if h not in (None, "") else f"Field {i + 1}"
                 for i, h in enumerate(header)]
    else:
        names = [f"Field {i + 1}" for i in range(width)]
    if len(rows) > svc.settings.initial_table_data_limit:
        raise ApiError(
            "ERROR_INITIAL_SYNC_TABLE_DATA_LIMIT_EXCEEDED",
            f"It is not possible to import more than {svc.settings.initial_table_data_limit} "
            "rows when creating a table synchronously.",
        )
    if len(set(names)) != len(names):
        raise ApiError("ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES")
    if any(n in ("id", "order") for n in names):
        raise ApiError("ERROR_RESERVED_BASEROW_FIELD_NAME")
    return names, rows


async def _fill(
    svc: Services, conn: AsyncConnection, table: TableSchema, rows: list[list[Any]]
) -> None:
    if not rows:
        return
    orders = await sql.orders_before(conn, table.sa_table, None, len(rows))
    inserts = []
    for row, order in zip(rows, orders, strict=True):
        item: dict[str, Any] = {"order": order}
        for spec, value in zip(table.fields, row, strict=False):
            item[spec.column_name] = value if value is None or isinstance(value, str | bool) \
                else str(value)
        for spec in table.fields[len(row):]:
            item[spec.column_name] = None
        inserts.append(item)
    await sql.insert_rows(conn, table.sa_table, inserts)


async def create_table(
    svc: Services, actor: Actor, database_id: int, name: str, data: Any,
    first_row_header: bool,
) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        workspace_id = await database_workspace(conn, database_id)
        await require(conn, actor, "table.create", workspace_id)
        if data is not None:
            names, rows = _initial_data(svc, data, first_row_header)
            field_bodies = [{"name": n, "type": "text"} for n in names]
        else:
            rows = [["", "", False], ["", "", False]]
            field_bodies = DEFAULT_FIELDS
        highest = await conn.scalar(sa.select(sa.func.max(meta.tables.c.order))
                                    .where(meta.tables.c.database_id == database_id))
        table_id = (await conn.execute(meta.tables.insert().values(
            database_id=database_id, name=name, order=(highest or 0) + 1, schema_version=1,
            created_on=now()).returning(meta.tables.c.id))).scalar_one()
        await create_user_table(conn, table_id)
        table = await svc.schemas.get(conn, table_id)
        for position, body in enumerate(field_bodies):
            _, table, _ = await create_field_in(svc, conn, table, body, primary=position == 0)
        await _fill(svc, conn, table, rows)
        result = table_json(await _table_row(conn, table_id))
        outbox.add("table_created", {"table": result}, workspace_id=workspace_id)
    await svc.events.publish(outbox.events)
    return result


async def _table_workspace(conn: AsyncConnection, table_id: int) -> tuple[Any, int]:
    row = await _table_row(conn, table_id)
    return row, await database_workspace(conn, row["database_id"])


async def get_table(svc: Services, actor: Actor, table_id: int) -> dict[str, Any]:
    async with svc.db.read() as conn:
        row, workspace_id = await _table_workspace(conn, table_id)
        await require(conn, actor, "table.read", workspace_id)
        return table_json(row)


async def update_table(svc: Services, actor: Actor, table_id: int, name: str) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        _, workspace_id = await _table_workspace(conn, table_id)
        await require(conn, actor, "table.update", workspace_id)
        await conn.execute(meta.tables.update().where(meta.tables.c.id == table_id)
                           .values(name=name))
        result = table_json(await _table_row(conn, table_id))
        outbox.add("table_updated", {"table_id": table_id, "table": result,
                                     "force_table_refresh": False},
                   workspace_id=workspace_id, table_id=table_id)
    await svc.events.publish(outbox.events)
    return result


async def drop_table_storage(svc: Services, conn: AsyncConnection, table_id: int) -> None:
    """Drop a user table's SQL storage, including what its fields keep elsewhere."""
    from gridbase.fields.registry import field_type_registry

    table = await svc.schemas.get(conn, table_id)
    ctx = svc.field_context(conn)
    for spec in table.fields:
        await field_type_registry.get(spec.type).before_delete(ctx, spec, table)
    await drop_user_table(conn, table_id)
    svc.schemas.forget(table_id)


async def delete_table(svc: Services, actor: Actor, table_id: int) -> None:
    outbox = Outbox()
    async with svc.db.write() as conn:
        row, workspace_id = await _table_workspace(conn, table_id)
        await require(conn, actor, "table.delete", workspace_id)
        await drop_table_storage(svc, conn, table_id)
        await conn.execute(meta.tables.delete().where(meta.tables.c.id == table_id))
        outbox.add("table_deleted", {"database_id": row["database_id"], "table_id": table_id},
                   workspace_id=workspace_id, table_id=table_id)
    await svc.events.publish(outbox.events)


async def order_tables(
    svc: Services, actor: Actor, database_id: int, table_ids: list[int]
) -> None:
    async with svc.db.write() as conn:
        workspace_id = await database_workspace(conn, database_id)
        await require(conn, actor, "table.update", workspace_id)
        owned = set((await conn.scalars(sa.select(meta.tables.c.id).where(
            meta.tables.c.database_id == database_id))).all())
        if not set(table_ids) <= owned:
            raise ApiError("ERROR_TABLE_NOT_IN_DATABASE")
        for position, table_id in enumerate(table_ids, start=1):
            await conn.execute(meta.tables.update().where(meta.tables.c.id == table_id)
                               .values(order=position))
