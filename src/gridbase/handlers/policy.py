"""The one place that decides who may do what.

Every permission question (REST, websocket, docs) comes here as an `Actor` asking for an
`operation` inside a workspace. Workspace admins may do everything; members everything
but managing the workspace itself. A database token acts for its owner, only on rows (and
field lists) of its own workspace, and only where its grants allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError
from gridbase.storage import schema as meta
from gridbase.storage.auth_cache import auth_cache

__all__ = [
    "ADMIN", "ADMIN_ONLY", "MEMBER", "Actor", "require", "workspace_members", "workspace_role",
]

ADMIN = "ADMIN"
MEMBER = "MEMBER"

ADMIN_ONLY = frozenset({"workspace.update", "workspace.delete", "workspace.members.manage"})


@dataclass(frozen=True)
class Actor:
    """Who is asking: a logged-in user, or a database token acting for its owner."""

    user_id: int
    token: Any = None


async def workspace_role(conn: AsyncConnection, user_id: int, workspace_id: int) -> str | None:
    """The user's role in the workspace, None for non-members (cached, see `auth_cache`)."""
    async def load() -> str | None:
        role: str | None = await conn.scalar(
            sa.select(meta.workspace_users.c.permissions).where(
                meta.workspace_users.c.workspace_id == workspace_id,
                meta.workspace_users.c.user_id == user_id,
            )
        )
        return role

    cache = auth_cache(conn)
    if cache is None:
        return await load()
    role: str | None = await cache.fetch(conn, ("role", user_id, workspace_id), load)
    return role


async def workspace_members(conn: AsyncConnection, workspace_id: int) -> dict[int, str]:
    """Every member's role at once: who may hear a workspace's events (realtime fan-out)."""
    rows = await conn.execute(
        sa.select(meta.workspace_users.c.user_id, meta.workspace_users.c.permissions)
        .where(meta.workspace_users.c.workspace_id == workspace_id)
    )
    return {int(user_id): str(role) for user_id, role in rows}


TOKEN_OPERATIONS: dict[str, tuple[str, ...]] = {
    "table.rows.read": ("read",),
    "table.rows.create": ("create",),
    "table.rows.update": ("update",),
    "table.rows.delete": ("delete",),
    "table.fields.read": ("read", "create", "update"),
    "table.list": ("create", "read", "update", "delete"),
}


async def _require_token(
    conn: AsyncConnection, actor: Actor, operation: str, workspace_id: int,
    database_id: int | None, table_id: int | None,
) -> str:
    """A database token may only touch rows (and read fields) of its own workspace."""
    token = actor.token
    role = await workspace_role(conn, actor.user_id, token.workspace_id)
    if role is None:
        raise ApiError("ERROR_USER_NOT_IN_GROUP")
    wanted = TOKEN_OPERATIONS.get(operation)
    if wanted is None or database_id is None or table_id is None:
        raise ApiError("ERROR_NO_PERMISSION_TO_TABLE")
    if workspace_id != token.workspace_id:
        if operation == "table.rows.read" and await workspace_role(
                conn, actor.user_id, workspace_id) is None:
            raise ApiError("ERROR_USER_NOT_IN_GROUP")
        raise ApiError("ERROR_NO_PERMISSION_TO_TABLE")
    if not any(token.grants.allows(op, database_id, table_id) for op in wanted):
        raise ApiError("ERROR_NO_PERMISSION_TO_TABLE")
    return str(role)


async def require(
    conn: AsyncConnection, actor: Actor, operation: str, workspace_id: int, *,
    database_id: int | None = None, table_id: int | None = None,
) -> str:
    """The actor's role in the workspace, or the error Baserow answers for this refusal.

    Table-level operations pass the database and table, which a database token needs."""
    if actor.token is not None:
        return await _require_token(conn, actor, operation, workspace_id, database_id,
                                    table_id)
    role = await workspace_role(conn, actor.user_id, workspace_id)
    if role is None:
        raise ApiError("ERROR_USER_NOT_IN_GROUP")
    if operation in ADMIN_ONLY and role != ADMIN:
        raise ApiError("PERMISSION_DENIED")
    return role
