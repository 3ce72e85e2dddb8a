"""Tables: each one a real SQL table, created empty with example content or from data."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import now
from gridbase.errors import ApiError
from gridbase.events import Outbox
from gridbase.fields.model import TableSchema
from gridbase.handlers.applications import database_workspace, table_json
from gridbase.handlers.fields import RESERVED_NAMES, create_field_in
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.services import Services
from gridbase.storage import rows as sql
from gridbase.storage import schema as meta
from gridbase.storage.user_tables import create_user_table, drop_user_table

__all__ = [
    "create_table",
    "create_table_in",
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
# The two example rows of a table created without data (contract section 13).
EXAMPLE_ROWS: tuple[tuple[Any, ...], ...] = (("", "", False), ("", "", False))
MAX_FIELD_NAME_LENGTH = 255


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


def _as_text(value: Any) -> str | None:
    """A cell of initial data as the text its field stores; null stays empty."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # orjson refuses ints beyond 64 bits


def _field_names(svc: Services, header: list[Any], width: int) -> list[str]:
    """Names for the fields of a table created from data, checked in Baserow's order."""
    names = [(_as_text(h) or "").strip() for h in header]
    names += [f"Field {i + 1}" for i in range(len(names), width)]
    if len(names) > svc.settings.max_field_limit:
        raise ApiError("ERROR_MAX_FIELD_COUNT_EXCEEDED")
    if len(set(names)) != len(names):
        raise ApiError("ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES")
    if any(len(n) > MAX_FIELD_NAME_LENGTH for n in names):
        raise ApiError("ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED")
    if any(n in RESERVED_NAMES for n in names):
        raise ApiError("ERROR_RESERVED_BASEROW_FIELD_NAME")
    if "" in names:
        raise ApiError("ERROR_INVALID_BASEROW_FIELD_NAME")
    return names


def _initial_data(
    svc: Services, data: list[Any], first_row_header: bool
) -> tuple[list[str], list[list[str | None]]]:
    """Field names and rows padded with null from a create request's `data`."""
    limit = svc.settings.initial_table_data_limit
    if len(data) > limit:
        raise ApiError(
            "ERROR_INITIAL_SYNC_TABLE_DATA_LIMIT_EXCEEDED",
            f"It is not possible to import more than {limit} rows when creating a table "
            "synchronously.",
        )
    if not data or not all(isinstance(r, list) for r in data):
        raise ApiError("ERROR_INVALID_INITIAL_TABLE_DATA")
    width = max(len(r) for r in data)
    if width == 0:
        raise ApiError("ERROR_INVALID_INITIAL_TABLE_DATA")
    header, body = (data[0], data[1:]) if first_row_header else ([], data)
    names = _field_names(svc, header, width)
    rows = [[_as_text(v) for v in r] + [None] * (width - len(r)) for r in body]
    return names, rows


async def _fill(conn: AsyncConnection, table: TableSchema, rows: list[list[Any]]) -> None:
    if not rows:
        return
    orders = await sql.orders_before(conn, table.sa_table, None, len(rows))
    inserts = []
    for row, order in zip(rows, orders, strict=True):
        item: dict[str, Any] = {"order": order}
        for spec, value in zip(table.fields, row, strict=True):
            item[spec.column_name] = value
        inserts.append(item)
    await sql.insert_rows(conn, table.sa_table, inserts)


async def create_table_in(
    svc: Services, conn: AsyncConnection, database_id: int, name: str,
    data: list[Any] | None = None, first_row_header: bool = False,
) -> dict[str, Any]:
    """Create a table inside an open transaction: from `data`, or with example content."""
    if data is not None:
        names, rows = _initial_data(svc, data, first_row_header)
        field_bodies = [{"name": n, "type": "text"} for n in names]
    else:
        rows = [list(r) for r in EXAMPLE_ROWS]
        field_bodies = DEFAULT_FIELDS
    highest = await conn.scalar(sa.select(sa.func.max(meta.tables.c.order))
                                .where(meta.tables.c.database_id == database_id))
    table_id = (await conn.execute(meta.tables.insert().values(
        database_id=database_id, name=name, order=(highest or 0) + 1, schema_version=1,
        created_on=now()).returning(meta.tables.c.id))).scalar_one()
    try:
        await create_user_table(conn, table_id)
        table = await svc.schemas.get(conn, table_id)
        for position, body in enumerate(field_bodies):
            _, table, _ = await create_field_in(svc, conn, table, body, primary=position == 0)
        await _fill(conn, table, rows)
    except BaseException:
        svc.schemas.forget(table_id)
        raise
    return table_json(await _table_row(conn, table_id))


async def create_table(
    svc: Services, actor: Actor, database_id: int, name: str, data: list[Any] | None,
    first_row_header: bool,
) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        workspace_id = await database_workspace(conn, database_id)
        await require(conn, actor, "table.create", workspace_id)
        result = await create_table_in(svc, conn, database_id, name, data, first_row_header)
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
    for type_name in field_type_registry.names():
        await field_type_registry.get(type_name).before_table_delete(ctx, table_id)
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
    outbox = Outbox()
    async with svc.db.write() as conn:
        workspace_id = await database_workspace(conn, database_id)
        await require(conn, actor, "table.update", workspace_id)
        owned = set((await conn.scalars(sa.select(meta.tables.c.id).where(
            meta.tables.c.database_id == database_id))).all())
        for table_id in table_ids:
            if table_id not in owned:
                raise ApiError("ERROR_TABLE_NOT_IN_DATABASE",
                               f"The table id {table_id} does not belong to the database.")
        for position, table_id in enumerate(table_ids, start=1):
            await conn.execute(meta.tables.update().where(meta.tables.c.id == table_id)
                               .values(order=position))
        # Baserow hashes the ids here (sha256 of the decimal string), as in its message.
        outbox.add("tables_reordered", {
            "database_id": hashlib.sha256(str(database_id).encode()).hexdigest(),
            "order": [hashlib.sha256(str(t).encode()).hexdigest() for t in table_ids],
        }, workspace_id=workspace_id)
    await svc.events.publish(outbox.events)
