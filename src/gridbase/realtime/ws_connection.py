"""One websocket client as the router sees it: a user, its pages and its mailbox."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from gridbase.realtime.envelope import Envelope, dumps
from gridbase.realtime.mailbox import Mailbox
from gridbase.realtime.router import Page, PageKey

__all__ = ["WebsocketConnection", "control"]

# Close code when we drop a client that fell behind: "try again later".
CLOSE_FELL_BEHIND = 1013


def control(message: dict[str, Any]) -> str:
    return dumps(message).decode()


RESYNC_REQUIRED = control({"type": "resync_required"})


class WebsocketConnection:
    """Routing puts messages here without waiting; the endpoint's sender task drains it.

    While a page catches up from the event log, live messages are held back, then
    merged after the replay without duplicates, so the client sees ids in order."""

    follows_workspaces = True

    def __init__(self, user_id: int, websocket_id: str, limit: int,
                 on_drop: Callable[[WebsocketConnection], None]) -> None:
        self.user_id = user_id
        self.websocket_id = websocket_id
        self.mailbox: Mailbox[str] = Mailbox(limit)
        self.pages: dict[PageKey, Page] = {}
        self.close_code = 1000
        self.dropped = asyncio.Event()
        self._on_drop = on_drop
        self._held: list[Envelope] | None = None

    def send(self, message: dict[str, Any]) -> None:
        self._put(control(message))

    def deliver(self, envelope: Envelope, page: Page | None) -> None:
        if self._held is not None:
            if len(self._held) >= self.mailbox.limit:
                self.drop()
            else:
                self._held.append(envelope)
            return
        self._put(envelope.text)

    def lost(self, page: Page, notify: bool) -> None:
        self.pages.pop(page.key, None)
        if notify:
            self.send({"type": "page_discard", "page": page.key[0],
                       "parameters": page.parameters})

    def gap(self) -> None:
        self.drop()

    def hold(self) -> None:
        """Keep live messages aside while a page's missed events are read from the log."""
        self._held = []

    def release(self, page: Page, after: int, replay: list[Envelope] | None) -> None:
        """Send the replay (or `resync_required`), then the held live messages the
        client has not seen: neither replayed nor, for this table, at or before `after`."""
        held, self._held = self._held or [], None
        if replay is None:
            self.send({"type": "resync_required", "page": page.key[0],
                       "parameters": page.parameters})
            replay = []
        seen = {e.id for e in replay}
        for envelope in replay:
            self._put(envelope.text)
        for envelope in held:
            if envelope.id is not None and (envelope.id in seen or (
                    envelope.table_id == page.table_id and envelope.id <= after)):
                continue
            self._put(envelope.text)

    def drop(self) -> None:
        """Fallen behind or lost messages: say `resync_required` (only that), then close."""
        if self.mailbox.closing:
            return
        self.close_code = CLOSE_FELL_BEHIND
        self.mailbox.close(last=RESYNC_REQUIRED)
        self.dropped.set()
        self._on_drop(self)

    def _put(self, text: str) -> None:
        if not self.mailbox.put(text) and self.mailbox.overflowed:
            self.drop()
