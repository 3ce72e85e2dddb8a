"""A view's saved sorts: at most one per field, each ascending or descending.

A field can be a sort when its type gives a sort expression, the same one `order_by`
uses; `type` is always "default" (Baserow's other sort types belong to fields that do
not exist here yet).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError
from gridbase.events import Outbox
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.handlers.index_plans import SORT, IndexUse
from gridbase.handlers.policy import Actor
from gridbase.handlers.services import Services
from gridbase.handlers.view_store import field_of_table, sort_json, view_scope
from gridbase.storage import schema as meta

__all__ = ["create_sort", "delete_sort", "get_sort", "list_sorts", "update_sort"]

SORTS = meta.view_sorts


def _check_sortable(spec: FieldSpec, table: TableSchema, sort_type: str) -> None:
    expression = field_type_registry.get(spec.type).sort_expression(spec, table)
    if expression is None or sort_type != "default":
        raise ApiError("ERROR_VIEW_SORT_FIELD_NOT_SUPPORTED")


async def _check_unique(conn: AsyncConnection, view_id: int, field_id: int,
                        own_id: int | None = None) -> None:
    query = sa.select(SORTS.c.id).where(SORTS.c.view_id == view_id,
                                        SORTS.c.field_id == field_id)
    if own_id is not None:
        query = query.where(SORTS.c.id != own_id)
    if await conn.scalar(query) is not None:
        raise ApiError("ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS")


async def _sort_row(conn: AsyncConnection, sort_id: int) -> Any:
    row = (await conn.execute(sa.select(SORTS).where(SORTS.c.id == sort_id))).mappings().first()
    if row is None:
        raise ApiError("ERROR_VIEW_SORT_DOES_NOT_EXIST")
    return row


async def list_sorts(svc: Services, actor: Actor, view_id: int) -> list[dict[str, Any]]:
    async with svc.db.read() as conn:
        await view_scope(svc, conn, actor, view_id, "view.read")
        rows = (await conn.execute(sa.select(SORTS).where(SORTS.c.view_id == view_id)
                                   .order_by(SORTS.c.id))).mappings()
        return [sort_json(r) for r in rows]


async def create_sort(svc: Services, actor: Actor, view_id: int, field_id: int, order: str,
                      sort_type: str) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        _, table = await view_scope(svc, conn, actor, view_id, "view.update")
        spec = await field_of_table(conn, table, field_id)
        _check_sortable(spec, table, sort_type)
        await _check_unique(conn, view_id, field_id)
        try:
            sort_id = (await conn.execute(SORTS.insert().values(
                view_id=view_id, field_id=field_id, order=order, type=sort_type,
            ).returning(SORTS.c.id))).scalar_one()
        except sa.exc.IntegrityError:
            # A concurrent request added the same sort first.
            raise ApiError("ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS") from None
        result = sort_json(await _sort_row(conn, sort_id))
        outbox.add("view_sort_created", {"view_sort": result}, table_id=table.id)
    await svc.events.publish(outbox.events)
    svc.indexes.note(table, [IndexUse(spec, SORT)], saved=True)
    return result


async def _scope(svc: Services, conn: AsyncConnection, actor: Actor, sort_id: int,
                 operation: str) -> tuple[Any, TableSchema]:
    row = await _sort_row(conn, sort_id)
    _, table = await view_scope(svc, conn, actor, row["view_id"], operation)
    return row, table


async def get_sort(svc: Services, actor: Actor, sort_id: int) -> dict[str, Any]:
    async with svc.db.read() as conn:
        row, _ = await _scope(svc, conn, actor, sort_id, "view.read")
        return sort_json(row)


async def update_sort(svc: Services, actor: Actor, sort_id: int, values: dict[str, Any]
                      ) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        row, table = await _scope(svc, conn, actor, sort_id, "view.update")
        field_id = values.get("field", row["field_id"])
        sort_type = values.get("type", row["type"])
        spec = await field_of_table(conn, table, field_id)
        _check_sortable(spec, table, sort_type)
        await _check_unique(conn, row["view_id"], field_id, own_id=sort_id)
        await conn.execute(SORTS.update().where(SORTS.c.id == sort_id).values(
            field_id=field_id, type=sort_type, order=values.get("order", row["order"])))
        result = sort_json(await _sort_row(conn, sort_id))
        outbox.add("view_sort_updated", {"view_sort_id": sort_id, "view_sort": result},
                   table_id=table.id)
    await svc.events.publish(outbox.events)
    return result


async def delete_sort(svc: Services, actor: Actor, sort_id: int) -> None:
    outbox = Outbox()
    async with svc.db.write() as conn:
        row, table = await _scope(svc, conn, actor, sort_id, "view.update")
        await conn.execute(SORTS.delete().where(SORTS.c.id == sort_id))
        outbox.add("view_sort_deleted", {"view_id": row["view_id"], "view_sort_id": sort_id},
                   table_id=table.id)
    await svc.events.publish(outbox.events)
