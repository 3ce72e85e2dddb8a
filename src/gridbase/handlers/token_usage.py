"""Token bookkeeping kept in memory: call counts, last use and the optional rate limit.

Counting every call in the database would add a write to every read; instead usage is
gathered here and written in one statement per token at most every `FLUSH_SECONDS`.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from gridbase.clock import now
from gridbase.storage import schema as meta
from gridbase.storage.engine import Database

__all__ = ["TokenUsage"]

FLUSH_SECONDS = 30.0
WINDOW_SECONDS = 60.0


@dataclass
class _Pending:
    calls: int = 0
    last_used: datetime | None = None


@dataclass
class TokenUsage:
    db: Database
    pending: dict[int, _Pending] = field(default_factory=dict)
    windows: dict[int, deque[float]] = field(default_factory=dict)
    last_flush: float = field(default_factory=time.monotonic)
    _flushing: asyncio.Task[None] | None = None

    def retry_after(self, token_id: int, limit_per_minute: int | None) -> int | None:
        """Seconds to wait when the token is over its limit, else None (and the call counts)."""
        if not limit_per_minute:
            return None
        moment = time.monotonic()
        window = self.windows.setdefault(token_id, deque())
        while window and window[0] <= moment - WINDOW_SECONDS:
            window.popleft()
        if len(window) >= limit_per_minute:
            return max(1, math.ceil(window[0] + WINDOW_SECONDS - moment))
        window.append(moment)
        return None

    def record(self, token_id: int) -> None:
        entry = self.pending.setdefault(token_id, _Pending())
        entry.calls += 1
        entry.last_used = now()
        due = time.monotonic() - self.last_flush >= FLUSH_SECONDS
        if due and (self._flushing is None or self._flushing.done()):
            self._flushing = asyncio.get_running_loop().create_task(self.flush())

    def seen(self, token_id: int) -> tuple[int, datetime | None]:
        """Calls and last use not yet written, to add to what the database says."""
        entry = self.pending.get(token_id)
        return (entry.calls, entry.last_used) if entry else (0, None)

    async def flush(self) -> None:
        self.last_flush = time.monotonic()
        pending, self.pending = self.pending, {}
        if not pending:
            return
        tokens = meta.database_tokens
        async with self.db.write() as conn:
            for token_id, entry in pending.items():
                await conn.execute(
                    tokens.update().where(tokens.c.id == token_id).values(
                        handled_calls=tokens.c.handled_calls + entry.calls,
                        last_used=entry.last_used,
                    )
                )
