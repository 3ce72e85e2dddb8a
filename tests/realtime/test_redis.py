"""Several processes sharing Redis: what one process publishes, every process delivers."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from gridbase.realtime.hub import HubGap, HubMessage
from gridbase.realtime.redis_hub import RedisHub
from tests.conftest import Api, signup
from tests.realtime.conftest import (
    REDIS_URL,
    TIMEOUT,
    Server,
    Socket,
    add_member,
    open_socket,
    start_servers,
)


async def _kill_subscriptions(client_name: str) -> int:
    """Cut the pub/sub connections of the named client, as a network failure would."""
    admin = aioredis.from_url(REDIS_URL)
    try:
        killed = 0
        for client in await admin.client_list():
            if client.get("name") == client_name and int(client.get("sub", 0)) > 0:
                await admin.client_kill_filter(_id=client["id"])
                killed += 1
        return killed
    finally:
        await admin.aclose()


async def test_two_hub_instances_hear_each_other() -> None:
    first, second = RedisHub(REDIS_URL), RedisHub(REDIS_URL)
    await first.start()
    await second.start()
    try:
        name = f"gridbase-test:{uuid.uuid4().hex}"
        subscription = await second.subscribe(name)
        await first.publish(name, b"across")
        item = await asyncio.wait_for(anext(subscription.__aiter__()), TIMEOUT)
        assert item == HubMessage(name, b"across")
    finally:
        await first.stop()
        await second.stop()


async def test_a_lost_connection_is_reported_as_a_gap_then_delivery_resumes() -> None:
    hub = RedisHub(REDIS_URL)
    await hub.start()
    try:
        name = f"gridbase-test:{uuid.uuid4().hex}"
        subscription = await hub.subscribe(name)
        iterator = subscription.__aiter__()
        await hub.publish(name, b"before")
        assert await asyncio.wait_for(anext(iterator), TIMEOUT) == HubMessage(name, b"before")
        assert await _kill_subscriptions(f"gridbase-{os.getpid()}") == 1
        item = await asyncio.wait_for(anext(iterator), TIMEOUT)
        assert isinstance(item, HubGap)
        for _ in range(50):  # the subscription re-subscribes on its own
            await hub.publish(name, b"after")
            item = await asyncio.wait_for(anext(iterator), TIMEOUT)
            if item == HubMessage(name, b"after"):
                break
        else:
            pytest.fail("the subscription did not recover")
    finally:
        await hub.stop()


@pytest.fixture(scope="module")
def pair(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    """Two `gridbase serve` processes on one database, sharing Redis (and a secret key,
    as workers behind one load balancer must)."""
    folder: Path = tmp_path_factory.mktemp("pair")
    servers = start_servers(database_url, folder, count=2, GRIDBASE_REDIS_URL=REDIS_URL,
                            GRIDBASE_SECRET_KEY=f"pair-{uuid.uuid4().hex}" * 2)
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
async def users(pair: list[Server]) -> AsyncIterator[tuple[Api, Api]]:
    async with httpx.AsyncClient(base_url=pair[0].url, timeout=TIMEOUT) as one, \
            httpx.AsyncClient(base_url=pair[1].url, timeout=TIMEOUT) as two:
        yield await signup(one, "Ann"), await signup(two, "Ben")


async def test_a_change_through_one_server_reaches_a_socket_on_the_other(
        pair: list[Server], users: tuple[Api, Api], database_url: str,
        sockets: list[Socket]) -> None:
    ann, ben = users  # Ann talks to server 0, Ben to server 1
    workspace = await ann.workspace()
    table = await ann.table((await ann.database(workspace["id"]))["id"])
    await add_member(database_url, workspace["id"], ben.user["id"])
    ann_there = await open_socket(sockets, pair[1].ws_url, ann)
    ben_here = await open_socket(sockets, pair[0].ws_url, ben)
    ben_there = await open_socket(sockets, pair[1].ws_url, ben)
    for sock in (ann_there, ben_here, ben_there):
        await sock.subscribe(table_id=table["id"])

    # Written through server 0 by Ann, naming her socket on server 1: skipped there only.
    row = (await ann.post(f"/api/database/rows/table/{table['id']}/", json={},
                          headers={"WebSocketId": ann_there.id})).json()
    for sock in (ben_here, ben_there):
        assert (await sock.expect("rows_created"))["rows"] == [row]
    # Written through server 1: reaches server 0 too, with the same event id everywhere.
    other = (await ben.create_row(table["id"], {})).json()
    messages = [await sock.expect("rows_created") for sock in (ann_there, ben_here, ben_there)]
    assert all(m["rows"] == [other] for m in messages)
    assert len({m["event_id"] for m in messages}) == 1

    # Ben leaves through server 1; his socket on server 0 stops hearing the workspace.
    await ben.ok("POST", f"/api/workspaces/{workspace['id']}/leave/")
    await ben_here.expect("group_user_deleted")
    await ben_here.expect("page_discard")
    await ann.create_row(table["id"], {})
    await ann_there.expect("group_user_deleted")
    await ann_there.expect("rows_created")
    own = await ben.workspace("Own")
    assert (await ben_here.expect("group_created"))["workspace"]["id"] == own["id"]


async def test_a_lost_hub_connection_makes_clients_resync(
        pair: list[Server], users: tuple[Api, Api], sockets: list[Socket]) -> None:
    ann, _ = users
    table = await ann.table()
    sock = await open_socket(sockets, pair[0].ws_url, ann)
    await sock.subscribe(table_id=table["id"])
    await ann.create_row(table["id"], {})
    seen = (await sock.expect("rows_created"))["event_id"]
    assert await _kill_subscriptions(f"gridbase-{pair[0].process.pid}") == 1
    assert await sock.next() == {"type": "resync_required"}
    await asyncio.wait_for(sock.ws.wait_closed(), TIMEOUT)
    assert sock.ws.close_code == 1013

    # Clients come back and resume from the log. A client that connects while the hub
    # is still reconnecting is asked to resync once more (it may have missed events);
    # one that connects afterwards gets the missed rows, then live ones.
    written = [(await ann.create_row(table["id"], {})).json()]
    for _ in range(20):
        again = await open_socket(sockets, pair[0].ws_url, ann)
        await again.subscribe(table_id=table["id"], after_event_id=seen)
        if await _replays(again, written):
            live = (await ann.create_row(table["id"], {})).json()
            written.append(live)
            message = await again.next()
            if message["type"] == "rows_created":
                assert message["rows"] == [live]
                return
            assert message == {"type": "resync_required"}
    pytest.fail("the server never recovered from the lost hub connection")


async def _replays(sock: Socket, rows: list[dict[str, object]]) -> bool:
    """True when the socket replays exactly these rows; False when told to resync."""
    received = []
    while len(received) < len(rows):
        message = await sock.next()
        if message["type"] != "rows_created":
            assert message == {"type": "resync_required"}
            return False
        received.append(message["rows"][0])
    assert received == rows
    return True
