"""Who hears what: the originating socket is skipped, and leaving a workspace is final.

A missing message is proven, never waited for: after the change that must not arrive,
the same socket is sent a change it must receive. Delivery to a socket is in order, so
if the first had been sent, it would come first.
"""

from __future__ import annotations

import pytest

from tests.conftest import Api
from tests.realtime.conftest import Server, Socket, add_member, open_socket


@pytest.fixture
async def team(alice: Api, bob: Api, database_url: str) -> dict[str, int]:
    workspace = await alice.workspace("Team")
    database = await alice.database(workspace["id"])
    table = await alice.table(database["id"])
    await add_member(database_url, workspace["id"], bob.user["id"])
    return {"workspace": workspace["id"], "database": database["id"], "table": table["id"]}


async def test_the_socket_named_in_websocketid_does_not_get_its_own_echo(
        server: Server, alice: Api, bob: Api, team: dict[str, int],
        sockets: list[Socket]) -> None:
    table_id = team["table"]
    mine = await open_socket(sockets, server.ws_url, alice)
    other_tab = await open_socket(sockets, server.ws_url, alice)
    theirs = await open_socket(sockets, server.ws_url, bob)
    for sock in (mine, other_tab, theirs):
        await sock.subscribe(table_id=table_id)

    header = {"WebSocketId": mine.id}
    own = (await alice.post(f"/api/database/rows/table/{table_id}/", json={},
                            headers=header)).json()
    await alice.ok("PATCH", f"/api/database/rows/table/{table_id}/{own['id']}/", json={},
                   headers=header)
    await alice.ok("DELETE", f"/api/database/rows/table/{table_id}/{own['id']}/",
                   headers=header)
    for sock in (other_tab, theirs):
        assert (await sock.expect("rows_created"))["rows"][0]["id"] == own["id"]
        await sock.expect("rows_updated")
        await sock.expect("rows_deleted")

    later = (await alice.create_row(table_id, {})).json()
    message = await mine.next()
    assert message["type"] == "rows_created" and message["rows"] == [later]


async def test_no_echo_of_field_and_table_changes_either(
        server: Server, alice: Api, team: dict[str, int], sockets: list[Socket]) -> None:
    table_id = team["table"]
    mine = await open_socket(sockets, server.ws_url, alice)
    other_tab = await open_socket(sockets, server.ws_url, alice)
    for sock in (mine, other_tab):
        await sock.subscribe(table_id=table_id)
    header = {"WebSocketId": mine.id}
    field = await alice.ok("POST", f"/api/database/fields/table/{table_id}/",
                           json={"name": "Echo", "type": "text"}, headers=header)
    await alice.ok("PATCH", f"/api/database/fields/{field['id']}/", json={"name": "Echo 2"},
                   headers=header)
    await alice.ok("DELETE", f"/api/database/fields/{field['id']}/", headers=header)
    await alice.ok("PATCH", f"/api/database/tables/{table_id}/", json={"name": "Renamed"},
                   headers=header)
    for expected in ("field_created", "field_updated", "field_deleted", "table_updated"):
        await other_tab.expect(expected)

    later = (await alice.create_row(table_id, {})).json()
    message = await mine.next()
    assert message["type"] == "rows_created" and message["rows"] == [later]


async def test_a_member_who_leaves_stops_hearing_the_workspace_at_once(
        server: Server, alice: Api, bob: Api, team: dict[str, int],
        sockets: list[Socket]) -> None:
    table_id, workspace_id = team["table"], team["workspace"]
    own_table = await bob.table()
    alice_sock = await open_socket(sockets, server.ws_url, alice)
    bob_sock = await open_socket(sockets, server.ws_url, bob)
    await bob_sock.subscribe(table_id=table_id)
    await bob_sock.subscribe(table_id=own_table["id"])
    await alice.create_row(table_id, {})
    await bob_sock.expect("rows_created")

    await bob.ok("POST", f"/api/workspaces/{workspace_id}/leave/")
    for sock in (alice_sock, bob_sock):
        left = await sock.expect("group_user_deleted")
        assert left["workspace_id"] == workspace_id
        assert left["workspace_user"]["user_id"] == bob.user["id"]
    assert await bob_sock.next() == {"type": "page_discard", "page": "table",
                                     "parameters": {"table_id": table_id}}

    await alice.create_row(table_id, {})
    await alice.table(team["database"], name="After")
    await alice.ok("PATCH", f"/api/workspaces/{workspace_id}/", json={"name": "Renamed"})
    assert (await alice_sock.expect("table_created"))["table"]["name"] == "After"
    await alice_sock.expect("group_updated")

    barrier = (await bob.create_row(own_table["id"], {})).json()
    message = await bob_sock.next()
    assert message["type"] == "rows_created" and message["rows"] == [barrier]
    # Re-subscribing is refused now (silently): the next answer is for another page.
    await bob_sock.send({"page": "table", "table_id": table_id})
    await bob_sock.send({"remove_page": "table", "table_id": own_table["id"]})
    assert (await bob_sock.next())["type"] == "page_discard"


async def test_members_hear_their_workspace_being_deleted(
        server: Server, alice: Api, bob: Api, team: dict[str, int],
        sockets: list[Socket]) -> None:
    bob_sock = await open_socket(sockets, server.ws_url, bob)
    await bob_sock.subscribe(table_id=team["table"])
    await alice.ok("DELETE", f"/api/workspaces/{team['workspace']}/")
    message = await bob_sock.expect("group_deleted")
    assert message["workspace_id"] == team["workspace"]
    own = await bob.table()
    await bob_sock.expect("group_created")
    await bob_sock.expect("application_created")
    await bob_sock.expect("table_created")
    await bob_sock.subscribe(table_id=own["id"])
