"""Workspaces: the unit of membership. Their creator is their first admin."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import iso, now
from gridbase.errors import ApiError
from gridbase.events import Outbox
from gridbase.handlers.policy import ADMIN, Actor, require, workspace_members
from gridbase.handlers.services import Services
from gridbase.storage import schema as meta

__all__ = [
    "create_workspace",
    "delete_workspace",
    "leave_workspace",
    "list_workspaces",
    "order_workspaces",
    "update_workspace",
]


def _workspace_brief(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "generative_ai_models_enabled": {}}


async def _members(conn: AsyncConnection, workspace_ids: list[int]) -> dict[int, list[Any]]:
    rows = (
        await conn.execute(
            sa.select(meta.workspace_users, meta.users.c.first_name, meta.users.c.email)
            .join(meta.users, meta.users.c.id == meta.workspace_users.c.user_id)
            .where(meta.workspace_users.c.workspace_id.in_(workspace_ids))
            .order_by(meta.workspace_users.c.id)
        )
    ).mappings()
    members: dict[int, list[Any]] = {wid: [] for wid in workspace_ids}
    for m in rows:
        members[m["workspace_id"]].append({
            "id": m["id"], "name": m["first_name"], "email": m["email"],
            "workspace": m["workspace_id"], "permissions": m["permissions"],
            "created_on": iso(m["created_on"]), "user_id": m["user_id"], "to_be_deleted": False,
        })
    return members


async def _workspace_json(
    conn: AsyncConnection, actor: Actor, workspace_ids: list[int], *, with_unread: bool
) -> list[dict[str, Any]]:
    rows = (
        await conn.execute(
            sa.select(meta.workspaces, meta.workspace_users.c.permissions,
                      meta.workspace_users.c.order)
            .join(meta.workspace_users,
                  meta.workspace_users.c.workspace_id == meta.workspaces.c.id)
            .where(meta.workspace_users.c.user_id == actor.user_id,
                   meta.workspaces.c.id.in_(workspace_ids))
            .order_by(meta.workspace_users.c.order, meta.workspaces.c.id)
        )
    ).mappings().all()
    members = await _members(conn, [r["id"] for r in rows])
    result = []
    for r in rows:
        item: dict[str, Any] = {
            "id": r["id"], "name": r["name"], "users": members[r["id"]], "order": r["order"],
            "permissions": r["permissions"],
        }
        if with_unread:
            item["unread_notifications_count"] = 0
        item["generative_ai_models_enabled"] = {}
        result.append(item)
    return result


async def list_workspaces(svc: Services, actor: Actor) -> list[dict[str, Any]]:
    async with svc.db.read() as conn:
        ids = list((await conn.scalars(
            sa.select(meta.workspace_users.c.workspace_id)
            .where(meta.workspace_users.c.user_id == actor.user_id)
        )).all())
        return await _workspace_json(conn, actor, ids, with_unread=True)


async def create_workspace(svc: Services, actor: Actor, name: str) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        workspace_id = (await conn.execute(
            meta.workspaces.insert().values(name=name, created_on=now())
            .returning(meta.workspaces.c.id)
        )).scalar_one()
        highest = await conn.scalar(
            sa.select(sa.func.max(meta.workspace_users.c.order))
            .where(meta.workspace_users.c.user_id == actor.user_id)
        )
        await conn.execute(meta.workspace_users.insert().values(
            workspace_id=workspace_id, user_id=actor.user_id, permissions=ADMIN,
            order=(highest or 0) + 1, created_on=now(),
        ))
        [workspace] = await _workspace_json(conn, actor, [workspace_id], with_unread=False)
        outbox.add("group_created", {"workspace": workspace}, workspace_id=workspace_id)
    await svc.events.publish(outbox.events)
    return workspace


async def _get_workspace(conn: AsyncConnection, workspace_id: int) -> Any:
    row = (await conn.execute(
        sa.select(meta.workspaces).where(meta.workspaces.c.id == workspace_id)
    )).mappings().first()
    if row is None:
        raise ApiError("ERROR_GROUP_DOES_NOT_EXIST")
    return row


async def update_workspace(
    svc: Services, actor: Actor, workspace_id: int, name: str
) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        await _get_workspace(conn, workspace_id)
        await require(conn, actor, "workspace.update", workspace_id)
        await conn.execute(meta.workspaces.update()
                           .where(meta.workspaces.c.id == workspace_id).values(name=name))
        result = _workspace_brief(await _get_workspace(conn, workspace_id))
        outbox.add("group_updated", {"workspace_id": workspace_id, "workspace": result},
                   workspace_id=workspace_id)
    await svc.events.publish(outbox.events)
    return result


async def delete_workspace(svc: Services, actor: Actor, workspace_id: int) -> None:
    from gridbase.handlers.applications import drop_database_storage

    outbox = Outbox()
    async with svc.db.write() as conn:
        await _get_workspace(conn, workspace_id)
        await require(conn, actor, "workspace.delete", workspace_id)
        database_ids = (await conn.scalars(
            sa.select(meta.applications.c.id)
            .where(meta.applications.c.workspace_id == workspace_id)
        )).all()
        for database_id in database_ids:
            await drop_database_storage(svc, conn, database_id)
        # The members must be named now: after the delete nobody belongs to it.
        members = tuple(await workspace_members(conn, workspace_id))
        await conn.execute(meta.workspaces.delete().where(meta.workspaces.c.id == workspace_id))
        outbox.add("group_deleted", {"workspace_id": workspace_id}, workspace_id=workspace_id,
                   user_ids=members)
    await svc.events.publish(outbox.events)


async def order_workspaces(svc: Services, actor: Actor, workspace_ids: list[int]) -> None:
    """Number the caller's workspaces in the given order; ids not theirs are ignored."""
    async with svc.db.write() as conn:
        own = set((await conn.scalars(
            sa.select(meta.workspace_users.c.workspace_id)
            .where(meta.workspace_users.c.user_id == actor.user_id))).all())
        ordered = [w for w in dict.fromkeys(workspace_ids) if w in own]
        for position, workspace_id in enumerate(ordered, start=1):
            await conn.execute(
                meta.workspace_users.update()
                .where(meta.workspace_users.c.user_id == actor.user_id,
                       meta.workspace_users.c.workspace_id == workspace_id)
                .values(order=position)
            )


async def leave_workspace(svc: Services, actor: Actor, workspace_id: int) -> None:
    outbox = Outbox()
    async with svc.db.write() as conn:
        await _get_workspace(conn, workspace_id)
        role = await require(conn, actor, "workspace.read", workspace_id)
        if role == ADMIN:
            admins = await conn.scalar(
                sa.select(sa.func.count()).select_from(meta.workspace_users).where(
                    meta.workspace_users.c.workspace_id == workspace_id,
                    meta.workspace_users.c.permissions == ADMIN,
                )
            )
            if admins == 1:
                raise ApiError("ERROR_GROUP_USER_IS_LAST_ADMIN")
        members = (await _members(conn, [workspace_id]))[workspace_id]
        leaving = next(m for m in members if m["user_id"] == actor.user_id)
        await conn.execute(meta.workspace_users.delete().where(
            meta.workspace_users.c.workspace_id == workspace_id,
            meta.workspace_users.c.user_id == actor.user_id,
        ))
        # Heard by the remaining members and by the one who left.
        outbox.add("group_user_deleted", {"id": leaving["id"], "workspace_id": workspace_id,
                                          "workspace_user": leaving},
                   workspace_id=workspace_id, user_ids=tuple(m["user_id"] for m in members))
    await svc.events.publish(outbox.events)
