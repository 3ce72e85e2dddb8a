"""The one place that decides who may do what.

Every permission question (REST, websocket, docs) comes here as an `Actor` asking for an
`operation` inside a workspace. Workspace admins may do everything; members everything
but managing the workspace itself. Database tokens will narrow this further by table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError
from gridbase.storage import schema as meta

__all__ = ["ADMIN", "ADMIN_ONLY", "MEMBER", "Actor", "require", "workspace_role"]

ADMIN = "ADMIN"
MEMBER = "MEMBER"

ADMIN_ONLY = frozenset({"workspace.update", "workspace.delete", "workspace.members.manage"})


@dataclass(frozen=True)
class Actor:
    """Who is asking: a logged-in user (and, later, the database token they hold)."""

    user_id: int
    token: Any = None


async def workspace_role(conn: AsyncConnection, user_id: int, workspace_id: int) -> str | None:
    role: str | None = await conn.scalar(
        sa.select(meta.workspace_users.c.permissions).where(
            meta.workspace_users.c.workspace_id == workspace_id,
            meta.workspace_users.c.user_id == user_id,
        )
    )
    return role


async def require(
    conn: AsyncConnection, actor: Actor, operation: str, workspace_id: int
) -> str:
    """The actor's role in the workspace, or the error Baserow answers for this refusal."""
    role = await workspace_role(conn, actor.user_id, workspace_id)
    if role is None:
        raise ApiError("ERROR_USER_NOT_IN_GROUP")
    if operation in ADMIN_ONLY and role != ADMIN:
        raise ApiError("PERMISSION_DENIED")
    return role
