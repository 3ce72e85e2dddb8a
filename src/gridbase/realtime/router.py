"""Routes each hub message to this process's own subscribers: websockets and SSE streams.

Audiences follow Baserow: table events go to the table's page subscribers, workspace
events to every member, and `user_ids` (set by a handler) overrides both. Members are
checked on every event, so a member who leaves stops hearing the workspace at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from gridbase.realtime.envelope import Envelope
from gridbase.realtime.membership import MEMBERSHIP_EVENTS, MembershipCache

__all__ = ["Page", "PageKey", "Router", "Subscriber", "page_key_of"]

PageKey = tuple[Any, ...]

# Events about a table that every workspace member hears, not only its page subscribers.
WORKSPACE_TABLE_EVENTS = frozenset({"table_created", "table_updated", "table_deleted",
                                    "tables_reordered"})
ROW_PAGE_EVENTS = frozenset({"row_history_updated", "row_comment_created",
                             "row_comment_updated", "row_comment_deleted"})


@dataclass(frozen=True)
class Page:
    """A subscription: which page, and where its table lives (for permission checks)."""

    key: PageKey
    workspace_id: int
    database_id: int
    table_id: int
    parameters: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class Subscriber(Protocol):
    @property
    def user_id(self) -> int: ...

    @property
    def websocket_id(self) -> str | None:
        """The `WebSocketId` that names this client in requests (None: not a websocket)."""

    @property
    def follows_workspaces(self) -> bool:
        """Whether it hears workspace-wide events, or only its own pages."""

    def deliver(self, envelope: Envelope, page: Page | None) -> None:
        """Queue a message; must never wait."""

    def lost(self, page: Page, notify: bool) -> None:
        """The page went away (deleted, or no longer permitted)."""

    def gap(self) -> None:
        """Messages may have been lost: make the client resync."""


def page_key_of(envelope: Envelope) -> PageKey | None:
    """The page whose subscribers hear this event, or None for workspace-wide events."""
    if envelope.table_id is None:
        return None
    if envelope.type in ROW_PAGE_EVENTS and "row_id" in envelope.payload:
        return ("row", envelope.table_id, envelope.payload["row_id"])
    if envelope.type in WORKSPACE_TABLE_EVENTS:
        return None
    return ("table", envelope.table_id)


class Router:
    def __init__(self, membership: MembershipCache) -> None:
        self.membership = membership
        self._all: set[Subscriber] = set()
        self._users: dict[int, set[Subscriber]] = {}
        self._pages: dict[PageKey, dict[Subscriber, Page]] = {}

    def add(self, subscriber: Subscriber) -> None:
        self._all.add(subscriber)
        if subscriber.follows_workspaces:
            self._users.setdefault(subscriber.user_id, set()).add(subscriber)

    def remove(self, subscriber: Subscriber) -> None:
        self._all.discard(subscriber)
        users = self._users.get(subscriber.user_id)
        if users is not None:
            users.discard(subscriber)
            if not users:
                del self._users[subscriber.user_id]
        for key in [k for k, subs in self._pages.items() if subscriber in subs]:
            self.unwatch(subscriber, key)

    def watch(self, subscriber: Subscriber, page: Page) -> None:
        self._pages.setdefault(page.key, {})[subscriber] = page

    def unwatch(self, subscriber: Subscriber, key: PageKey) -> Page | None:
        watchers = self._pages.get(key)
        if watchers is None:
            return None
        page = watchers.pop(subscriber, None)
        if not watchers:
            del self._pages[key]
        return page

    def gap(self) -> None:
        for subscriber in tuple(self._all):
            subscriber.gap()

    async def dispatch(self, envelope: Envelope) -> None:
        if envelope.type in MEMBERSHIP_EVENTS and envelope.workspace_id is not None:
            self.membership.forget(envelope.workspace_id)
        for subscriber, page in await self._audience(envelope):
            if envelope.origin is not None and subscriber.websocket_id == envelope.origin:
                continue
            subscriber.deliver(envelope, page)
        await self._forget_pages(envelope)

    async def _audience(self, envelope: Envelope) -> list[tuple[Subscriber, Page | None]]:
        if envelope.user_ids is not None:
            return [(s, None) for user_id in envelope.user_ids
                    for s in self._users.get(user_id, ())]
        key = page_key_of(envelope)
        if key is not None:
            watchers = self._pages.get(key)
            if not watchers:
                return []
            members = await self.membership.members(next(iter(watchers.values())).workspace_id)
            return [(s, p) for s, p in watchers.items() if s.user_id in members]
        if envelope.workspace_id is None:
            return []
        members = await self.membership.members(envelope.workspace_id)
        local = members.intersection(self._users)
        audience: list[tuple[Subscriber, Page | None]] = [
            (s, None) for user_id in local for s in self._users[user_id]]
        if envelope.type in WORKSPACE_TABLE_EVENTS and envelope.table_id is not None:
            # Table streams (SSE) do not follow the workspace but must hear of their table.
            watchers = self._pages.get(("table", envelope.table_id), {})
            audience += [(s, p) for s, p in watchers.items()
                         if not s.follows_workspaces and s.user_id in members]
        return audience

    async def _forget_pages(self, envelope: Envelope) -> None:
        """Drop subscriptions to what was deleted, and those of members who left. Only
        these events' payloads are read (decoding a row event's would cost more than
        routing it)."""
        if envelope.type == "table_deleted":
            table_id = envelope.payload.get("table_id")
            self._sweep(lambda p: p.table_id == table_id, notify=False)
        elif envelope.type == "application_deleted":
            database_id = envelope.payload.get("application_id")
            self._sweep(lambda p: p.database_id == database_id, notify=False)
        elif envelope.type == "group_deleted":
            workspace_id = envelope.payload.get("workspace_id")
            self._sweep(lambda p: p.workspace_id == workspace_id, notify=False)
        elif envelope.type in MEMBERSHIP_EVENTS and envelope.workspace_id is not None:
            workspace_id = envelope.workspace_id
            members = await self.membership.members(workspace_id)
            self._sweep(lambda p: p.workspace_id == workspace_id, notify=True,
                        keep=lambda s: s.user_id in members)

    def _sweep(self, doomed: Callable[[Page], bool], *, notify: bool,
               keep: Callable[[Subscriber], bool] = lambda _s: False) -> None:
        lost: list[tuple[Subscriber, Page]] = []
        for key, watchers in list(self._pages.items()):
            for subscriber, page in list(watchers.items()):
                if doomed(page) and not keep(subscriber):
                    self.unwatch(subscriber, key)
                    lost.append((subscriber, page))
        for subscriber, page in lost:
            subscriber.lost(page, notify)
