"""The access log of `gridbase serve`: a line per request, written in batches.

uvicorn's own access log builds a log record and writes it, one system call each, for
every request: 5% of a single-row create's CPU. This writes the same line, collected
and written together every `FLUSH_SECONDS` (and when the server stops), for about a
tenth of that.
"""

from __future__ import annotations

import asyncio
import sys
from http import HTTPStatus
from typing import TextIO
from urllib.parse import quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["FLUSH_SECONDS", "AccessLog"]

FLUSH_SECONDS = 0.05
# Lines waiting past this many are written at once, whatever the timer.
MAX_WAITING = 1000


_PHRASES = {status.value: status.phrase for status in HTTPStatus}


class AccessLog:
    """ASGI middleware writing `INFO:     <client> - "<method> <path> HTTP/<v>" <status>`
    lines (uvicorn's format, without colours) to `stream`, standard output by default."""

    def __init__(self, app: ASGIApp, stream: TextIO | None = None) -> None:
        self.app = app
        self.stream = stream
        self.waiting: list[str] = []
        self.timer: asyncio.TimerHandle | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._flushing_at_shutdown(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def logging_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._add(scope, message["status"])
            await send(message)

        await self.app(scope, receive, logging_send)

    def _flushing_at_shutdown(self, send: Send) -> Send:
        async def flushing_send(message: Message) -> None:
            if message["type"].startswith("lifespan.shutdown"):
                self.flush()
            await send(message)

        return flushing_send

    def _add(self, scope: Scope, status: int) -> None:
        client = scope.get("client")
        where = f"{client[0]}:{client[1]}" if client else "-"
        query = scope.get("query_string", b"")
        path = quote(scope["path"]) + (f"?{query.decode('ascii', 'replace')}" if query else "")
        phrase = _PHRASES.get(status, "")
        self.waiting.append(f'INFO:     {where} - "{scope["method"]} {path} '
                            f'HTTP/{scope.get("http_version", "1.1")}" {status} {phrase}\n')
        if len(self.waiting) >= MAX_WAITING:
            self.flush()
        elif self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        """Write the waiting lines; a closed or broken output drops them rather than
        failing requests."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if not self.waiting:
            return
        text, self.waiting = "".join(self.waiting), []
        stream = self.stream or sys.stdout
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):
            pass
