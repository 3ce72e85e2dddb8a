"""The seam between a committed change and whoever listens (the realtime hub, later logs).

Handlers add events to the transaction's `Outbox`; it is flushed to the bus only after
the transaction commits, so nobody ever hears of a change that rolled back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Event", "EventBus", "Outbox", "request_origin"]

# The `WebSocketId` header of the request being handled: its own socket gets no echo of
# the events the request causes. Set once per request by `api.origin.WebSocketOrigin`.
request_origin: ContextVar[str | None] = ContextVar("gridbase_request_origin", default=None)


@dataclass(frozen=True)
class Event:
    """One change, with Baserow's websocket message as its payload."""

    type: str
    payload: dict[str, Any]
    table_id: int | None = None
    workspace_id: int | None = None
    origin_websocket_id: str | None = None
    # Explicit audience (user ids) for events whose workspace membership is gone or
    # changing, such as `group_deleted` and `group_user_deleted`.
    user_ids: tuple[int, ...] | None = None


Listener = Callable[[Event], Awaitable[None]]


@dataclass
class EventBus:
    listeners: list[Listener] = field(default_factory=list)

    def subscribe(self, listener: Listener) -> None:
        self.listeners.append(listener)

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            for listener in self.listeners:
                await listener(event)


@dataclass
class Outbox:
    """Events of one transaction, published by the caller after commit."""

    events: list[Event] = field(default_factory=list)

    def add(self, type_: str, payload: dict[str, Any], **where: Any) -> None:
        if where.get("origin_websocket_id") is None:
            where["origin_websocket_id"] = request_origin.get()
        self.events.append(Event(type_, {"type": type_, **payload}, **where))
