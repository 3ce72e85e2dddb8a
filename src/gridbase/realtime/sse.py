"""Follow one table over Server-Sent Events: for integrations holding a database token.

`GET /api/database/rows/table/{id}/events/` streams the table's events; each SSE id is
the event id, so a client that reconnects with `Last-Event-ID` misses nothing (or is
told `resync_required` when the log no longer reaches back that far). Permission is
checked again before every batch, so a revoked token or a departed owner stops it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gridbase.api.auth import flag, row_actor, services
from gridbase.clock import now
from gridbase.errors import ApiError
from gridbase.fields.model import TableSchema
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.services import Services
from gridbase.handlers.token_permissions import load_grants
from gridbase.handlers.tokens import TokenGrant
from gridbase.realtime.envelope import Envelope, dumps
from gridbase.realtime.mailbox import Mailbox
from gridbase.realtime.router import Page
from gridbase.realtime.service import Realtime
from gridbase.storage import schema as meta

__all__ = ["router"]

router = APIRouter()
UserOrToken = Annotated[Actor, Depends(row_actor)]

KEEPALIVE_SECONDS = 15.0
_RESYNC = "resync_required"
_ROW_LISTS = ("rows", "rows_before_update")


class TableStream:
    """A router subscriber for one table; it never follows workspace-wide events."""

    follows_workspaces = False
    websocket_id = None

    def __init__(self, actor: Actor, limit: int) -> None:
        self.user_id = actor.user_id
        self.mailbox: Mailbox[Envelope | str] = Mailbox(limit)

    def deliver(self, envelope: Envelope, page: Page | None) -> None:
        if not self.mailbox.put(envelope) and self.mailbox.overflowed:
            self.mailbox.close(last=_RESYNC)

    def lost(self, page: Page, notify: bool) -> None:
        self.mailbox.close()

    def gap(self) -> None:
        self.mailbox.close(last=_RESYNC)


async def _fresh_actor(conn: AsyncConnection, actor: Actor) -> Actor | None:
    """The actor as the database sees it now: a token may have been changed or deleted."""
    token: TokenGrant | None = actor.token
    if token is None:
        return actor
    row = (await conn.execute(
        sa.select(meta.database_tokens.c.expires_at, meta.users.c.is_active)
        .join(meta.users, meta.users.c.id == meta.database_tokens.c.user_id)
        .where(meta.database_tokens.c.id == token.id)
    )).first()
    if row is None or not row.is_active or (row.expires_at is not None and row.expires_at <= now()):
        return None
    grants = (await load_grants(conn, [token.id]))[token.id]
    return Actor(actor.user_id, TokenGrant(token.id, token.user_id, token.workspace_id, grants))


async def _readable(svc: Services, actor: Actor, table_id: int) -> TableSchema | None:
    async with svc.db.read() as conn:
        fresh = await _fresh_actor(conn, actor)
        if fresh is None:
            return None
        try:
            table = await svc.schemas.get(conn, table_id)
            await require(conn, fresh, "table.rows.read", table.workspace_id,
                          database_id=table.database_id, table_id=table.id)
        except ApiError:
            return None
        return table


def _named(message: dict[str, Any], table: TableSchema | None) -> dict[str, Any]:
    """Rows keyed by field names instead of `field_<id>` (unknown keys are kept)."""
    if table is None or not any(k in message for k in _ROW_LISTS):
        return message
    names = {spec.column_name: spec.name for spec in table.fields}
    named = dict(message)
    for key in _ROW_LISTS:
        if isinstance(message.get(key), list):
            named[key] = [{names.get(k, k): v for k, v in row.items()}
                          for row in message[key] if isinstance(row, dict)]
    return named


def _frame(envelope: Envelope, table: TableSchema | None) -> str:
    head = f"id: {envelope.id}\n" if envelope.id is not None else ""
    data = dumps(_named(envelope.message, table)).decode()
    return f"{head}event: {envelope.type}\ndata: {data}\n\n"


def _resync_frame(table_id: int) -> str:
    data = dumps({"type": _RESYNC, "page": "table", "parameters": {"table_id": table_id}})
    return f"event: {_RESYNC}\ndata: {data.decode()}\n\n"


async def _stream(realtime: Realtime, actor: Actor, table: TableSchema, after: int | None,
                  user_field_names: bool) -> AsyncIterator[str]:
    svc = realtime.svc
    stream = TableStream(actor, svc.settings.websocket_queue_size)
    page = Page(("table", table.id), table.workspace_id, table.database_id, table.id,
                {"table_id": table.id})
    realtime.router.add(stream)
    realtime.router.watch(stream, page)
    try:
        yield "retry: 2000\n\n"
        last = after or 0
        if after is not None:
            replay = await realtime.replay(table.id, after, max(1, stream.mailbox.limit // 2))
            if replay is None:
                yield _resync_frame(table.id)
            for envelope in replay or []:
                last = max(last, envelope.id or 0)
                yield _frame(envelope, table if user_field_names else None)
        while True:
            batch = await stream.mailbox.get_batch(timeout=KEEPALIVE_SECONDS)
            if batch is None:
                return
            if not batch:
                yield ": keepalive\n\n"
                continue
            current = await _readable(svc, actor, table.id)
            ended = current is None
            for item in batch:
                if isinstance(item, str):
                    yield _resync_frame(table.id)
                    return
                if item.id is not None and item.id <= last:
                    continue
                if ended and item.type != "table_deleted":
                    continue
                last = max(last, item.id or 0)
                yield _frame(item, (current or table) if user_field_names else None)
                ended = ended or item.type == "table_deleted"
            if ended:
                return
    finally:
        realtime.router.remove(stream)


@router.get("/api/database/rows/table/{table_id:int}/events/")
async def follow_table(request: Request, table_id: int, actor: UserOrToken) -> Response:
    """Stream the table's events; resume with `Last-Event-ID`."""
    svc = services(request)
    realtime: Realtime = request.app.state.realtime
    async with svc.db.read() as conn:
        table = await svc.schemas.get(conn, table_id)
        await require(conn, actor, "table.rows.read", table.workspace_id,
                      database_id=table.database_id, table_id=table.id)
    raw = request.headers.get("last-event-id", "").strip()
    after = int(raw) if raw.isdigit() else None
    return StreamingResponse(
        _stream(realtime, actor, table, after, flag(request, "user_field_names")),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
