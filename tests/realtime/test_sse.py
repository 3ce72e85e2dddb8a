"""Following a table over Server-Sent Events with a database token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson

from gridbase.handlers.rows import DATABASE_JSON_ROWS
from tests.conftest import Api
from tests.realtime.conftest import TIMEOUT, Server, Socket, open_socket


class EventStream:
    """Parses `text/event-stream` frames; every read is bounded by a timeout."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.aiter_lines()

    async def next(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next event (comments and `retry` skipped): its id, event name and data."""
        frame: dict[str, Any] = {}
        while True:
            line = await asyncio.wait_for(anext(self._lines), timeout)
            if line == "":
                if "data" in frame:
                    frame["data"] = orjson.loads(frame["data"])
                    return frame
                frame = {}
                continue
            if line.startswith(":"):
                continue
            key, _, value = line.partition(":")
            frame[key] = value.removeprefix(" ")

    async def ended(self, timeout: float = TIMEOUT) -> bool:
        """True when the server ends the stream before sending another event."""
        try:
            await self.next(timeout)
        except StopAsyncIteration:
            return True
        return False


@asynccontextmanager
async def follow(server: Server, table_id: int, key: str, last_event_id: int | None = None,
                 **params: str) -> AsyncIterator[EventStream]:
    headers = {"Authorization": f"Token {key}"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT) as http, http.stream(
            "GET", f"/api/database/rows/table/{table_id}/events/", headers=headers,
            params=params) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        yield EventStream(response)


async def _token(api: Api, workspace_id: int, **permissions: Any) -> dict[str, Any]:
    token: dict[str, Any] = await api.ok("POST", "/api/database/tokens/",
                                         json={"name": "feed", "workspace": workspace_id})
    if permissions:
        changed = await api.ok("PATCH", f"/api/database/tokens/{token['id']}/",
                               json={"permissions": {"create": False, "read": False,
                                                     "update": False, "delete": False,
                                                     **permissions}})
        token = {**changed, "key": token["key"]}  # the answer shows only a masked key
    return token


async def _setup(api: Api) -> tuple[dict[str, Any], dict[str, Any], str]:
    workspace = await api.workspace()
    database = await api.database(workspace["id"])
    table = await api.table(database["id"], data=[["Title", "Notes"]])
    token = await _token(api, workspace["id"])
    return workspace, table, token["key"]


async def test_a_token_follows_a_table_with_field_names_and_event_ids(
        server: Server, alice: Api, sockets: list[Socket]) -> None:
    workspace, table, key = await _setup(alice)
    other = await alice.table((await alice.database(workspace["id"]))["id"], name="Other")
    sock = await open_socket(sockets, server.ws_url, alice)
    await sock.subscribe(table_id=table["id"])
    async with follow(server, table["id"], key, user_field_names="true") as stream:
        await alice.create_row(other["id"], {})
        row = (await alice.create_row(table["id"], {"Title": "hello"}, True)).json()
        ws_event = await sock.expect("rows_created")
        event = await stream.next()
        assert event["event"] == "rows_created"
        assert int(event["id"]) == ws_event["event_id"] == event["data"]["event_id"]
        assert event["data"]["rows"] == [row]
        assert set(event["data"]["rows"][0]) == {"id", "order", "Title", "Notes"}

        # a batch's rows, whose JSON the database builds (on PostgreSQL): keyed by
        # field id on the websocket, by name on a stream asking for names, as answered
        items = [{"Title": f"b{i}"} for i in range(DATABASE_JSON_ROWS - 1)] + [{"Notes": "n"}]
        batch = (await alice.ok("POST", f"/api/database/rows/table/{table['id']}/batch/",
                                params={"user_field_names": "true"},
                                json={"items": items}))["items"]
        ws_event = await sock.expect("rows_created")
        event = await stream.next()
        assert event["data"]["rows"] == batch and len(batch) == DATABASE_JSON_ROWS
        names = {f"field_{f['id']}": f["name"] for f in await alice.fields(table["id"])}
        assert set(ws_event["rows"][0]) == {"id", "order", *names}
        assert [{names.get(k, k): v for k, v in row.items()}
                for row in ws_event["rows"]] == batch

        await alice.ok("PATCH", f"/api/database/rows/table/{table['id']}/{row['id']}/",
                       params={"user_field_names": "true"}, json={"Notes": "n"})
        event = await stream.next()
        assert event["event"] == "rows_updated"
        assert event["data"]["rows_before_update"][0]["Notes"] is None
        assert event["data"]["rows"][0]["Notes"] == "n"
        field = await alice.field(table["id"], name="Extra", type="text")
        event = await stream.next()
        assert event["event"] == "field_created" and event["data"]["field"]["id"] == field["id"]
        await alice.ok("DELETE", f"/api/database/rows/table/{table['id']}/{row['id']}/")
        event = await stream.next()
        assert event["event"] == "rows_deleted" and event["data"]["row_ids"] == [row["id"]]
        assert set(event["data"]["rows"][0]) == {"id", "order", "Title", "Notes", "Extra"}


async def test_last_event_id_resumes_where_the_client_left_off(
        server: Server, alice: Api) -> None:
    _, table, key = await _setup(alice)
    async with follow(server, table["id"], key) as stream:
        await alice.create_row(table["id"], {})
        seen = int((await stream.next())["id"])
    missed = [(await alice.create_row(table["id"], {})).json() for _ in range(2)]
    async with follow(server, table["id"], key, last_event_id=seen) as stream:
        replayed = [await stream.next() for _ in missed]
        assert [e["data"]["rows"] for e in replayed] == [[row] for row in missed]
        assert seen < int(replayed[0]["id"]) < int(replayed[1]["id"])
        live = (await alice.create_row(table["id"], {})).json()
        event = await stream.next()
        assert event["data"]["rows"] == [live] and int(event["id"]) > int(replayed[1]["id"])
    async with follow(server, table["id"], key, last_event_id=10**12) as stream:
        event = await stream.next()
        assert event["event"] == "resync_required" and "id" not in event
        assert event["data"] == {"type": "resync_required", "page": "table",
                                 "parameters": {"table_id": table["id"]}}


async def test_a_token_without_read_permission_is_refused(
        server: Server, alice: Api, http: httpx.AsyncClient) -> None:
    workspace, table, _ = await _setup(alice)
    writer = await _token(alice, workspace["id"], create=True)
    response = await http.get(f"/api/database/rows/table/{table['id']}/events/",
                              headers={"Authorization": f"Token {writer['key']}"})
    assert response.status_code == 401
    assert response.json()["error"] == "ERROR_NO_PERMISSION_TO_TABLE"
    response = await http.get(f"/api/database/rows/table/{table['id']}/events/")
    assert response.status_code == 401


async def test_the_stream_ends_when_the_token_loses_read_permission(
        server: Server, alice: Api) -> None:
    workspace, table, _ = await _setup(alice)
    token = await _token(alice, workspace["id"], read=True)
    async with follow(server, table["id"], token["key"]) as stream:
        await alice.create_row(table["id"], {})
        assert (await stream.next())["event"] == "rows_created"
        await alice.ok("PATCH", f"/api/database/tokens/{token['id']}/",
                       json={"permissions": {"create": False, "read": False,
                                             "update": False, "delete": False}})
        await alice.create_row(table["id"], {})
        assert await stream.ended()


async def test_the_stream_ends_when_the_token_is_deleted_or_the_table_is_gone(
        server: Server, alice: Api) -> None:
    workspace, table, _ = await _setup(alice)
    token = await _token(alice, workspace["id"])
    async with follow(server, table["id"], token["key"]) as stream:
        await alice.ok("DELETE", f"/api/database/tokens/{token['id']}/")
        await alice.create_row(table["id"], {})
        assert await stream.ended()
    token = await _token(alice, workspace["id"])
    async with follow(server, table["id"], token["key"]) as stream:
        await alice.ok("DELETE", f"/api/database/tables/{table['id']}/")
        event = await stream.next()
        assert event["event"] == "table_deleted"
        assert event["data"]["table_id"] == table["id"]
        assert await stream.ended()
