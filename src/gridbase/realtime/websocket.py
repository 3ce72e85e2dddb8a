"""`/ws/core/`: Baserow's websocket protocol as a plain ASGI endpoint.

The client authenticates with `?jwt_token=`, then subscribes to pages (`table`,
`row`). Beyond Baserow, a table page may carry `after_event_id` to first receive
what the client missed, and every event message carries its `event_id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any
from urllib.parse import parse_qs

import orjson
import sqlalchemy as sa
from starlette.types import Receive, Scope, Send

from gridbase.errors import ApiError
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.users import authenticate_access_token
from gridbase.realtime.envelope import Envelope
from gridbase.realtime.router import Page
from gridbase.realtime.service import Realtime
from gridbase.realtime.ws_connection import WebsocketConnection, control

__all__ = ["WebsocketEndpoint"]

log = logging.getLogger(__name__)

# How long a dropped client gets to take its `resync_required` before we hang up.
DROP_GRACE_SECONDS = 5.0


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 20 else None


def _id(value: Any) -> int | None:
    """A table or row id: ids are 32-bit, a larger number names nothing."""
    number = _number(value)
    return number if number is not None and number < 2**31 else None


def _page_key(page: Any, params: dict[str, Any]) -> tuple[Any, ...] | None:
    table_id = _id(params.get("table_id"))
    if table_id is None:
        return None
    if page == "table":
        return ("table", table_id)
    if page == "row":
        row_id = _id(params.get("row_id"))
        return None if row_id is None else ("row", table_id, row_id)
    return None


class WebsocketEndpoint:
    """One instance per app; each connection runs a receiver and a sender task."""

    def __init__(self, realtime: Realtime) -> None:
        self.realtime = realtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("jwt_token") or [""])[0]
        if not token:
            await self._refuse(send, None)
            return
        websocket_id = str(uuid.uuid4())
        try:
            user = await authenticate_access_token(self.realtime.svc, token)
        except ApiError:
            await self._refuse(send, websocket_id)
            return
        await send({"type": "websocket.send", "text": control(
            {"type": "authentication", "success": True, "web_socket_id": websocket_id})})
        await self.realtime.membership.refresh_user(int(user["id"]))
        router = self.realtime.router
        conn = WebsocketConnection(int(user["id"]), websocket_id,
                                   self.realtime.svc.settings.websocket_queue_size,
                                   on_drop=router.remove)
        router.add(conn)
        try:
            await self._session(conn, receive, send)
        finally:
            router.remove(conn)

    async def _refuse(self, send: Send, websocket_id: str | None) -> None:
        await send({"type": "websocket.send", "text": control(
            {"type": "authentication", "success": False, "web_socket_id": websocket_id})})
        await send({"type": "websocket.close", "code": 1000})

    async def _session(self, conn: WebsocketConnection, receive: Receive, send: Send) -> None:
        receiver = asyncio.create_task(self._receive(conn, receive))
        sender = asyncio.create_task(self._send(conn, send))
        dropped = asyncio.create_task(conn.dropped.wait())
        try:
            await asyncio.wait({receiver, sender, dropped},
                               return_when=asyncio.FIRST_COMPLETED)
            if not receiver.done():
                # We are closing (dropped, or the sender hit a dead socket): give the
                # sender a moment to hand over `resync_required` and the close frame.
                await asyncio.wait({sender}, timeout=DROP_GRACE_SECONDS)
                if sender.done():
                    await asyncio.wait({receiver}, timeout=DROP_GRACE_SECONDS)
        finally:
            for task in (receiver, sender, dropped):
                task.cancel()
            for task in (receiver, sender, dropped):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _send(self, conn: WebsocketConnection, send: Send) -> None:
        try:
            while (text := await conn.mailbox.get()) is not None:
                await send({"type": "websocket.send", "text": text})
            await send({"type": "websocket.close", "code": conn.close_code})
        except (OSError, RuntimeError):
            return

    async def _receive(self, conn: WebsocketConnection, receive: Receive) -> None:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            raw = message.get("text")
            if raw is None and message.get("bytes") is not None:
                raw = message["bytes"].decode("utf-8", "replace")
            try:
                body = orjson.loads(raw or "")
            except orjson.JSONDecodeError:
                continue
            if not isinstance(body, dict):
                continue
            try:
                await self._handle(conn, body)
            except Exception:
                log.exception("websocket message %r failed", body)

    async def _handle(self, conn: WebsocketConnection, body: dict[str, Any]) -> None:
        if "page" in body:
            params = {k: v for k, v in body.items() if k != "page"}
            await self._add_page(conn, body["page"], params)
        elif "remove_page" in body:
            params = {k: v for k, v in body.items() if k != "remove_page"}
            key = _page_key(body["remove_page"], params)
            if key is None:
                return
            self.realtime.router.unwatch(conn, key)
            conn.pages.pop(key, None)
            conn.send({"type": "page_discard", "page": key[0], "parameters": params})

    async def _add_page(self, conn: WebsocketConnection, page_type: Any,
                        params: dict[str, Any]) -> None:
        key = _page_key(page_type, params)
        after = params.get("after_event_id")
        after_id = None if after is None else _number(after)
        if key is None or (after is not None and after_id is None):
            return
        page = await self._permitted_page(conn.user_id, key, params)
        if page is None:
            return
        realtime = self.realtime
        realtime.membership.forget(page.workspace_id)
        if after_id is None or key[0] != "table":
            realtime.router.watch(conn, page)
            conn.pages[key] = page
            conn.send({"type": "page_add", "page": key[0], "parameters": params})
            return
        conn.hold()
        realtime.router.watch(conn, page)
        conn.pages[key] = page
        conn.send({"type": "page_add", "page": key[0], "parameters": params})
        replay: list[Envelope] | None = None
        try:
            replay = await realtime.replay(page.table_id, after_id,
                                           max(1, conn.mailbox.limit // 2))
        finally:
            conn.release(page, after_id, replay)

    async def _permitted_page(self, user_id: int, key: tuple[Any, ...],
                              params: dict[str, Any]) -> Page | None:
        """The page if the user may read its table (and its row exists), else None."""
        svc = self.realtime.svc
        async with svc.db.read() as conn:
            try:
                table = await svc.schemas.get(conn, key[1])
                await require(conn, Actor(user_id), "table.rows.read", table.workspace_id,
                              database_id=table.database_id, table_id=table.id)
            except ApiError:
                return None
            if key[0] == "row" and await conn.scalar(
                    sa.select(table.sa_table.c.id).where(table.sa_table.c.id == key[2])) is None:
                return None
        return Page(key, table.workspace_id, table.database_id, table.id, params)
