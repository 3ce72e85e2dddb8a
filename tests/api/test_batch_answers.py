"""Batch writes answer with rows exactly as a read gives them afterwards.

Creates and updates build their answers from the values they wrote (and an update from
the rows it read first) instead of reading the rows back, so these tests compare each
answer, every field type included, with a fresh read of the same rows.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

BATCH = "/api/database/rows/table/{}/batch/"
NAMES = {"user_field_names": "true"}


async def _tables(api: Api) -> tuple[int, int, dict[str, int]]:
    """People (primary `Name`) and Tasks: a field of each writable kind, links to People
    (both ways) and to Tasks itself, and the generated kinds."""
    database = await api.database()
    people = await api.table(database["id"], name="People",
                             data=[["Name"], ["Ada"], ["Bob"], ["Cy"]])
    tasks = await api.table(database["id"], name="Tasks", data=[["Title"], ["first"]])
    for body in [
        {"name": "Notes", "type": "long_text"},
        {"name": "Site", "type": "url"},
        {"name": "Mail", "type": "email"},
        {"name": "Amount", "type": "number", "number_decimal_places": 2,
         "number_negative": True},
        {"name": "Stars", "type": "rating"},
        {"name": "Done", "type": "boolean"},
        {"name": "Day", "type": "date"},
        {"name": "When", "type": "date", "date_include_time": True},
        {"name": "Took", "type": "duration", "duration_format": "h:mm:ss"},
        {"name": "State", "type": "single_select",
         "select_options": [{"value": "open", "color": "blue"},
                            {"value": "done", "color": "green"}]},
        {"name": "Tags", "type": "multiple_select",
         "select_options": [{"value": "a", "color": "red"}, {"value": "b", "color": "red"}]},
        {"name": "Owner", "type": "link_row", "link_row_table_id": people["id"]},
        {"name": "Parent", "type": "link_row", "link_row_table_id": tasks["id"]},
        {"name": "Number", "type": "autonumber"},
        {"name": "Key", "type": "uuid"},
        {"name": "Created", "type": "created_on", "date_include_time": True},
        {"name": "Changed", "type": "last_modified", "date_include_time": True},
    ]:
        await api.field(tasks["id"], **body)
    ids = {f["name"]: f["id"] for f in await api.fields(tasks["id"])}
    return people["id"], tasks["id"], ids


async def _read(api: Api, table_id: int, row_id: int, user_field_names: bool) -> Any:
    return await api.ok("GET", f"/api/database/rows/table/{table_id}/{row_id}/",
                        params=NAMES if user_field_names else {})


async def _answers_are_reads(api: Api, table_id: int, rows: list[dict[str, Any]],
                             user_field_names: bool = True) -> None:
    for row in rows:
        assert await _read(api, table_id, row["id"], user_field_names) == row


async def test_batch_create_answers_as_read(api: Api) -> None:
    _, tasks, ids = await _tables(api)
    items = [
        {"Title": " one ", "Notes": "a\nb", "Site": "https://x.io", "Mail": "a@b.co",
         "Amount": "-1.5", "Stars": 3, "Done": True, "Day": "2024-02-29",
         "When": "2024-01-02T03:04:05.123456+02:00", "Took": "1:02:03", "State": "done",
         "Tags": ["b", "a"], "Owner": [3, 1], "Parent": [1]},
        {"Owner": "Bob", "Tags": "a", "Amount": 7, "Title": 12},  # other keys, other order
        {},
    ]
    created = await api.ok("POST", BATCH.format(tasks), params=NAMES, json={"items": items})
    await _answers_are_reads(api, tasks, created["items"])
    first = created["items"][0]
    assert [link["value"] for link in first["Owner"]] == ["Ada", "Cy"]
    assert first["Amount"] == "-1.50" and first["When"] == "2024-01-02T01:04:05.123456Z"
    assert first["Created"] == first["Changed"]
    # without field names, two spellings of one field id: the last one counts
    title = f"field_{ids['Title']}"
    created = await api.ok("POST", BATCH.format(tasks), json={"items": [
        {title: "plain", f"field_0{ids['Title']}": "padded id"}, {title: "other"}]})
    assert [row[title] for row in created["items"]] == ["padded id", "other"]
    await _answers_are_reads(api, tasks, created["items"], user_field_names=False)


async def test_batch_update_answers_as_read(api: Api) -> None:
    _, tasks, _ = await _tables(api)
    created = (await api.ok("POST", BATCH.format(tasks), params=NAMES, json={"items": [
        {"Title": f"t{i}", "Owner": [1 + i % 3], "Tags": ["a"], "Amount": str(i)}
        for i in range(4)]}))["items"]
    ids = [row["id"] for row in created]
    updates = [
        # links written in some rows only, a self link, the primary of a linked row
        {"id": ids[0], "Title": "renamed", "Owner": [2, 3], "Parent": [ids[1]]},
        {"id": ids[1], "Amount": "2.25", "Done": True, "Tags": []},
        {"id": ids[2], "When": "2030-01-01T00:00:00Z", "State": "open"},
        {"id": ids[3]},
    ]
    updated = await api.ok("PATCH", BATCH.format(tasks), params=NAMES,
                           json={"items": updates})
    await _answers_are_reads(api, tasks, updated["items"])
    assert [row["Changed"] != old["Changed"] for row, old in zip(
        updated["items"], created, strict=True)] == [True] * 4
    # the same columns in every row, then a rename a self link shows
    same = await api.ok("PATCH", BATCH.format(tasks), params=NAMES, json={"items": [
        {"id": row_id, "Amount": "9", "Done": False} for row_id in ids]})
    await _answers_are_reads(api, tasks, same["items"])
    parent = await api.ok("PATCH", BATCH.format(tasks), params=NAMES, json={"items": [
        {"id": ids[1], "Title": "parent"}, {"id": ids[0], "Stars": 1}]})
    await _answers_are_reads(api, tasks, parent["items"])
    assert [link["value"] for link in parent["items"][1]["Parent"]] == ["parent"]
