"""Applications: gridbase has one kind, the database, which holds tables."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import iso, now
from gridbase.errors import ApiError
from gridbase.events import Outbox
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.services import Services
from gridbase.storage import schema as meta

__all__ = [
    "create_database",
    "database_workspace",
    "delete_database",
    "drop_database_storage",
    "get_database",
    "list_databases",
    "order_databases",
    "table_json",
    "update_database",
]

APPLICATION_TYPES = ("database",)


def table_json(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "order": row["order"],
            "database_id": row["database_id"], "data_sync": None}


async def _applications_json(
    conn: AsyncConnection, where: sa.ColumnElement[bool]
) -> list[dict[str, Any]]:
    rows = (await conn.execute(
        sa.select(meta.applications, meta.workspaces.c.name.label("workspace_name"))
        .join(meta.workspaces, meta.workspaces.c.id == meta.applications.c.workspace_id)
        .where(where)
        .order_by(meta.applications.c.workspace_id, meta.applications.c.order,
                  meta.applications.c.id)
    )).mappings().all()
    tables: dict[int, list[dict[str, Any]]] = {r["id"]: [] for r in rows}
    if rows:
        for t in (await conn.execute(
            sa.select(meta.tables).where(meta.tables.c.database_id.in_(list(tables)))
            .order_by(meta.tables.c.order, meta.tables.c.id)
        )).mappings():
            tables[t["database_id"]].append(table_json(t))
    return [
        {
            "id": r["id"], "name": r["name"], "order": r["order"], "type": r["type"],
            "workspace": {"id": r["workspace_id"], "name": r["workspace_name"],
                          "generative_ai_models_enabled": {}},
            "created_on": iso(r["created_on"]),
            "tables": tables[r["id"]],
        }
        for r in rows
    ]


async def _member_workspaces(conn: AsyncConnection, actor: Actor) -> sa.Select[Any]:
    return sa.select(meta.workspace_users.c.workspace_id).where(
        meta.workspace_users.c.user_id == actor.user_id)


async def list_databases(
    svc: Services, actor: Actor, workspace_id: int | None = None
) -> list[dict[str, Any]]:
    async with svc.db.read() as conn:
        if workspace_id is None:
            allowed = await _member_workspaces(conn, actor)
            return await _applications_json(conn, meta.applications.c.workspace_id.in_(allowed))
        await _workspace_exists(conn, workspace_id)
        await require(conn, actor, "workspace.read", workspace_id)
        return await _applications_json(conn, meta.applications.c.workspace_id == workspace_id)


async def _workspace_exists(conn: AsyncConnection, workspace_id: int) -> None:
    found = await conn.scalar(sa.select(meta.workspaces.c.id)
                              .where(meta.workspaces.c.id == workspace_id))
    if found is None:
        raise ApiError("ERROR_GROUP_DOES_NOT_EXIST")


async def database_workspace(conn: AsyncConnection, database_id: int) -> int:
    """The workspace a database belongs to, or ERROR_APPLICATION_DOES_NOT_EXIST."""
    workspace_id: int | None = await conn.scalar(
        sa.select(meta.applications.c.workspace_id).where(meta.applications.c.id == database_id))
    if workspace_id is None:
        raise ApiError("ERROR_APPLICATION_DOES_NOT_EXIST")
    return workspace_id


async def _one(conn: AsyncConnection, database_id: int) -> dict[str, Any]:
    [app] = await _applications_json(conn, meta.applications.c.id == database_id)
    return app


async def create_database(
    svc: Services, actor: Actor, workspace_id: int, name: str, type_: str, *,
    init_with_data: bool = False,
) -> dict[str, Any]:
    """A new database; `init_with_data` seeds it with one example table, as Baserow does."""
    from gridbase.handlers.tables import create_table_in

    if type_ not in APPLICATION_TYPES:
        raise ApiError("ERROR_APPLICATION_TYPE_DOES_NOT_EXIST")
    outbox = Outbox()
    async with svc.db.write() as conn:
        await _workspace_exists(conn, workspace_id)
        await require(conn, actor, "database.create", workspace_id)
        highest = await conn.scalar(sa.select(sa.func.max(meta.applications.c.order))
                                    .where(meta.applications.c.workspace_id == workspace_id))
        database_id = (await conn.execute(
            meta.applications.insert().values(
                workspace_id=workspace_id, name=name, type=type_, order=(highest or 0) + 1,
                created_on=now(),
            ).returning(meta.applications.c.id)
        )).scalar_one()
        if init_with_data:
            await create_table_in(svc, conn, database_id, "Table")
        app = await _one(conn, database_id)
        outbox.add("application_created", {"application": app}, workspace_id=workspace_id)
    await svc.events.publish(outbox.events)
    return app


async def get_database(svc: Services, actor: Actor, database_id: int) -> dict[str, Any]:
    async with svc.db.read() as conn:
        workspace_id = await database_workspace(conn, database_id)
        await require(conn, actor, "database.read", workspace_id)
        return await _one(conn, database_id)


async def update_database(
    svc: Services, actor: Actor, database_id: int, name: str
) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        workspace_id = await database_workspace(conn, database_id)
        await require(conn, actor, "database.update", workspace_id)
        await conn.execute(meta.applications.update()
                           .where(meta.applications.c.id == database_id).values(name=name))
        app = await _one(conn, database_id)
        outbox.add("application_updated", {"application_id": database_id, "application": app},
                   workspace_id=workspace_id)
    await svc.events.publish(outbox.events)
    return app


async def drop_database_storage(svc: Services, conn: AsyncConnection, database_id: int) -> None:
    """Drop the real tables of a database's user tables (metadata cascades separately)."""
    from gridbase.handlers.tables import drop_table_storage

    table_ids = (await conn.scalars(
        sa.select(meta.tables.c.id).where(meta.tables.c.database_id == database_id))).all()
    for table_id in table_ids:
        await drop_table_storage(svc, conn, table_id)


async def delete_database(svc: Services, actor: Actor, database_id: int) -> None:
    outbox = Outbox()
    async with svc.db.write() as conn:
        workspace_id = await database_workspace(conn, database_id)
        await require(conn, actor, "database.delete", workspace_id)
        await drop_database_storage(svc, conn, database_id)
        await conn.execute(meta.applications.delete()
                           .where(meta.applications.c.id == database_id))
        outbox.add("application_deleted", {"application_id": database_id},
                   workspace_id=workspace_id)
    await svc.events.publish(outbox.events)


async def order_databases(
    svc: Services, actor: Actor, workspace_id: int, database_ids: list[int]
) -> None:
    async with svc.db.write() as conn:
        await _workspace_exists(conn, workspace_id)
        await require(conn, actor, "database.update", workspace_id)
        owned = set((await conn.scalars(sa.select(meta.applications.c.id).where(
            meta.applications.c.workspace_id == workspace_id))).all())
        for database_id in database_ids:
            if database_id not in owned:
                raise ApiError("ERROR_APPLICATION_NOT_IN_GROUP",
                               f"The application id {database_id} does not belong to the "
                               "group.")
        for position, database_id in enumerate(database_ids, start=1):
            await conn.execute(meta.applications.update()
                               .where(meta.applications.c.id == database_id)
                               .values(order=position))

