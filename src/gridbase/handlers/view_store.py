"""Shared pieces of the view handlers: finding a view with its permission check, and the
JSON shapes of views, filters, filter groups and sorts as Baserow writes them."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError, body_error, field_error
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.services import Services
from gridbase.storage import schema as meta

__all__ = [
    "MAX_ID",
    "field_of_table",
    "filter_json",
    "group_json",
    "sort_json",
    "view_json",
    "view_row",
    "view_scope",
]

# Id columns are 32-bit; a bigger number in a body cannot name anything.
MAX_ID = 2**31 - 1


async def view_row(conn: AsyncConnection, view_id: int) -> Any:
    row = (await conn.execute(sa.select(meta.views).where(meta.views.c.id == view_id))
           ).mappings().first()
    if row is None:
        raise ApiError("ERROR_VIEW_DOES_NOT_EXIST")
    return row


async def view_scope(
    svc: Services, conn: AsyncConnection, actor: Actor, view_id: int, operation: str
) -> tuple[Any, TableSchema]:
    """The view's row and its table, once the actor may do `operation` there."""
    row = await view_row(conn, view_id)
    table = await svc.schemas.get(conn, row["table_id"])
    await require(conn, actor, operation, table.workspace_id, database_id=table.database_id,
                  table_id=table.id)
    return row, table


async def field_of_table(conn: AsyncConnection, table: TableSchema, field_id: int
                         ) -> FieldSpec:
    """A field named in a body: unknown ids are a validation error, as DRF's primary-key
    fields answer; a field of another table is refused separately."""
    spec = table.by_id.get(field_id)
    if spec is not None:
        return spec
    exists = 0 < field_id <= MAX_ID and await conn.scalar(
        sa.select(meta.fields.c.id).where(meta.fields.c.id == field_id)) is not None
    if not exists:
        raise body_error({"field": field_error(
            f'Invalid pk "{field_id}" - object does not exist.', "does_not_exist")})
    raise ApiError("ERROR_FIELD_NOT_IN_TABLE")


def filter_json(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "view": row["view_id"], "field": row["field_id"],
            "type": row["type"], "value": row["value"], "preload_values": {},
            "group": row["group_id"]}


def group_json(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "filter_type": row["filter_type"], "view": row["view_id"],
            "parent_group": row["parent_group_id"]}


def sort_json(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "view": row["view_id"], "field": row["field_id"],
            "order": row["order"], "type": row["type"]}


async def _rows_of(conn: AsyncConnection, table: sa.Table, view_id: int) -> list[Any]:
    return list((await conn.execute(
        sa.select(table).where(table.c.view_id == view_id).order_by(table.c.id))).mappings())


async def view_json(conn: AsyncConnection, row: Any, include: Collection[str] = ()
                    ) -> dict[str, Any]:
    """A grid view; `include` adds filters (with their groups), sortings, decorations
    and group_bys, the last two always empty here."""
    table = (await conn.execute(sa.select(meta.tables).where(
        meta.tables.c.id == row["table_id"]))).mappings().one()
    data: dict[str, Any] = {
        "id": row["id"], "table_id": row["table_id"], "name": row["name"],
        "order": row["order"], "type": row["type"],
        "table": {"id": table["id"], "name": table["name"], "order": table["order"],
                  "database_id": table["database_id"]},
        "filter_type": row["filter_type"],
    }
    if "filters" in include:
        data["filters"] = [filter_json(r) for r in await _rows_of(
            conn, meta.view_filters, row["id"])]
        data["filter_groups"] = [group_json(r) for r in await _rows_of(
            conn, meta.view_filter_groups, row["id"])]
    if "sortings" in include:
        data["sortings"] = [sort_json(r) for r in await _rows_of(
            conn, meta.view_sorts, row["id"])]
    if "group_bys" in include:
        data["group_bys"] = []
    if "decorations" in include:
        data["decorations"] = []
    data.update({
        "filters_disabled": row["filters_disabled"], "public_view_has_password": False,
        "show_logo": True, "allow_public_export": False, "ownership_type": "collaborative",
        "owned_by_id": row["owned_by_id"], "row_identifier_type": row["row_identifier_type"],
        "row_height_size": row["row_height_size"], "public": row["public"],
        "slug": row["slug"],
    })
    return data
