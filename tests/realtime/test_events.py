"""Each kind of event reaches the right sockets with Baserow's payload plus an `event_id`."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Api
from tests.realtime.conftest import Server, Socket, add_member, open_socket


@dataclass
class Shared:
    """Alice's workspace, database and table, with Bob added as a member."""

    workspace: dict[str, Any]
    database: dict[str, Any]
    table: dict[str, Any]


@pytest.fixture
async def shared(alice: Api, bob: Api, database_url: str) -> Shared:
    workspace = await alice.workspace("Team")
    database = await alice.database(workspace["id"])
    table = await alice.table(database["id"], data=[["Name", "Notes"], ["a", "x"]])
    await add_member(database_url, workspace["id"], bob.user["id"])
    return Shared(workspace, database, table)


def _without_id(message: dict[str, Any]) -> dict[str, Any]:
    assert isinstance(message["event_id"], int)
    return {k: v for k, v in message.items() if k != "event_id"}


async def test_row_events_carry_baserows_payloads_and_increasing_ids(
        server: Server, alice: Api, bob: Api, shared: Shared, sockets: list[Socket]) -> None:
    table_id = shared.table["id"]
    sock = await open_socket(sockets, server.ws_url, bob)
    await sock.subscribe(table_id=table_id)
    fields = await alice.fields(table_id)
    name, notes = (f"field_{f['id']}" for f in fields)
    first_row = (await alice.rows(table_id))["results"][0]

    started = time.perf_counter()
    created = (await alice.create_row(table_id, {name: "b"})).json()
    message = await sock.expect("rows_created")
    latency = time.perf_counter() - started
    assert _without_id(message) == {"type": "rows_created", "table_id": table_id,
                                    "rows": [created], "metadata": {}, "before_row_id": None}
    ids = [message["event_id"]]
    print(f"write-to-websocket latency: {latency * 1000:.1f} ms")

    before = await alice.post(f"/api/database/rows/table/{table_id}/",
                              params={"before": first_row["id"]}, json={name: "c"})
    message = await sock.expect("rows_created")
    assert message["before_row_id"] == first_row["id"]
    assert message["rows"] == [before.json()]
    ids.append(message["event_id"])

    updated = await alice.ok("PATCH", f"/api/database/rows/table/{table_id}/{created['id']}/",
                             json={notes: "n", name: "B"})
    message = await sock.expect("rows_updated")
    assert _without_id(message) == {
        "type": "rows_updated", "table_id": table_id, "rows_before_update": [created],
        "rows": [updated], "metadata": {},
        "updated_field_ids": sorted(int(k[6:]) for k in (name, notes))}
    ids.append(message["event_id"])

    batch = await alice.ok("PATCH", f"/api/database/rows/table/{table_id}/batch/", json={
        "items": [{"id": created["id"], notes: "1"}, {"id": before.json()["id"], notes: "2"}]})
    message = await sock.expect("rows_updated")
    assert message["rows"] == batch["items"]
    assert [r["id"] for r in message["rows_before_update"]] == [created["id"],
                                                                before.json()["id"]]
    assert message["updated_field_ids"] == [int(notes[6:])]
    ids.append(message["event_id"])

    await alice.ok("DELETE", f"/api/database/rows/table/{table_id}/{created['id']}/")
    message = await sock.expect("rows_deleted")
    assert _without_id(message) == {"type": "rows_deleted", "table_id": table_id,
                                    "row_ids": [created["id"]], "rows": [batch["items"][0]]}
    ids.append(message["event_id"])
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


async def test_field_events_reach_table_subscribers(
        server: Server, alice: Api, bob: Api, shared: Shared, sockets: list[Socket]) -> None:
    table_id = shared.table["id"]
    sock = await open_socket(sockets, server.ws_url, bob)
    await sock.subscribe(table_id=table_id)
    field = await alice.field(table_id, name="Amount", type="number")
    message = await sock.expect("field_created")
    assert _without_id(message) == {
        "type": "field_created", "related_fields": [],
        "field": {k: v for k, v in field.items() if k != "related_fields"}}

    changed = await alice.ok("PATCH", f"/api/database/fields/{field['id']}/",
                             json={"name": "Total"})
    message = await sock.expect("field_updated")
    assert message["field_id"] == field["id"]
    assert message["field"]["name"] == "Total"
    assert message["field"] == {k: v for k, v in changed.items() if k != "related_fields"}

    await alice.ok("DELETE", f"/api/database/fields/{field['id']}/")
    message = await sock.expect("field_deleted")
    assert _without_id(message) == {"type": "field_deleted", "table_id": table_id,
                                    "field_id": field["id"], "related_fields": []}


async def test_workspace_events_reach_every_member_without_subscribing(
        server: Server, alice: Api, bob: Api, carol: Api, shared: Shared,
        sockets: list[Socket]) -> None:
    outsider = await open_socket(sockets, server.ws_url, carol)
    sock = await open_socket(sockets, server.ws_url, bob)
    workspace_id, database_id = shared.workspace["id"], shared.database["id"]

    table = await alice.table(database_id, name="Second")
    message = await sock.expect("table_created")
    assert _without_id(message) == {"type": "table_created", "table": table}

    renamed = await alice.ok("PATCH", f"/api/database/tables/{table['id']}/",
                             json={"name": "Renamed"})
    message = await sock.expect("table_updated")
    assert _without_id(message) == {"type": "table_updated", "table_id": table["id"],
                                    "table": renamed, "force_table_refresh": False}

    order = [table["id"], shared.table["id"]]
    await alice.ok("POST", f"/api/database/tables/database/{database_id}/order/",
                   json={"table_ids": order})
    message = await sock.expect("tables_reordered")
    digest = [hashlib.sha256(str(i).encode()).hexdigest() for i in order]
    assert message["order"] == digest
    assert message["database_id"] == hashlib.sha256(str(database_id).encode()).hexdigest()

    await alice.ok("DELETE", f"/api/database/tables/{table['id']}/")
    message = await sock.expect("table_deleted")
    assert _without_id(message) == {"type": "table_deleted", "database_id": database_id,
                                    "table_id": table["id"]}

    app = await alice.database(workspace_id, name="Another")
    message = await sock.expect("application_created")
    assert _without_id(message) == {"type": "application_created", "application": app}
    app2 = await alice.ok("PATCH", f"/api/applications/{app['id']}/", json={"name": "Other"})
    message = await sock.expect("application_updated")
    assert _without_id(message) == {"type": "application_updated",
                                    "application_id": app["id"], "application": app2}
    await alice.ok("DELETE", f"/api/applications/{app['id']}/")
    message = await sock.expect("application_deleted")
    assert _without_id(message) == {"type": "application_deleted", "application_id": app["id"]}

    workspace = await alice.ok("PATCH", f"/api/workspaces/{workspace_id}/",
                               json={"name": "Crew"})
    message = await sock.expect("group_updated")
    assert _without_id(message) == {"type": "group_updated", "workspace_id": workspace_id,
                                    "workspace": workspace}

    # The stranger heard none of it: the first thing it hears is its own workspace.
    mine = await carol.workspace("Mine")
    message = await outsider.expect("group_created")
    assert message["workspace"]["id"] == mine["id"]


async def test_group_created_reaches_its_creators_other_sockets(
        server: Server, alice: Api, sockets: list[Socket]) -> None:
    sock = await open_socket(sockets, server.ws_url, alice)
    workspace = await alice.workspace("Fresh")
    message = await sock.expect("group_created")
    assert message["workspace"]["id"] == workspace["id"]
    assert message["workspace"]["name"] == "Fresh"
