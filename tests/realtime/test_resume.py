"""Nothing lost: reconnecting with `after_event_id` replays what was missed, or says
`resync_required` when the log no longer reaches back that far."""

from __future__ import annotations

import asyncio

import httpx

from tests.conftest import Api, signup
from tests.realtime.conftest import (
    TIMEOUT,
    Server,
    Socket,
    count_log,
    open_socket,
)


async def test_a_reconnecting_client_first_gets_what_it_missed_then_live_events(
        server: Server, alice: Api, sockets: list[Socket]) -> None:
    table = await alice.table()
    elsewhere = await alice.table(name="Elsewhere")
    sock = await open_socket(sockets, server.ws_url, alice)
    await sock.subscribe(table_id=table["id"])
    await alice.create_row(table["id"], {})
    seen = (await sock.expect("rows_created"))["event_id"]
    await sock.close()

    missed = [(await alice.create_row(table["id"], {})).json() for _ in range(3)]
    await alice.create_row(elsewhere["id"], {})
    field = await alice.field(table["id"], name="Extra", type="text")

    again = await open_socket(sockets, server.ws_url, alice)
    await again.subscribe(table_id=table["id"], after_event_id=seen)
    ids = []
    for row in missed:
        message = await again.expect("rows_created")
        assert message["rows"] == [row]
        ids.append(message["event_id"])
    message = await again.expect("field_created")
    assert message["field"]["id"] == field["id"]
    ids.append(message["event_id"])
    assert seen < ids[0] and ids == sorted(ids)

    live = (await alice.create_row(table["id"], {})).json()
    message = await again.expect("rows_created")
    assert message["rows"] == [live] and message["event_id"] > ids[-1]


async def test_resuming_from_the_newest_id_replays_nothing(
        server: Server, alice: Api, sockets: list[Socket]) -> None:
    table = await alice.table()
    sock = await open_socket(sockets, server.ws_url, alice)
    await sock.subscribe(table_id=table["id"])
    await alice.create_row(table["id"], {})
    newest = (await sock.expect("rows_created"))["event_id"]
    await sock.subscribe(table_id=table["id"], after_event_id=newest)
    live = (await alice.create_row(table["id"], {})).json()
    # Subscribed twice now, but each event reaches a socket once.
    message = await sock.expect("rows_created")
    assert message["rows"] == [live]
    barrier = await alice.field(table["id"], name="Barrier", type="text")
    assert (await sock.expect("field_created"))["field"]["id"] == barrier["id"]


async def test_an_id_the_log_never_issued_requires_a_resync(
        server: Server, alice: Api, sockets: list[Socket]) -> None:
    table = await alice.table()
    sock = await open_socket(sockets, server.ws_url, alice)
    await sock.subscribe(table_id=table["id"], after_event_id=10**12)
    assert await sock.next() == {"type": "resync_required", "page": "table",
                                 "parameters": {"table_id": table["id"],
                                                "after_event_id": 10**12}}
    live = (await alice.create_row(table["id"], {})).json()
    assert (await sock.expect("rows_created"))["rows"] == [live]


async def test_events_older_than_the_window_are_pruned_and_require_a_resync(
        tight_server: Server, sockets: list[Socket]) -> None:
    async with httpx.AsyncClient(base_url=tight_server.url, timeout=TIMEOUT) as http:
        user = await signup(http, "Pat")
        table = await user.table()
        sock = await open_socket(sockets, tight_server.ws_url, user)
        await sock.subscribe(table_id=table["id"])
        for _ in range(3):
            await user.create_row(table["id"], {})
        first, second, third = [(await sock.expect("rows_created"))["event_id"]
                                for _ in range(3)]
        await sock.close()
        url: str = tight_server.database_url
        for _ in range(50):  # the pruner runs every second; events expire after 2 s
            if await count_log(url) == 1:
                break
            await asyncio.sleep(0.2)
        assert await count_log(url) == 1, "the log keeps only its newest event"
        later = (await user.create_row(table["id"], {})).json()

        again = await open_socket(sockets, tight_server.ws_url, user)
        await again.subscribe(table_id=table["id"], after_event_id=first)
        message = await again.next()
        assert message == {"type": "resync_required", "page": "table",
                           "parameters": {"table_id": table["id"], "after_event_id": first}}
        # From the newest kept id nothing is missing: the replay is exact.
        await again.subscribe(table_id=table["id"], after_event_id=third)
        message = await again.expect("rows_created")
        assert message["rows"] == [later] and message["event_id"] > third > second
