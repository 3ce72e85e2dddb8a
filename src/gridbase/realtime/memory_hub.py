"""The hub for a single process: channels are dictionaries, subscribers are queues."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator

from gridbase.realtime.hub import HubGap, HubMessage

__all__ = ["MemoryHub"]

_CLOSED = HubMessage("", b"")


class _MemorySubscription:
    def __init__(self, hub: MemoryHub, channels: tuple[str, ...]) -> None:
        self._hub = hub
        self.channels = channels
        # Unbounded on purpose: the only reader is the process's own router, which never
        # waits on a client; per-client limits live in the connections.
        self.queue: asyncio.Queue[HubMessage] = asyncio.Queue()
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[HubMessage | HubGap]:
        while not self.closed:
            message = await self.queue.get()
            if message is _CLOSED:
                return
            yield message

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._hub.forget(self)
            self.queue.put_nowait(_CLOSED)


class MemoryHub:
    """Delivers to subscriptions of this process only; publishing never waits."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[_MemorySubscription]] = defaultdict(set)
        self._running = False

    async def start(self) -> None:
        self._running = True

    async def stop(self) -> None:
        self._running = False
        for subscription in {s for subs in self._subscribers.values() for s in subs}:
            await subscription.close()

    async def publish(self, channel: str, data: bytes) -> None:
        if not self._running:
            raise RuntimeError("the hub is not running")
        message = HubMessage(channel, bytes(data))
        for subscription in tuple(self._subscribers.get(channel, ())):
            subscription.queue.put_nowait(message)

    async def subscribe(self, *channels: str) -> _MemorySubscription:
        if not self._running:
            raise RuntimeError("the hub is not running")
        subscription = _MemorySubscription(self, channels)
        for channel in channels:
            self._subscribers[channel].add(subscription)
        return subscription

    def forget(self, subscription: _MemorySubscription) -> None:
        for channel in subscription.channels:
            self._subscribers[channel].discard(subscription)
            if not self._subscribers[channel]:
                del self._subscribers[channel]
