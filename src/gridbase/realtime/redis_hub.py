"""The hub for several processes or hosts: Redis pub/sub through redis-py's asyncio client.

Redis pub/sub forgets messages sent while a subscriber is disconnected, so every
reconnection is reported as a `HubGap`: the listeners then ask clients to resync.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gridbase.realtime.hub import HubGap, HubMessage

__all__ = ["RedisHub"]

log = logging.getLogger(__name__)

_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


class _RedisSubscription:
    def __init__(self, pubsub: Any, channels: tuple[str, ...]) -> None:
        self._pubsub = pubsub
        self.channels = channels
        self._closed = False
        self._reconnected = False

    def on_connect(self, _connection: Any) -> None:
        """Called by redis-py on every reconnection of this subscription's connection."""
        self._reconnected = True

    async def __aiter__(self) -> AsyncIterator[HubMessage | HubGap]:
        """Messages until closed; a lost connection is retried and reported as a gap."""
        delay = 0.05
        while not self._closed:
            try:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True,
                                                         timeout=1.0)
            except _DOWN as exc:
                if self._closed:
                    return
                log.warning("redis hub: subscription lost (%s); retrying", exc)
                yield HubGap(f"redis connection lost: {exc}")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
                continue
            if self._reconnected:
                self._reconnected = False
                yield HubGap("redis subscription reconnected")
            delay = 0.05
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"]
            yield HubMessage(channel.decode() if isinstance(channel, bytes) else str(channel),
                             bytes(message["data"]))

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            with contextlib.suppress(*_DOWN):
                await self._pubsub.aclose()


class RedisHub:
    """One client for publishing; one connection per subscription for listening."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client: aioredis.Redis | None = None
        self._subscriptions: set[_RedisSubscription] = set()

    @property
    def client(self) -> aioredis.Redis:
        if self._client is None:
            raise RuntimeError("the hub is not running")
        return self._client

    async def start(self) -> None:
        # Named per process, so an operator (or a test) can tell gridbase's connections apart.
        self._client = aioredis.from_url(self.url, health_check_interval=15,
                                         client_name=f"gridbase-{os.getpid()}")
        await self._client.ping()

    async def stop(self) -> None:
        for subscription in tuple(self._subscriptions):
            await subscription.close()
        self._subscriptions.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def publish(self, channel: str, data: bytes) -> None:
        await self.client.publish(channel, data)

    async def subscribe(self, *channels: str) -> _RedisSubscription:
        """Returns once Redis confirmed every channel: from then on nothing is missed."""
        pubsub = self.client.pubsub()
        await pubsub.subscribe(*channels)
        confirmed: set[str] = set()
        async with asyncio.timeout(10):
            while confirmed != set(channels):
                reply = await pubsub.get_message(timeout=1.0)
                if reply is not None and reply["type"] == "subscribe":
                    channel = reply["channel"]
                    confirmed.add(channel.decode() if isinstance(channel, bytes) else channel)
        subscription = _RedisSubscription(pubsub, channels)
        if pubsub.connection is not None:
            pubsub.connection.register_connect_callback(subscription.on_connect)
        self._subscriptions.add(subscription)
        return subscription
