"""The realtime service of one process: publish to the log and hub, route what arrives.

`publish` is the `EventBus` listener handlers reach after commit. It logs the event
and hands it to the hub; the hub brings every process's events back to `_route`,
which gives them to this process's websocket and SSE subscribers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from gridbase.clock import now
from gridbase.events import Event
from gridbase.handlers.services import Services
from gridbase.realtime import event_log
from gridbase.realtime.envelope import Envelope
from gridbase.realtime.hub import Hub, HubGap, HubSubscription, create_hub
from gridbase.realtime.membership import MembershipCache
from gridbase.realtime.router import Router

__all__ = ["Realtime"]

log = logging.getLogger(__name__)


class Realtime:
    def __init__(self, svc: Services, hub: Hub | None = None) -> None:
        self.svc = svc
        self.hub = hub if hub is not None else create_hub(svc.settings.redis_url)
        self.membership = MembershipCache(svc.db)
        self.router = Router(self.membership)
        self.channel: str | None = None
        self._subscription: HubSubscription | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._pending: list[tuple[Event, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self.channel is not None

    async def start(self) -> None:
        await self.hub.start()
        async with self.svc.db.read() as conn:
            key = await event_log.realtime_key(conn)
        channel = f"gridbase:{key}:events"
        self._subscription = await self.hub.subscribe(channel)
        self.channel = channel
        self._tasks = [asyncio.create_task(self._route(self._subscription)),
                       asyncio.create_task(self._prune_forever())]

    async def stop(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._writer), 10)
        self.channel = None
        for _, done in self._pending:
            if not done.done():
                done.set_result(None)
        self._pending = []
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._subscription is not None:
            await self._subscription.close()
            self._subscription = None
        await self.hub.stop()

    async def publish(self, event: Event) -> None:
        """Log the event and hand it to the hub; returns once both are done.

        Events arriving while a batch is being written form the next batch, written in
        one transaction (group commit), so concurrent writers share the log's cost."""
        if self.channel is None:
            return
        done = asyncio.get_running_loop().create_future()
        self._pending.append((event, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending())
        # Shielded: a cancelled request must not cancel the logging of its change.
        await asyncio.shield(done)

    async def _write_pending(self) -> None:
        while self._pending and self.channel is not None:
            batch, self._pending = self._pending, []
            await self._write(self.channel, [event for event, _ in batch])
            for _, done in batch:
                if not done.done():
                    done.set_result(None)

    async def _write(self, channel: str, events: list[Event]) -> None:
        """Log and publish under the log's ordering lock (see `event_log`)."""
        sent = 0
        try:
            async with self.svc.db.write() as conn:
                for envelope in await event_log.append_all(conn, events):
                    await self._send(channel, envelope)
                    sent += 1
        except Exception:
            log.exception("could not log %d events; delivering them without event ids",
                          len(events) - sent)
            for event in events[sent:]:
                await self._send(channel, Envelope.of(event, None))

    async def _send(self, channel: str, envelope: Envelope) -> None:
        try:
            await self.hub.publish(channel, envelope.encode())
        except Exception:
            log.exception("could not publish %s to the hub", envelope.type)

    async def replay(self, table_id: int, after: int, limit: int) -> list[Envelope] | None:
        """A table's logged events after `after`, read under the ordering lock."""
        async with self.svc.db.write() as conn:
            await event_log.lock(conn)
            return await event_log.read_after(conn, table_id, after, limit)

    async def _route(self, subscription: HubSubscription) -> None:
        async for item in subscription:
            if isinstance(item, HubGap):
                log.warning("realtime hub gap (%s): asking clients to resync", item.reason)
                self.router.gap()
                continue
            try:
                envelope = Envelope.decode(item.data)
            except Exception:
                log.exception("undecodable hub message on %s", item.channel)
                continue
            try:
                await self.router.dispatch(envelope)
            except Exception:
                log.exception("could not route %s; asking clients to resync", envelope.type)
                self.router.gap()

    async def prune(self) -> int:
        retention = timedelta(seconds=self.svc.settings.event_log_retention_seconds)
        async with self.svc.db.write() as conn:
            return await event_log.prune(conn, now() - retention)

    async def _prune_forever(self) -> None:
        interval = min(60.0, max(1.0, self.svc.settings.event_log_retention_seconds / 4))
        while True:
            try:
                await self.prune()
            except Exception:
                log.exception("could not prune the event log")
            await asyncio.sleep(interval)
