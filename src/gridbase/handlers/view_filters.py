"""A view's saved filters and the groups that nest them.

A filter compares one field of the view's table with a string value through a filter type
of the registry; the same check as for ad-hoc row filters decides whether the type fits
the field. Filters outside any group combine by the view's `filter_type`; a group
combines its own filters and subgroups by its `filter_type`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError, body_error, field_error
from gridbase.events import Outbox
from gridbase.fields.filters import filter_type_registry
from gridbase.fields.model import FieldSpec
from gridbase.handlers.index_plans import leaf_use
from gridbase.handlers.policy import Actor
from gridbase.handlers.services import Services
from gridbase.handlers.view_store import (
    MAX_ID,
    field_of_table,
    filter_json,
    group_json,
    view_scope,
)
from gridbase.storage import schema as meta

__all__ = [
    "check_filter_type",
    "create_filter",
    "create_filter_group",
    "delete_filter",
    "delete_filter_group",
    "get_filter",
    "get_filter_group",
    "list_filters",
    "update_filter",
    "update_filter_group",
]


def check_filter_type(name: str) -> None:
    """An unknown type is refused like any other invalid choice in a body."""
    if filter_type_registry.get(name) is None:
        raise body_error({"type": field_error(f'"{name}" is not a valid choice.',
                                              "invalid_choice")})


def _check_fits(type_name: str, spec: FieldSpec) -> None:
    filter_type = filter_type_registry.get(type_name)
    if filter_type is None or not filter_type.accepts(spec):
        raise ApiError("ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
                       f"The filter {type_name} is not compatible with field type "
                       f"{spec.type}.")


async def _one(conn: AsyncConnection, table: sa.Table, item_id: int,
               missing: str = "ERROR_VIEW_FILTER_DOES_NOT_EXIST") -> Any:
    row = (await conn.execute(sa.select(table).where(table.c.id == item_id))
           ).mappings().first()
    if row is None:
        raise ApiError(missing)
    return row


async def list_filters(svc: Services, actor: Actor, view_id: int) -> list[dict[str, Any]]:
    async with svc.db.read() as conn:
        await view_scope(svc, conn, actor, view_id, "view.read")
        rows = (await conn.execute(sa.select(meta.view_filters).where(
            meta.view_filters.c.view_id == view_id).order_by(meta.view_filters.c.id))
        ).mappings()
        return [filter_json(r) for r in rows]


async def _group_of_view(conn: AsyncConnection, view_id: int, group_id: int) -> None:
    found = 0 < group_id <= MAX_ID and await conn.scalar(
        sa.select(meta.view_filter_groups.c.id).where(
            meta.view_filter_groups.c.id == group_id,
            meta.view_filter_groups.c.view_id == view_id)) is not None
    if not found:
        raise ApiError("ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST")


async def create_filter(
    svc: Services, actor: Actor, view_id: int, field_id: int, type_name: str, value: str,
    group_id: int | None,
) -> dict[str, Any]:
    check_filter_type(type_name)
    outbox = Outbox()
    async with svc.db.write() as conn:
        _, table = await view_scope(svc, conn, actor, view_id, "view.update")
        spec = await field_of_table(conn, table, field_id)
        _check_fits(type_name, spec)
        if group_id is not None:
            await _group_of_view(conn, view_id, group_id)
        filter_id = (await conn.execute(meta.view_filters.insert().values(
            view_id=view_id, field_id=field_id, type=type_name, value=value,
            group_id=group_id).returning(meta.view_filters.c.id))).scalar_one()
        result = filter_json(await _one(conn, meta.view_filters, filter_id))
        outbox.add("view_filter_created", {"view_filter": result}, table_id=table.id)
    await svc.events.publish(outbox.events)
    svc.indexes.note(table, [use] if (use := leaf_use(spec, type_name)) else [], saved=True)
    return result


async def _filter_scope(svc: Services, conn: AsyncConnection, actor: Actor, filter_id: int,
                        operation: str) -> tuple[Any, Any]:
    row = await _one(conn, meta.view_filters, filter_id, "ERROR_VIEW_FILTER_DOES_NOT_EXIST")
    _, table = await view_scope(svc, conn, actor, row["view_id"], operation)
    return row, table


async def get_filter(svc: Services, actor: Actor, filter_id: int) -> dict[str, Any]:
    async with svc.db.read() as conn:
        row, _ = await _filter_scope(svc, conn, actor, filter_id, "view.read")
        return filter_json(row)


async def update_filter(svc: Services, actor: Actor, filter_id: int, values: dict[str, Any]
                        ) -> dict[str, Any]:
    """Change field, type and/or value; the result must still be a fitting pair."""
    if "type" in values:
        check_filter_type(values["type"])
    outbox = Outbox()
    async with svc.db.write() as conn:
        row, table = await _filter_scope(svc, conn, actor, filter_id, "view.update")
        field_id = values.get("field", row["field_id"])
        type_name = values.get("type", row["type"])
        spec = await field_of_table(conn, table, field_id)
        _check_fits(type_name, spec)
        await conn.execute(meta.view_filters.update().where(
            meta.view_filters.c.id == filter_id).values(
            field_id=field_id, type=type_name, value=values.get("value", row["value"])))
        result = filter_json(await _one(conn, meta.view_filters, filter_id))
        outbox.add("view_filter_updated", {"view_filter_id": filter_id, "view_filter": result},
                   table_id=table.id)
    await svc.events.publish(outbox.events)
    return result


async def delete_filter(svc: Services, actor: Actor, filter_id: int) -> None:
    outbox = Outbox()
    async with svc.db.write() as conn:
        row, table = await _filter_scope(svc, conn, actor, filter_id, "view.update")
        await conn.execute(meta.view_filters.delete().where(meta.view_filters.c.id == filter_id))
        outbox.add("view_filter_deleted", {"view_id": row["view_id"],
                                           "view_filter_id": filter_id}, table_id=table.id)
    await svc.events.publish(outbox.events)


async def create_filter_group(
    svc: Services, actor: Actor, view_id: int, filter_type: str, parent_id: int | None,
) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        _, table = await view_scope(svc, conn, actor, view_id, "view.update")
        if parent_id is not None:
            exists = 0 < parent_id <= MAX_ID and await conn.scalar(
                sa.select(meta.view_filter_groups.c.id).where(
                    meta.view_filter_groups.c.id == parent_id)) is not None
            if not exists:
                raise body_error({"parent_group": field_error(
                    f'Invalid pk "{parent_id}" - object does not exist.', "does_not_exist")})
            await _group_of_view(conn, view_id, parent_id)
        group_id = (await conn.execute(meta.view_filter_groups.insert().values(
            view_id=view_id, filter_type=filter_type, parent_group_id=parent_id,
        ).returning(meta.view_filter_groups.c.id))).scalar_one()
        result = group_json(await _one(conn, meta.view_filter_groups, group_id,
                                       "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST"))
        outbox.add("view_filter_group_created", {"view_filter_group": result},
                   table_id=table.id)
    await svc.events.publish(outbox.events)
    return result


async def _group_scope(svc: Services, conn: AsyncConnection, actor: Actor, group_id: int,
                       operation: str) -> tuple[Any, Any]:
    row = await _one(conn, meta.view_filter_groups, group_id,
                     "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST")
    _, table = await view_scope(svc, conn, actor, row["view_id"], operation)
    return row, table


async def get_filter_group(svc: Services, actor: Actor, group_id: int) -> dict[str, Any]:
    async with svc.db.read() as conn:
        row, _ = await _group_scope(svc, conn, actor, group_id, "view.read")
        return group_json(row)


async def update_filter_group(svc: Services, actor: Actor, group_id: int,
                              filter_type: str | None) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        _, table = await _group_scope(svc, conn, actor, group_id, "view.update")
        if filter_type is not None:
            await conn.execute(meta.view_filter_groups.update().where(
                meta.view_filter_groups.c.id == group_id).values(filter_type=filter_type))
        result = group_json(await _one(conn, meta.view_filter_groups, group_id,
                                       "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST"))
        outbox.add("view_filter_group_updated", {"view_filter_group_id": group_id,
                                                 "view_filter_group": result},
                   table_id=table.id)
    await svc.events.publish(outbox.events)
    return result


async def delete_filter_group(svc: Services, actor: Actor, group_id: int) -> None:
    """The group goes with its filters and subgroups (cascading keys)."""
    outbox = Outbox()
    async with svc.db.write() as conn:
        row, table = await _group_scope(svc, conn, actor, group_id, "view.update")
        await conn.execute(meta.view_filter_groups.delete().where(
            meta.view_filter_groups.c.id == group_id))
        outbox.add("view_filter_group_deleted", {"view_id": row["view_id"],
                                                 "view_filter_group_id": group_id},
                   table_id=table.id)
    await svc.events.publish(outbox.events)
