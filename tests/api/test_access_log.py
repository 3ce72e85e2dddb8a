"""The access log (`gridbase.access_log`): one line per request in uvicorn's format,
written in batches rather than one write per request, and never lost when the app
stops. Driven through HTTP calls to a small app behind it."""

from __future__ import annotations

import asyncio
import io

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from gridbase.access_log import FLUSH_SECONDS, MAX_WAITING, AccessLog


class CountingStream(io.StringIO):
    """Text output that counts its writes."""

    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def _app() -> Starlette:
    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse("hi", status_code=int(request.query_params.get("status", 200)))

    return Starlette(routes=[Route("/hello/", hello)])


def _client(logged: AccessLog) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=logged, client=("10.0.0.7", 4321)),
                             base_url="http://test")


async def test_lines_are_written_together_after_a_short_wait() -> None:
    stream = CountingStream()
    logged = AccessLog(_app(), stream)
    async with _client(logged) as client:
        for status in (200, 404, 201):
            await client.get("/hello/", params={"status": status})
        await client.post("/hello/?a=1&b=%20x")
        assert stream.getvalue() == ""
        await asyncio.sleep(FLUSH_SECONDS * 4)
    assert stream.getvalue().splitlines() == [
        'INFO:     10.0.0.7:4321 - "GET /hello/?status=200 HTTP/1.1" 200 OK',
        'INFO:     10.0.0.7:4321 - "GET /hello/?status=404 HTTP/1.1" 404 Not Found',
        'INFO:     10.0.0.7:4321 - "GET /hello/?status=201 HTTP/1.1" 201 Created',
        'INFO:     10.0.0.7:4321 - "POST /hello/?a=1&b=%20x HTTP/1.1" 405 Method Not Allowed',
    ]
    assert stream.writes == 1


async def test_many_waiting_lines_are_written_at_once() -> None:
    stream = CountingStream()
    logged = AccessLog(_app(), stream)
    async with _client(logged) as client:
        for _ in range(MAX_WAITING):
            await client.get("/hello/")
        assert len(stream.getvalue().splitlines()) == MAX_WAITING
        assert stream.writes == 1


async def test_waiting_lines_are_written_when_the_app_stops() -> None:
    stream = CountingStream()
    logged = AccessLog(_app(), stream)
    async with _client(logged) as client:
        await client.get("/hello/")
    sent: list[str] = []
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    async def receive() -> dict[str, str]:
        return next(messages)

    async def send(message: dict[str, str]) -> None:
        sent.append(message["type"])
        if message["type"] == "lifespan.shutdown.complete":
            # the lines are out before the server hears the app has stopped
            assert "GET /hello/" in stream.getvalue()

    await logged({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


@pytest.mark.parametrize("error", [BrokenPipeError(), ValueError("I/O operation on closed file")])
async def test_a_broken_output_does_not_fail_requests(error: Exception) -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise error

    logged = AccessLog(_app(), Broken())
    async with _client(logged) as client:
        for _ in range(3):
            assert (await client.get("/hello/")).status_code == 200
        logged.flush()
        assert (await client.get("/hello/")).status_code == 200
