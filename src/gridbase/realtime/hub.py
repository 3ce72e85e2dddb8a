"""The pub/sub seam between processes: one contract, an in-memory and a Redis backend.

A hub only moves opaque bytes on named channels. Everything gridbase-specific (who
may hear what, the event log) lives above it, so both backends pass one test suite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Hub", "HubGap", "HubMessage", "HubSubscription", "create_hub"]


@dataclass(frozen=True)
class HubMessage:
    channel: str
    data: bytes


@dataclass(frozen=True)
class HubGap:
    """Messages may have been lost (the backend reconnected); listeners must resync."""

    reason: str


class HubSubscription(Protocol):
    """Messages of some channels, in publish order, until closed."""

    def __aiter__(self) -> AsyncIterator[HubMessage | HubGap]: ...

    async def close(self) -> None: ...


class Hub(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, channel: str, data: bytes) -> None: ...

    async def subscribe(self, *channels: str) -> HubSubscription: ...


def create_hub(redis_url: str | None) -> Hub:
    """The Redis hub when a URL is configured (several processes), else the memory hub."""
    if redis_url:
        from gridbase.realtime.redis_hub import RedisHub

        return RedisHub(redis_url)
    from gridbase.realtime.memory_hub import MemoryHub

    return MemoryHub()
