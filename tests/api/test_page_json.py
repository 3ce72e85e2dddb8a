"""Pages whose JSON the database builds read exactly like rows serialized in Python.

Listed pages and single rows are built by the database (`handlers.page_json`); the
answer of a batch update is serialized in Python from the rows it read (it equals a
fresh read: tests/api/test_batch_answers.py). These tests fill a table with a field of
every type, and links to tables whose primary fields are of every type, with awkward
values, then compare every listed row, and its single read, with that answer, with and
without field names, plain and filtered, and check the database did build the pages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event

from gridbase.handlers import rows
from gridbase.storage import json_pages
from tests.conftest import BACKEND, Api

ROWS = "/api/database/rows/table/{}/"
NAMES = {"user_field_names": "true"}
# Primary field types of linked tables, and a value for each of the two linked rows.
# Links to a rating primary, and durations, have no JSON in SQL: their pages are built
# in Python (`FALLBACK`).
PRIMARIES: dict[str, tuple[dict[str, Any], list[Any]]] = {
    "text": ({"type": "text"}, ["Ada \"the\" first", None]),
    "number": ({"type": "number", "number_decimal_places": 2, "number_negative": True},
               ["-1.5", None]),
    "boolean": ({"type": "boolean"}, [True, False]),
    "single_select": ({"type": "single_select", "select_options": [
        {"value": "café", "color": "blue"}]}, ["café", None]),
    "email": ({"type": "email"}, ["a@b.co", None]),
    "autonumber": ({"type": "autonumber"}, [None, None]),
    "uuid": ({"type": "uuid"}, [None, None]),
    "date": ({"type": "date", "date_include_time": True, "date_format": "US"},
             ["2024-01-02T03:04:05Z", None]),
    "rating": ({"type": "rating"}, [3, 0]),
}


@pytest.fixture
def page_statements(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The statements that built pages in the database: those run through SQLAlchemy,
    and those kept statements that `storage.json_pages` runs straight on the driver."""
    seen: list[str] = []
    engine = app.state.services.db.engine.sync_engine

    def record(statement: str) -> None:
        if any(page in statement for page in ("json_agg(json_build_object(",
                                              "json_group_array(json_object(")):
            seen.append(statement)

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        record(statement)

    def recording(run: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def run_recorded(conn: Any, statement: Any, params: Any) -> Any:
            record(str(statement.compile(dialect=conn.dialect)))
            return await run(conn, statement, params)
        return run_recorded

    for name in ("read_directly", "run_directly"):
        monkeypatch.setattr(json_pages, name, recording(getattr(json_pages, name)))
    event.listen(engine, "before_cursor_execute", on_execute)
    yield seen
    event.remove(engine, "before_cursor_execute", on_execute)


async def _linked_table(api: Api, database_id: int, kind: str) -> int:
    """A two-row table whose primary field is of `kind`."""
    props, values = PRIMARIES[kind]
    table = await api.table(database_id, name=f"By {kind}", data=[["Name"], ["x"], ["y"]])
    primary = next(f for f in await api.fields(table["id"]) if f["primary"])
    await api.ok("PATCH", f"/api/database/fields/{primary['id']}/", json=props)
    rows = (await api.rows(table["id"]))["results"]
    if props["type"] not in ("autonumber", "uuid"):
        await api.ok("PATCH", f"{ROWS.format(table['id'])}batch/", json={"items": [
            {"id": row["id"], f"field_{primary['id']}": value}
            for row, value in zip(rows, values, strict=True)]})
    return int(table["id"])


FALLBACK = {"Took", "To rating"}


async def _filled_table(api: Api, fallback: bool) -> int:
    """A table with a field of every type, filled; without the `FALLBACK` fields
    unless `fallback`."""
    database = await api.database()
    kinds = [k for k in PRIMARIES if fallback or f"To {k}" not in FALLBACK]
    linked = {kind: await _linked_table(api, database["id"], kind) for kind in kinds}
    tasks = await api.table(database["id"], name="Tasks", data=[["Title"], ["first"]])
    for body in [
        {"name": "Notes", "type": "long_text"},
        {"name": "Site", "type": "url"},
        {"name": "Mail", "type": "email"},
        {"name": "Phone", "type": "phone_number"},
        {"name": "Amount", "type": "number", "number_decimal_places": 2,
         "number_negative": True},
        {"name": "Whole", "type": "number"},
        {"name": "Precise", "type": "number", "number_decimal_places": 3},
        {"name": "Stars", "type": "rating"},
        {"name": "Done", "type": "boolean"},
        {"name": "Day", "type": "date"},
        {"name": "When", "type": "date", "date_include_time": True},
        {"name": "Took", "type": "duration", "duration_format": "h:mm:ss"},
        {"name": "State", "type": "single_select",
         "select_options": [{"value": "open", "color": "blue"},
                            {"value": "d\"one", "color": "green"}]},
        {"name": "Number", "type": "autonumber"},
        {"name": "Key", "type": "uuid"},
        {"name": "Created", "type": "created_on", "date_include_time": True},
        {"name": "Changed", "type": "last_modified", "date_include_time": False,
         "date_force_timezone": "Pacific/Kiritimati"},
        {"name": "Parent", "type": "link_row", "link_row_table_id": tasks["id"]},
        *({"name": f"To {kind}", "type": "link_row", "link_row_table_id": table_id}
          for kind, table_id in linked.items()),
    ]:
        if fallback or body["name"] not in FALLBACK:
            await api.field(tasks["id"], **body)
    items: list[dict[str, Any]] = [
        {"Title": "tab\there, \"quoted\", \\ back, é ✓ \u2028", "Notes": "a\nb\r\nc\x01",
         "Site": "https://x.io/?a=1&b=<2>", "Mail": "a@b.co", "Phone": "+1 555",
         "Amount": "-1.5", "Whole": "123456789012345678901234567890", "Precise": "2.675",
         "Stars": 3,
         "Done": True, "Day": "0999-02-28", "When": "2024-01-02T03:04:05.123456+02:00",
         "Took": "1:02:03", "State": "d\"one", "Parent": [1],
         **{f"To {kind}": [2, 1] for kind in kinds}},
        {"Amount": "0", "Whole": "1234567890123456789", "Precise": "0.1", "Done": False,
         "When": "2024-06-30T23:59:59Z", "State": "open", "To text": [2], "Parent": [1]},
        {},
    ]
    if not fallback:
        items = [{k: v for k, v in item.items() if k not in FALLBACK} for item in items]
    created = await api.ok("POST", f"{ROWS.format(tasks['id'])}batch/", params=NAMES,
                           json={"items": items})
    last = created["items"][-1]["id"]
    await api.ok("PATCH", f"{ROWS.format(tasks['id'])}{last}/move/",
                 params={"before_id": created["items"][0]["id"]})  # a fractional order
    return int(tasks["id"])


async def _listed_rows_are_reads(api: Api, table_id: int, params: dict[str, Any],
                                 user_field_names: bool) -> list[dict[str, Any]]:
    """The listed rows, after checking each against its single read and against the
    rows serialized in Python (a batch update of all rows that changes no value answers
    them; it does touch their `last_modified`, so it comes first)."""
    names = NAMES if user_field_names else {}
    ids = [row["id"] for row in (await api.rows(table_id, size=200))["results"]]
    answer = await api.ok("PATCH", f"{ROWS.format(table_id)}batch/", params=names,
                          json={"items": [{"id": row_id} for row_id in ids]})
    serialized = {row["id"]: row for row in answer["items"]}
    page = await api.ok("GET", ROWS.format(table_id), params={**params, **names})
    assert page["results"]
    for row in page["results"]:
        assert row == serialized[row["id"]]
        assert await api.ok("GET", f"{ROWS.format(table_id)}{row['id']}/",
                            params=names) == row
    return list(page["results"])


@pytest.mark.parametrize("fallback", [False, True])
async def test_listed_pages_equal_single_reads(api: Api, page_statements: list[str],
                                               fallback: bool) -> None:
    table_id = await _filled_table(api, fallback)
    fields = {f["name"]: f["id"] for f in await api.fields(table_id)}
    for user_field_names in (True, False):
        plain = await _listed_rows_are_reads(api, table_id, {}, user_field_names)
        assert len(plain) == 4
        assert [row["id"] for row in plain][:2] == [1, 4]  # the moved row comes second
        def key(name: str, names: bool = user_field_names) -> str:
            return name if names else f"field_{fields[name]}"

        assert [row[key("Amount")] for row in plain] == [None, None, "-1.50", "0.00"]
        filtered = await _listed_rows_are_reads(
            api, table_id, {"order_by": f"-{key('Whole')}",
                            f"filter__{key('Done')}__boolean": "false"},
            user_field_names)
        assert sorted(row["id"] for row in filtered) == [1, 3, 4]
    excluded = await _listed_rows_are_reads(
        api, table_id, {"exclude_count": "true", "size": 2, "page": 2}, True)
    assert len(excluded) == 2
    # the filtered pages were built by the database, unless a field has no JSON in SQL
    own = [s for s in page_statements if f"FROM database_table_{table_id} " in s]
    assert bool(own) is not fallback
    if BACKEND == "postgresql" and not fallback:
        page = await api.get(ROWS.format(table_id))
        assert '"id" : ' in page.text  # so was the plain one (PostgreSQL's spacing)
        row = await api.get(f"{ROWS.format(table_id)}1/")
        assert '"id" : ' in row.text  # and a single row


async def test_a_page_built_by_the_database_keeps_the_envelope(api: Api) -> None:
    table_id = await _filled_table(api, False)
    page = await api.rows(table_id, size=3)
    assert page["count"] == 4 and page["previous"] is None
    assert page["next"] is not None and "page=2" in page["next"]
    last = await api.rows(table_id, size=3, page=2)
    assert last["next"] is None and len(last["results"]) == 1
    empty = await api.rows(table_id, search="no such words anywhere")
    assert empty["count"] == 0 and empty["results"] == []
    without_count = await api.rows(table_id, size=4, exclude_count="true")
    assert "count" not in without_count and without_count["next"] is not None


async def test_pages_of_one_shape_answer_their_own_values(api: Api,
                                                          page_statements: list[str]) -> None:
    """Filtered and sorted pages whose filters differ only in their values share one
    kept statement (`storage.json_pages`); each still answers its own values, whatever
    the order they come in."""
    names = ["apple", "avocado", "banana", "blueberry", "cherry", "apricot"]
    table = await api.table(data=[["Name", "Size"], *[[n, str(len(n))] for n in names]])
    fields = {f["name"]: f["id"] for f in await api.fields(table["id"])}
    await api.ok("PATCH", f"/api/database/fields/{fields['Size']}/",
                 json={"type": "number", "number_decimal_places": 0})

    def expected(letter: str, longer_than: int) -> list[str]:
        return sorted(n for n in names if letter in n and len(n) > longer_than)

    for letter, longer_than in [("a", 5), ("b", 5), ("a", 6), ("c", 0), ("a", 5), ("z", 0),
                                ("b", 6)]:
        page = await api.rows(table["id"], user_field_names="true", order_by="Name", **{
            "filter__Name__contains": letter, "filter__Size__higher_than": str(longer_than)})
        assert [row["Name"] for row in page["results"]] == expected(letter, longer_than)
        assert page["count"] == len(expected(letter, longer_than))
    own = [s for s in page_statements if f"FROM database_table_{table['id']} " in s]
    assert own  # built by the database


async def test_a_batch_create_answers_rows_the_database_built(
        api: Api, page_statements: list[str]) -> None:
    """A batch create's answer is built by the database (PostgreSQL) from the rows it
    stored, links included; it equals a fresh read, with and without field names.
    (Smaller batches are serialized in Python: `_filled_table`'s, and
    tests/api/test_batch_answers.py's.)"""
    table_id = await _filled_table(api, False)
    fields = {f["name"]: f["id"] for f in await api.fields(table_id)}
    given = {"Title": "new \"one\"", "Amount": "2.5", "Precise": "0.125", "Done": True,
             "When": "2024-03-04T05:06:07+01:00", "Day": "2024-02-29", "State": "open",
             "Parent": [2, 1, 999], "To text": [1], "To date": [2, 1], "Stars": 5}
    for user_field_names in (True, False):
        names = NAMES if user_field_names else {}
        items = [given if user_field_names else
                 {f"field_{fields[k]}": v for k, v in given.items()},
                 *({} for _ in range(rows.DATABASE_JSON_ROWS - 1))]
        page_statements.clear()
        created = (await api.ok("POST", f"{ROWS.format(table_id)}batch/", params=names,
                                json={"items": items}))["items"]
        built = [s for s in page_statements if f"database_table_{table_id}.id = ANY" in s]
        assert bool(built) is (BACKEND == "postgresql")
        assert len(created) == rows.DATABASE_JSON_ROWS
        assert [row["id"] for row in created] == sorted(row["id"] for row in created)
        for row in created:
            assert await api.ok("GET", f"{ROWS.format(table_id)}{row['id']}/",
                                params=names) == row
        first = created[0] if user_field_names else {
            name: created[0][f"field_{field_id}"] for name, field_id in fields.items()}
        assert first["Amount"] == "2.50" and first["When"] == "2024-03-04T04:06:07Z"
        assert [link["id"] for link in first["Parent"]] == [1, 2]  # no row 999: left out
        assert [link["value"] for link in first["To text"]] == ["Ada \"the\" first"]


async def test_a_batch_created_before_a_row_answers_in_request_order(api: Api) -> None:
    table = await api.table(data=[["Name"], ["first"], ["last"]])
    listed = (await api.rows(table["id"], user_field_names="true"))["results"]
    titles = [f"new {i}" for i in range(rows.DATABASE_JSON_ROWS)]
    created = (await api.ok("POST", f"{ROWS.format(table['id'])}batch/",
                            params={**NAMES, "before": listed[1]["id"]},
                            json={"items": [{"Name": t} for t in titles]}))["items"]
    assert [row["Name"] for row in created] == titles
    assert [row["order"] for row in created] == sorted(row["order"] for row in created)
    after = (await api.rows(table["id"], user_field_names="true"))["results"]
    assert [row["Name"] for row in after] == ["first", *titles, "last"]


async def test_a_batch_create_after_a_rename_answers_with_the_new_names(api: Api) -> None:
    """The statement that builds a batch's answer is kept per schema version: renaming a
    field or a select option shows in the next batch's answer."""
    table = await api.table(data=[["Name"], ["a"]])
    state = await api.field(table["id"], name="State", type="single_select",
                            select_options=[{"value": "open", "color": "blue"}])
    items = [{"Name": f"n{i}", "State": "open"} for i in range(rows.DATABASE_JSON_ROWS)]
    batch = f"{ROWS.format(table['id'])}batch/"
    first = (await api.ok("POST", batch, params=NAMES, json={"items": items}))["items"]
    assert first[0]["State"]["value"] == "open"
    option = state["select_options"][0]
    await api.ok("PATCH", f"/api/database/fields/{state['id']}/", json={
        "name": "Status", "select_options": [{**option, "value": "opened"}]})
    items = [{"Name": f"m{i}", "Status": option["id"]} for i in range(rows.DATABASE_JSON_ROWS)]
    again = (await api.ok("POST", batch, params=NAMES, json={"items": items}))["items"]
    assert set(again[0]) == {"id", "order", "Name", "Status"}
    assert again[0]["Status"] == {**option, "value": "opened"}
