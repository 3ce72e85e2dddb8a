"""The websocket handshake and page subscriptions, as recorded from Baserow (transcript 76)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from websockets.exceptions import ConnectionClosed

from tests.conftest import Api
from tests.realtime.conftest import TIMEOUT, Server, Socket, open_socket


async def _closed_code(sock: Socket) -> int | None:
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(sock.ws.recv(), TIMEOUT)
    return sock.ws.close_code


async def test_without_a_token_authentication_fails_and_the_socket_closes(
        server: Server) -> None:
    sock = await Socket.open(server.ws_url, None)
    assert sock.hello == {"type": "authentication", "success": False, "web_socket_id": None}
    assert await _closed_code(sock) == 1000


async def test_an_invalid_token_fails_with_a_socket_id_then_closes(server: Server) -> None:
    sock = await Socket.open(server.ws_url, "not-a-jwt")
    assert sock.hello["type"] == "authentication"
    assert sock.hello["success"] is False
    assert uuid.UUID(sock.hello["web_socket_id"]).version == 4
    assert await _closed_code(sock) == 1000


async def test_a_valid_token_gets_a_fresh_socket_id(
        server: Server, alice: Api, sockets: list[Socket]) -> None:
    first = await open_socket(sockets, server.ws_url, alice)
    second = await open_socket(sockets, server.ws_url, alice)
    assert first.hello == {"type": "authentication", "success": True,
                           "web_socket_id": first.id}
    assert uuid.UUID(first.id) != uuid.UUID(second.id)


async def test_pages_are_acknowledged_with_their_parameters_echoed(
        server: Server, alice: Api, sockets: list[Socket]) -> None:
    table = await alice.table()
    row = (await alice.create_row(table["id"], {})).json()
    sock = await open_socket(sockets, server.ws_url, alice)
    await sock.subscribe("table", table_id=table["id"])
    await sock.subscribe("row", table_id=table["id"], row_id=row["id"])
    await sock.send({"remove_page": "table", "table_id": table["id"]})
    assert await sock.next() == {"type": "page_discard", "page": "table",
                                 "parameters": {"table_id": table["id"]}}
    await sock.send({"remove_page": "row", "table_id": table["id"], "row_id": row["id"]})
    assert await sock.next() == {"type": "page_discard", "page": "row",
                                 "parameters": {"table_id": table["id"], "row_id": row["id"]}}


async def test_forbidden_missing_and_unknown_pages_are_ignored_silently(
        server: Server, alice: Api, bob: Api, sockets: list[Socket]) -> None:
    own = await alice.table()
    foreign = await bob.table()
    sock = await open_socket(sockets, server.ws_url, alice)
    for message in (
        {"page": "table", "table_id": foreign["id"]},
        {"page": "table", "table_id": 999_999_999},
        {"page": "table", "table_id": "abc"},
        {"page": "row", "table_id": own["id"], "row_id": 999_999_999},
        {"page": "row", "table_id": foreign["id"], "row_id": 1},
        {"page": "view", "slug": "x", "token": "y"},
        {"page": "no-such-page"},
        {"remove_page": "no-such-page"},
    ):
        await sock.send(message)
    await sock.ws.send("this is not json")
    # The next valid subscription is answered normally, and it is the very next message.
    await sock.subscribe("table", table_id=own["id"])
    # A change to the forbidden table is not delivered: the next message is our own table's.
    await bob.create_row(foreign["id"], {})
    created = (await alice.create_row(own["id"], {})).json()
    message = await sock.expect("rows_created")
    assert message["table_id"] == own["id"]
    assert message["rows"] == [created]
