"""Who a credential is and what role a user has, cached per process for a short while.

Every request asks these questions, and their answers rarely change, so asking the
database each time doubled the cost of small requests. Correctness rules:

- In this process a change takes effect at once: any INSERT, UPDATE or DELETE on a
  table an answer comes from (users, workspaces, memberships, tokens and their grants)
  clears the cache when it runs and again when its transaction commits or rolls back.
  A generation counter keeps a lookup that started before a clear from storing the
  answer it read (it may be the old one).
- Other processes serving the same database (several workers) see a change within
  `LIFETIME` seconds: that is how long an entry lives.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.dml import UpdateBase

from gridbase.storage import schema as meta

__all__ = ["LIFETIME", "WATCHED_TABLES", "AuthCache", "auth_cache"]

LIFETIME = 2.0
WATCHED_TABLES = frozenset(table.name for table in (
    meta.users, meta.workspaces, meta.workspace_users, meta.database_tokens,
    meta.token_permissions,
))
_DIRTY = "gridbase_auth_dirty"
_MISSING = object()


class AuthCache:
    def __init__(self, lifetime: float = LIFETIME,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._lifetime = lifetime
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self.generation = 0

    def get(self, key: Hashable) -> Any:
        """The cached answer, or `AuthCache.MISSING`."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            return _MISSING
        return entry[1]

    def put(self, key: Hashable, value: Any, generation: int) -> None:
        """Store an answer read while `generation` was current; dropped if it no longer is."""
        if generation == self.generation:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = (self._clock() + self._lifetime, value)

    async def fetch(self, conn: AsyncConnection, key: Hashable,
                    load: Callable[[], Awaitable[Any]]) -> Any:
        """The cached answer, else `load()` run on `conn` and kept, unless `conn` has
        itself changed a watched table (what it reads may never be committed)."""
        found = self.get(key)
        if found is not _MISSING:
            return found
        generation = self.generation
        value = await load()
        if not conn.sync_connection or not conn.sync_connection.info.get(_DIRTY):
            self.put(key, value, generation)
        return value

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()

    MISSING = _MISSING

    def watch(self, engine: AsyncEngine) -> None:
        """Clear on every write to a watched table through `engine`."""
        _caches[engine.sync_engine] = self

        @event.listens_for(engine.sync_engine, "after_execute")
        def _after_execute(conn: Connection, clause: Any, *_args: Any) -> None:
            table = getattr(clause, "table", None) if isinstance(clause, UpdateBase) else None
            if getattr(table, "name", None) in WATCHED_TABLES:
                conn.info[_DIRTY] = True
                self.clear()

        def _end(conn: Connection) -> None:
            # A lost connection took its info with it: clear, in case it had written.
            if conn.invalidated or conn.info.pop(_DIRTY, False):
                self.clear()

        event.listen(engine.sync_engine, "commit", _end)
        event.listen(engine.sync_engine, "rollback", _end)


_caches: weakref.WeakKeyDictionary[Engine, AuthCache] = weakref.WeakKeyDictionary()


def auth_cache(conn: AsyncConnection) -> AuthCache | None:
    """The cache of the engine `conn` belongs to, if it has one."""
    return _caches.get(conn.sync_engine)
