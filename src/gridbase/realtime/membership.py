"""Who belongs to a workspace, cached per process for fan-out and forgotten on change.

Delivery asks this for every event, so it must be cheap; it must also never let a
removed member hear one more event. Membership only changes through handlers that
publish `group_*` events, and the router forgets a workspace when it sees one, before
routing anything published after it. A short lifetime covers changes made by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlalchemy as sa

from gridbase.handlers.policy import workspace_members
from gridbase.storage import schema as meta
from gridbase.storage.engine import Database

__all__ = ["MEMBERSHIP_EVENTS", "MembershipCache"]

MEMBERSHIP_EVENTS = frozenset({
    "group_created", "group_deleted", "group_restored",
    "group_user_added", "group_user_updated", "group_user_deleted",
})


class MembershipCache:
    def __init__(self, db: Database, lifetime: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._lifetime = lifetime
        self._clock = clock
        self._members: dict[int, tuple[float, frozenset[int]]] = {}

    async def members(self, workspace_id: int) -> frozenset[int]:
        cached = self._members.get(workspace_id)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        async with self._db.read() as conn:
            members = frozenset(await workspace_members(conn, workspace_id))
        self._members[workspace_id] = (self._clock() + self._lifetime, members)
        return members

    def forget(self, workspace_id: int) -> None:
        self._members.pop(workspace_id, None)

    async def refresh_user(self, user_id: int) -> None:
        """Forget the workspaces a (re)connecting user belongs to, so a membership made
        without an event is seen from this connection on."""
        async with self._db.read() as conn:
            workspace_ids = (await conn.scalars(
                sa.select(meta.workspace_users.c.workspace_id)
                .where(meta.workspace_users.c.user_id == user_id))).all()
        for workspace_id in workspace_ids:
            self.forget(workspace_id)
