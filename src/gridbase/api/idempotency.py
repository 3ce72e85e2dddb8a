"""Retried writes answered once: the `Idempotency-Key` request header.

A client whose write lost its answer (a dropped connection, a proxy's 502-504) cannot
know whether the write was applied, and the web page sends it again. With an
`Idempotency-Key` (one random value per write, the same on every retry), the first
successful answer is kept for a while, and a request with the same key, credentials,
method, path, query and body gets that answer again (with `Idempotent-Replayed: true`)
instead of writing twice. One that arrives while the first is still running waits for
it. Answers that are not 2xx are not kept: a retry after one runs anew.

Kept in memory, per process: with several workers a retry that reaches another one
runs again. A replay needs the very `Authorization` header of the first request, so
no one else can read its answer; a retry sent with a refreshed token runs again.
Requests without the header are untouched.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["IdempotentWrites"]

_WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
_MAX_KEY_LENGTH = 255
# Key, credentials, method, path, query and the body's hash.
_Fingerprint = tuple[str | bytes, ...]


@dataclass(frozen=True)
class _Answer:
    start: Message
    body: bytes
    kept_until: float


class IdempotentWrites:
    """ASGI middleware (module docstring). `seconds`: how long an answer is kept;
    `max_body_bytes`: larger requests and answers are not kept; `max_kept_bytes`: the
    answers' bodies kept at most, oldest let go first."""

    def __init__(self, app: ASGIApp, *, seconds: float = 600.0,
                 max_body_bytes: int = 1 << 20, max_kept_bytes: int = 16 << 20) -> None:
        self.app = app
        self.seconds = seconds
        self.max_body_bytes = max_body_bytes
        self.max_kept_bytes = max_kept_bytes
        self._kept_bytes = 0
        self._answers: OrderedDict[_Fingerprint, _Answer] = OrderedDict()
        self._running: dict[_Fingerprint, asyncio.Future[_Answer | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WRITES:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key", "")
        if not key or len(key) > _MAX_KEY_LENGTH:
            await self.app(scope, receive, send)
            return
        messages, body, complete = await _read_body(receive, self.max_body_bytes)
        replaying = _replaying(messages, receive)
        if not complete:
            await self.app(scope, replaying, send)
            return
        fingerprint = (key, headers.get("authorization", ""), scope["method"],
                       scope.get("raw_path") or scope["path"].encode(),
                       scope.get("query_string", b""), hashlib.sha256(body).digest())
        answer = await self._earlier(fingerprint)
        if answer is not None:
            await _replay(answer, send)
            return
        running: asyncio.Future[_Answer | None] = asyncio.get_running_loop().create_future()
        self._running[fingerprint] = running
        kept: _Answer | None = None
        try:
            kept = await self._run(scope, replaying, send)
        finally:
            if kept is not None:
                self._keep(fingerprint, kept)
            running.set_result(kept)
            del self._running[fingerprint]

    async def _earlier(self, fingerprint: _Fingerprint) -> _Answer | None:
        """The kept answer of this request, waiting for it if it is still running."""
        while True:
            answer = self._answers.get(fingerprint)
            if answer is not None:
                if answer.kept_until >= time.monotonic():
                    return answer
                self._forget(fingerprint)
            running = self._running.get(fingerprint)
            if running is None:
                return None
            # When it failed, run again, unless another duplicate already is.
            if await asyncio.shield(running) is None and fingerprint not in self._running:
                return None

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> _Answer | None:
        """Run the request, and return its answer if it is one to keep."""
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def capturing(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
                if size <= self.max_body_bytes:
                    chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capturing)
        if start is None or not 200 <= start["status"] < 300 or size > self.max_body_bytes:
            return None
        return _Answer(start, b"".join(chunks), time.monotonic() + self.seconds)

    def _keep(self, fingerprint: _Fingerprint, answer: _Answer) -> None:
        self._forget(fingerprint)
        self._answers[fingerprint] = answer
        self._kept_bytes += len(answer.body)
        now = time.monotonic()
        while self._answers:
            oldest, first = next(iter(self._answers.items()))
            if self._kept_bytes <= self.max_kept_bytes and first.kept_until >= now:
                break
            self._forget(oldest)

    def _forget(self, fingerprint: _Fingerprint) -> None:
        answer = self._answers.pop(fingerprint, None)
        if answer is not None:
            self._kept_bytes -= len(answer.body)


async def _read_body(receive: Receive, limit: int) -> tuple[list[Message], bytes, bool]:
    """The request's messages read so far, its body, and whether all of it was read
    (not when it is over `limit`, or the client went away)."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, b"", False
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if size > limit:
            return messages, b"", False
        if not message.get("more_body", False):
            return messages, b"".join(chunks), True


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that gives the messages already read, then the rest."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _replay(answer: _Answer, send: Send) -> None:
    start: dict[str, Any] = dict(answer.start)
    start["headers"] = [*answer.start.get("headers", []), (b"idempotent-replayed", b"true")]
    await send(start)
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})
