"""Index builds a process runs in the background, one after the other.

Automatic indexes (`index_advisor`) and search indexes of big tables (`search`) are
built here, so that the request that asked for one neither waits for it nor sees its
errors (a failed build is logged; asking again later tries again). One build at a time:
two concurrent index builds on one PostgreSQL table wait for each other's transactions
and deadlock, and a build already holds what the machine can spare.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

__all__ = ["BackgroundBuilds"]

log = logging.getLogger(__name__)


@dataclass
class BackgroundBuilds:
    running: dict[Hashable, asyncio.Task[None]] = field(default_factory=dict)
    one_at_a_time: asyncio.Lock = field(default_factory=asyncio.Lock)

    def busy(self, key: Hashable) -> bool:
        """Whether the build `key` is under way or waiting for its turn."""
        return key in self.running

    def start(self, key: Hashable, build: Callable[[], Awaitable[object]]) -> None:
        """Run `build()` in its turn, unless the build `key` is under way already."""
        if key not in self.running:
            self.running[key] = asyncio.get_running_loop().create_task(self._run(key, build))

    async def _run(self, key: Hashable, build: Callable[[], Awaitable[object]]) -> None:
        try:
            async with self.one_at_a_time:
                await build()
        except Exception:
            log.warning("background build %s failed", key, exc_info=True)
        finally:
            self.running.pop(key, None)

    async def settle(self) -> None:
        """Wait for the builds under way (tests, shutdown)."""
        while self.running:
            await asyncio.gather(*list(self.running.values()), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self.running.values()):
            task.cancel()
        await asyncio.gather(*list(self.running.values()), return_exceptions=True)
