"""Saved views of a table: create, list, change, reorder and delete.

A view is a stored way to look at a table (which rows, in which order, how wide each
column is); the rows stay in the table. Only the grid type exists here. Deleting a view,
its table or one of its fields removes what depended on it through cascading keys.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from gridbase.clock import now
from gridbase.errors import ApiError
from gridbase.events import Outbox
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.services import Services
from gridbase.handlers.view_store import view_json, view_row, view_scope
from gridbase.storage import schema as meta

__all__ = [
    "CREATABLE_VIEW_TYPES",
    "KNOWN_VIEW_TYPES",
    "create_view",
    "delete_view",
    "get_view",
    "list_views",
    "order_views",
    "update_view",
]

# Types a Baserow client may name; only the first can be created in gridbase.
KNOWN_VIEW_TYPES = ("grid", "gallery", "form")
CREATABLE_VIEW_TYPES = ("grid",)

# Everything the event of a new view carries, as Baserow sends it.
ALL_INCLUDES = ("filters", "sortings", "decorations", "group_bys")

UPDATABLE = ("name", "filter_type", "filters_disabled", "public", "row_identifier_type",
             "row_height_size")


async def list_views(
    svc: Services, actor: Actor, table_id: int, *, view_type: str | None = None,
    limit: int | None = None, include: Collection[str] = (),
) -> list[dict[str, Any]]:
    async with svc.db.read() as conn:
        table = await svc.schemas.get(conn, table_id)
        await require(conn, actor, "view.read", table.workspace_id,
                      database_id=table.database_id, table_id=table.id)
        query = (sa.select(meta.views).where(meta.views.c.table_id == table_id)
                 .order_by(meta.views.c.order, meta.views.c.id))
        if view_type is not None:
            query = query.where(meta.views.c.type == view_type)
        if limit is not None:
            query = query.limit(limit)
        rows = (await conn.execute(query)).mappings().all()
        return [await view_json(conn, row, include) for row in rows]


async def create_view(
    svc: Services, actor: Actor, table_id: int, values: dict[str, Any],
    include: Collection[str] = (),
) -> dict[str, Any]:
    """`values` is a validated body: name and type, the rest optional."""
    outbox = Outbox()
    async with svc.db.write() as conn:
        table = await svc.schemas.get(conn, table_id)
        await require(conn, actor, "view.create", table.workspace_id,
                      database_id=table.database_id, table_id=table.id)
        highest = await conn.scalar(sa.select(sa.func.max(meta.views.c.order))
                                    .where(meta.views.c.table_id == table_id))
        view_id = (await conn.execute(meta.views.insert().values(
            table_id=table_id, name=values["name"], type=values["type"],
            order=(highest or 0) + 1, filter_type=values.get("filter_type", "AND"),
            filters_disabled=values.get("filters_disabled", False),
            public=values.get("public", False), slug=secrets.token_urlsafe(32),
            row_identifier_type=values.get("row_identifier_type", "id"),
            row_height_size=values.get("row_height_size", "small"),
            owned_by_id=actor.user_id, created_on=now(),
        ).returning(meta.views.c.id))).scalar_one()
        row = await view_row(conn, view_id)
        outbox.add("view_created", {"view": await view_json(conn, row, ALL_INCLUDES)},
                   table_id=table_id, workspace_id=table.workspace_id)
        result = await view_json(conn, row, include)
    await svc.events.publish(outbox.events)
    return result


async def get_view(svc: Services, actor: Actor, view_id: int, include: Collection[str] = ()
                   ) -> dict[str, Any]:
    async with svc.db.read() as conn:
        row, _ = await view_scope(svc, conn, actor, view_id, "view.read")
        return await view_json(conn, row, include)


async def update_view(
    svc: Services, actor: Actor, view_id: int, values: dict[str, Any],
    include: Collection[str] = (),
) -> dict[str, Any]:
    """Change the given properties; the type of a view never changes."""
    outbox = Outbox()
    async with svc.db.write() as conn:
        _, table = await view_scope(svc, conn, actor, view_id, "view.update")
        changes = {key: values[key] for key in UPDATABLE if key in values}
        if changes:
            await conn.execute(meta.views.update().where(meta.views.c.id == view_id)
                               .values(**changes))
        row = await view_row(conn, view_id)
        outbox.add("view_updated", {"view_id": view_id, "view": await view_json(conn, row)},
                   table_id=table.id, workspace_id=table.workspace_id)
        result = await view_json(conn, row, include)
    await svc.events.publish(outbox.events)
    return result


async def delete_view(svc: Services, actor: Actor, view_id: int) -> None:
    outbox = Outbox()
    async with svc.db.write() as conn:
        _, table = await view_scope(svc, conn, actor, view_id, "view.delete")
        await conn.execute(meta.views.delete().where(meta.views.c.id == view_id))
        outbox.add("view_deleted", {"table_id": table.id, "view_id": view_id},
                   table_id=table.id, workspace_id=table.workspace_id)
    await svc.events.publish(outbox.events)


async def order_views(svc: Services, actor: Actor, table_id: int, view_ids: list[int]) -> None:
    """Listed views take positions 1, 2, ...; views left out go to 0, before them."""
    outbox = Outbox()
    async with svc.db.write() as conn:
        table = await svc.schemas.get(conn, table_id)
        await require(conn, actor, "view.update", table.workspace_id,
                      database_id=table.database_id, table_id=table.id)
        owned = set((await conn.scalars(sa.select(meta.views.c.id).where(
            meta.views.c.table_id == table_id))).all())
        stranger = next((i for i in view_ids if i not in owned), None)
        if stranger is not None:
            raise ApiError("ERROR_VIEW_NOT_IN_TABLE",
                           f"The view id {stranger} does not belong to the table.")
        await conn.execute(meta.views.update().where(meta.views.c.table_id == table_id)
                           .values(order=0))
        for position, view_id in enumerate(view_ids, start=1):
            await conn.execute(meta.views.update().where(meta.views.c.id == view_id)
                               .values(order=position))
        outbox.add("views_reordered", {"table_id": table_id, "order": view_ids},
                   table_id=table_id, workspace_id=table.workspace_id)
    await svc.events.publish(outbox.events)
