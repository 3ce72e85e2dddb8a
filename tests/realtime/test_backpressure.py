"""A client that stops reading is dropped with `resync_required`; writers and other
clients never wait for it."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import httpx
import orjson
from websockets.client import ClientProtocol
from websockets.frames import Close, Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from tests.conftest import signup
from tests.realtime.conftest import TIMEOUT, Server, Socket

WRITES = 40
ROWS_PER_WRITE = 10  # each event is about 600 kB: 40 of them outgrow any socket buffer


class StalledClient:
    """A websocket client on a raw socket with a tiny receive buffer that reads nothing
    until asked to: unlike a client library, it cannot buffer on the server's behalf."""

    def __init__(self, sock: socket.socket, protocol: ClientProtocol) -> None:
        self.sock = sock
        self.protocol = protocol
        self.close_code: int | None = None

    @classmethod
    async def open(cls, server: Server, token: str) -> StalledClient:
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.wait_for(loop.sock_connect(sock, ("127.0.0.1", server.port)), TIMEOUT)
        protocol = ClientProtocol(parse_uri(f"{server.ws_url}/ws/core/?jwt_token={token}"),
                                  max_size=None)
        protocol.send_request(protocol.connect())
        client = cls(sock, protocol)
        await client._flush()
        return client

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        for data in self.protocol.data_to_send():
            if data:
                await asyncio.wait_for(loop.sock_sendall(self.sock, data), TIMEOUT)

    async def send(self, message: dict[str, Any]) -> None:
        self.protocol.send_text(orjson.dumps(message))
        await self._flush()

    async def messages(self, until: str | None = None) -> list[dict[str, Any]]:
        """Read messages until one of type `until`, or until the server closes."""
        loop = asyncio.get_running_loop()
        received: list[dict[str, Any]] = []
        while True:
            for event in self.protocol.events_received():
                if isinstance(event, Response):
                    continue
                assert isinstance(event, Frame)
                if event.opcode is Opcode.CLOSE:
                    self.close_code = Close.parse(event.data).code
                    return received
                if event.opcode is Opcode.TEXT:
                    received.append(orjson.loads(event.data))
                    if until is not None and received[-1]["type"] == until:
                        return received
            data = await asyncio.wait_for(loop.sock_recv(self.sock, 1 << 16), TIMEOUT)
            if not data:
                return received
            self.protocol.receive_data(data)

    def close(self) -> None:
        self.sock.close()


async def _collect(sock: Socket, count: int) -> list[dict[str, Any]]:
    return [await sock.expect("rows_created") for _ in range(count)]


async def test_a_stalled_client_is_dropped_and_nobody_waits_for_it(
        tight_server: Server, sockets: list[Socket]) -> None:
    async with httpx.AsyncClient(base_url=tight_server.url, timeout=TIMEOUT) as http:
        user = await signup(http, "Writer")
        table = await user.table()
        name = f"field_{(await user.fields(table['id']))[0]['id']}"
        slow = await StalledClient.open(tight_server, user.token)
        try:
            [hello] = await slow.messages(until="authentication")
            assert hello["success"] is True
            await slow.send({"page": "table", "table_id": table["id"]})
            assert (await slow.messages(until="page_add"))[-1]["type"] == "page_add"
            fast = await Socket.open(tight_server.ws_url, user.token, max_size=2**24)
            sockets.append(fast)
            await fast.subscribe(table_id=table["id"])

            reader = asyncio.create_task(_collect(fast, WRITES))
            durations = []
            for index in range(WRITES):
                started = time.perf_counter()
                items = [{name: f"{index:03d}" + "x" * 60_000}] * ROWS_PER_WRITE
                response = await user.post(f"/api/database/rows/table/{table['id']}/batch/",
                                           json={"items": items})
                durations.append(time.perf_counter() - started)
                assert response.status_code == 200
            received = await asyncio.wait_for(reader, TIMEOUT)
            assert [m["rows"][0][name][:3] for m in received] == [
                f"{i:03d}" for i in range(WRITES)]
            assert max(durations) < 3, durations

            # The stalled client now reads: some events in order, then resync_required,
            # then the server's close frame (1013: try again later).
            messages = await slow.messages()
            assert slow.close_code == 1013
            assert messages[-1] == {"type": "resync_required"}
            delivered = [m["event_id"] for m in messages[:-1]]
            assert delivered == [m["event_id"] for m in received[:len(delivered)]]
            assert len(delivered) < WRITES
        finally:
            slow.close()
