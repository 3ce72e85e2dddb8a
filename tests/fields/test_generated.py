"""Read-only generated fields over HTTP: created_on, last_modified, autonumber and uuid."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import Api

BATCH = "/api/database/rows/table/{}/batch/"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z")
READ_ONLY_TYPES = ["created_on", "last_modified", "autonumber", "uuid"]


async def _table(api: Api, names: list[str]) -> int:
    table = await api.table(name="Gen", data=[["Name"], *[[n] for n in names]])
    return int(table["id"])


def _key(field: dict[str, Any]) -> str:
    return f"field_{field['id']}"


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_field_json(api: Api) -> None:
    table_id = await _table(api, [])
    for type_name in ["created_on", "last_modified"]:
        body = await api.field(table_id, name=type_name, type=type_name)
        assert body["read_only"] is True
        assert {k: body[k] for k in ["date_format", "date_include_time", "date_time_format",
                                     "date_show_tzinfo", "date_force_timezone"]} == {
            "date_format": "EU", "date_include_time": False, "date_time_format": "24",
            "date_show_tzinfo": False, "date_force_timezone": None}
    for type_name in ["autonumber", "uuid"]:
        body = await api.field(table_id, name=type_name, type=type_name, view_id=None)
        assert body["read_only"] is True and body["type"] == type_name
        assert list(body)[-1] == "related_fields"


async def test_timestamps_follow_the_row(api: Api) -> None:
    table_id = await _table(api, ["old"])
    created = await api.field(table_id, name="Created", type="created_on",
                              date_include_time=True)
    modified = await api.field(table_id, name="Modified", type="last_modified",
                               date_include_time=True)
    day = await api.field(table_id, name="Day", type="created_on")
    started = datetime.now(UTC)
    row = (await api.create_row(table_id, {"Name": "new"}, user_field_names=True)).json()
    assert DATETIME.fullmatch(row["Created"]) and row["Created"] == row["Modified"]
    assert abs((_parse(row["Created"]) - started).total_seconds()) < 60
    assert row["Day"] == _parse(row["Created"]).date().isoformat()
    await asyncio.sleep(0.01)
    path = f"/api/database/rows/table/{table_id}/{row['id']}/"
    updated = await api.ok("PATCH", path, json={"Name": "newer"},
                           params={"user_field_names": "true"})
    assert updated["Created"] == row["Created"]
    assert _parse(updated["Modified"]) > _parse(row["Modified"])
    old = (await api.rows(table_id))["results"][0]
    assert old[_key(created)] is not None and old[_key(modified)] is not None
    assert old[_key(day)] is not None


async def test_timestamp_sorting(api: Api) -> None:
    table_id = await _table(api, [])
    modified = await api.field(table_id, name="Modified", type="last_modified",
                               date_include_time=True)
    ids = [(await api.create_row(table_id, {})).json()["id"] for _ in range(3)]
    await asyncio.sleep(0.01)
    await api.ok("PATCH", f"/api/database/rows/table/{table_id}/{ids[0]}/", json={})
    ascending = [r["id"] for r in (await api.rows(table_id, order_by=_key(modified)))["results"]]
    assert ascending == [ids[1], ids[2], ids[0]]
    descending = await api.rows(table_id, order_by=f"-{_key(modified)}")
    assert [r["id"] for r in descending["results"]] == [ids[0], ids[2], ids[1]]


@pytest.mark.parametrize("type_name", READ_ONLY_TYPES)
async def test_writing_is_refused(api: Api, type_name: str) -> None:
    table_id = await _table(api, ["a"])
    field = await api.field(table_id, name="Gen", type=type_name)
    message = f"Field of type {type_name} is read only and should not be set manually."
    refused = {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": message}
    row_id = (await api.rows(table_id))["results"][0]["id"]
    before = await api.rows(table_id)
    attempts = [
        ("POST", f"/api/database/rows/table/{table_id}/", {_key(field): 1}, {}),
        ("POST", f"/api/database/rows/table/{table_id}/", {"Gen": "x"},
         {"user_field_names": "true"}),
        ("PATCH", f"/api/database/rows/table/{table_id}/{row_id}/", {_key(field): "x"}, {}),
        ("POST", BATCH.format(table_id), {"items": [{"Name": "b"}, {_key(field): 5}]}, {}),
        ("PATCH", BATCH.format(table_id), {"items": [{"id": row_id, "Gen": 5}]},
         {"user_field_names": "true"}),
    ]
    for method, path, body, params in attempts:
        response = await api.request(method, path, json=body, params=params)
        assert response.status_code == 400, (method, path, response.text)
        assert response.json() == refused
    response = await api.create_row(table_id, {_key(field): None})
    assert response.status_code == 400
    assert response.json()["detail"] == {
        _key(field): [{"error": "This field may not be null.", "code": "null"}]}
    assert await api.rows(table_id) == before


async def test_autonumber_numbers_existing_rows_by_order(api: Api) -> None:
    table_id = await _table(api, ["a", "b", "c"])
    rows = (await api.rows(table_id))["results"]
    await api.ok("PATCH", f"/api/database/rows/table/{table_id}/{rows[2]['id']}/move/",
                 params={"before_id": rows[0]["id"]})
    number = await api.field(table_id, name="No", type="autonumber")
    listing = (await api.rows(table_id, user_field_names="true"))["results"]
    assert [(r["Name"], r["No"]) for r in listing] == [("c", 1), ("a", 2), ("b", 3)]
    single = (await api.create_row(table_id, {"Name": "d"}, user_field_names=True)).json()
    assert single["No"] == 4
    batch = await api.ok("POST", BATCH.format(table_id),
                         json={"items": [{"Name": "e"}, {"Name": "f"}, {}]})
    assert [r[_key(number)] for r in batch["items"]] == [5, 6, 7]
    await api.ok("DELETE", f"/api/database/rows/table/{table_id}/{rows[0]['id']}/")
    assert (await api.create_row(table_id, {})).json()[_key(number)] == 8
    ordered = await api.rows(table_id, order_by=f"-{_key(number)}")
    assert [r[_key(number)] for r in ordered["results"]] == [8, 7, 6, 5, 4, 3, 1]


async def test_uuid_for_existing_and_new_rows(api: Api) -> None:
    table_id = await _table(api, ["a", "b"])
    field = await api.field(table_id, name="U", type="uuid")
    key = _key(field)
    existing = [r[key] for r in (await api.rows(table_id))["results"]]
    new = (await api.create_row(table_id, {"Name": "c"}, user_field_names=True)).json()["U"]
    batch = await api.ok("POST", BATCH.format(table_id), json={"items": [{}, {}, {}]})
    values = [*existing, new, *[r[key] for r in batch["items"]]]
    assert all(isinstance(v, str) and UUID.fullmatch(v) for v in values)
    assert len(set(values)) == len(values) == 6
    again = (await api.rows(table_id))["results"]
    assert [r[key] for r in again] == values
    updated = await api.ok("PATCH", f"/api/database/rows/table/{table_id}/{again[0]['id']}/",
                           json={"Name": "renamed"}, params={"user_field_names": "1"})
    assert updated["U"] == values[0]


async def test_conversions_to_and_from_generated_types(api: Api) -> None:
    table_id = await _table(api, ["x", "y"])
    note = await api.field(table_id, name="Note", type="text")
    await api.ok("PATCH", f"/api/database/fields/{note['id']}/", json={"type": "autonumber"})
    assert [r[_key(note)] for r in (await api.rows(table_id))["results"]] == [1, 2]
    await api.ok("PATCH", f"/api/database/fields/{note['id']}/", json={"type": "text"})
    assert [r[_key(note)] for r in (await api.rows(table_id))["results"]] == ["1", "2"]
    await api.ok("PATCH", f"/api/database/fields/{note['id']}/", json={"type": "uuid"})
    values = [r[_key(note)] for r in (await api.rows(table_id))["results"]]
    assert all(UUID.fullmatch(v) for v in values) and len(set(values)) == 2
    await api.ok("PATCH", f"/api/database/fields/{note['id']}/",
                 json={"type": "created_on", "date_include_time": True})
    created = [r[_key(note)] for r in (await api.rows(table_id))["results"]]
    assert all(DATETIME.fullmatch(v) for v in created)
    await api.ok("PATCH", f"/api/database/fields/{note['id']}/",
                 json={"type": "date", "date_include_time": True})
    assert [r[_key(note)] for r in (await api.rows(table_id))["results"]] == created
    await api.ok("PATCH", f"/api/database/fields/{note['id']}/", json={"type": "last_modified"})
    await api.ok("DELETE", f"/api/database/fields/{note['id']}/")
    assert [f["name"] for f in await api.fields(table_id)] == ["Name"]
