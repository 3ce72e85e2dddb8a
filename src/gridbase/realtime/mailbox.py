"""A bounded, never-waiting queue per client: the reason a slow client cannot slow others.

Routing only ever calls `put`. When a client has fallen `limit` messages behind, its
backlog is thrown away and replaced by one final message (`resync_required`); the
client is then disconnected and is expected to resume from the event log.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Generic, TypeVar

__all__ = ["Mailbox"]

T = TypeVar("T")


class Mailbox(Generic[T]):
    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._items: deque[T] = deque()
        self._ready = asyncio.Event()
        self.closing = False
        self.overflowed = False

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: T) -> bool:
        """Queue an item; False when closing, or too far behind (`overflowed` is then set)."""
        if self.closing:
            return False
        if len(self._items) >= self.limit:
            self.overflowed = True
            return False
        self._items.append(item)
        self._ready.set()
        return True

    def close(self, last: T | None = None) -> None:
        """Deliver what is queued (or, with `last`, only `last`), then end."""
        if self.closing:
            return
        self.closing = True
        if last is not None:
            self._items.clear()
            self._items.append(last)
        self._ready.set()

    async def get(self) -> T | None:
        """The next item, or None once the mailbox is closed and empty."""
        while not self._items:
            if self.closing:
                return None
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    async def get_batch(self, timeout: float | None = None) -> list[T] | None:
        """Everything queued (waiting up to `timeout` for something); None once closed."""
        if not self._items and not self.closing:
            self._ready.clear()
            try:
                await asyncio.wait_for(self._ready.wait(), timeout)
            except TimeoutError:
                return []
        if not self._items:
            return None if self.closing else []
        items = list(self._items)
        self._items.clear()
        return items
