"""Tables over HTTP: creation with example content or from data (transcripts 10-14 and
contract sections 2.3 and 13), reading, renaming, ordering and deleting."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.api.asserts import assert_json
from tests.conftest import Api

NOT_IN_GROUP = {"error": "ERROR_USER_NOT_IN_GROUP", "detail": ""}
NO_TABLE = {"error": "ERROR_TABLE_DOES_NOT_EXIST", "detail": "The requested table does not exist."}


async def create(api: Api, database_id: int, body: dict[str, Any]) -> Any:
    return await api.post(f"/api/database/tables/database/{database_id}/", json=body)


async def tables_of(api: Api, database_id: int) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = await api.ok(
        "GET", f"/api/database/tables/database/{database_id}/")
    return result


async def named_rows(api: Api, table_id: int) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = (await api.rows(table_id, user_field_names="true"))["results"]
    return [{k: v for k, v in row.items() if k not in ("id", "order")} for row in results]


async def sql_table_exists(app: Any, table_id: int) -> bool:
    async with app.state.services.db.read() as conn:
        names = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
    return f"database_table_{table_id}" in names


async def test_default_table_has_example_content(api: Api) -> None:
    database = await api.database()
    body = assert_json(await create(api, database["id"], {"name": "Customers"}), 200)
    assert body == {"id": body["id"], "name": "Customers", "order": 1,
                    "database_id": database["id"], "data_sync": None}
    fields = await api.fields(body["id"])
    assert [(f["name"], f["type"], f["primary"], f["order"]) for f in fields] == [
        ("Name", "text", True, 0), ("Notes", "long_text", False, 1),
        ("Active", "boolean", False, 2)]
    assert fields[1]["long_text_enable_rich_text"] is False
    assert fields[2]["boolean_default"] is False
    assert await named_rows(api, body["id"]) == [
        {"Name": "", "Notes": "", "Active": False}, {"Name": "", "Notes": "", "Active": False}]
    listing = await api.rows(body["id"])
    assert [r["order"] for r in listing["results"]] == ["1.00000000000000000000",
                                                         "2.00000000000000000000"]


async def test_create_from_data_with_header(api: Api) -> None:
    database = await api.database()
    body = assert_json(await create(api, database["id"], {
        "name": "Orders", "data": [["Order", "Amount"], ["A-1", "10"], ["A-2", "20"]],
        "first_row_header": True}), 200)
    assert body == {"id": body["id"], "name": "Orders", "order": 1,
                    "database_id": database["id"], "data_sync": None}
    fields = await api.fields(body["id"])
    assert [(f["name"], f["type"], f["primary"], f["order"]) for f in fields] == [
        ("Order", "text", True, 0), ("Amount", "text", False, 1)]
    assert await named_rows(api, body["id"]) == [
        {"Order": "A-1", "Amount": "10"}, {"Order": "A-2", "Amount": "20"}]


async def test_create_from_data_without_header(api: Api) -> None:
    database = await api.database()
    body = assert_json(await create(api, database["id"], {
        "name": "Plain", "data": [["Order", "Amount"], ["A-1", "10"]]}), 200)
    assert [f["name"] for f in await api.fields(body["id"])] == ["Field 1", "Field 2"]
    assert await named_rows(api, body["id"]) == [
        {"Field 1": "Order", "Field 2": "Amount"}, {"Field 1": "A-1", "Field 2": "10"}]


async def test_short_rows_are_padded_with_null(api: Api) -> None:
    database = await api.database()
    body = assert_json(await create(api, database["id"], {
        "name": "Ragged", "data": [["a", "b", "c"], ["d"], []]}), 200)
    assert await named_rows(api, body["id"]) == [
        {"Field 1": "a", "Field 2": "b", "Field 3": "c"},
        {"Field 1": "d", "Field 2": None, "Field 3": None},
        {"Field 1": None, "Field 2": None, "Field 3": None},
    ]


async def test_short_header_is_completed(api: Api) -> None:
    database = await api.database()
    body = assert_json(await create(api, database["id"], {
        "name": "Wide", "data": [["Title"], ["a", "b"]], "first_row_header": True}), 200)
    assert [f["name"] for f in await api.fields(body["id"])] == ["Title", "Field 2"]
    assert await named_rows(api, body["id"]) == [{"Title": "a", "Field 2": "b"}]


async def test_header_names_are_trimmed(api: Api) -> None:
    database = await api.database()
    body = assert_json(await create(api, database["id"], {
        "name": "T", "data": [["  Name  ", 7]], "first_row_header": True}), 200)
    assert [f["name"] for f in await api.fields(body["id"])] == ["Name", "7"]


async def test_header_only_makes_an_empty_table(api: Api) -> None:
    database = await api.database()
    body = assert_json(await create(api, database["id"], {
        "name": "Empty", "data": [["Only"]], "first_row_header": True}), 200)
    assert [f["name"] for f in await api.fields(body["id"])] == ["Only"]
    assert (await api.rows(body["id"]))["count"] == 0


async def test_non_text_values_become_text(api: Api) -> None:
    database = await api.database()
    body = assert_json(await create(api, database["id"], {
        "name": "Mixed", "data": [[10, 1.5, None, True, ["x", 2**70], {"k": "v"}, 2**70]]}),
        200)
    [row] = await named_rows(api, body["id"])
    assert row["Field 1"] == "10"
    assert row["Field 2"] == "1.5"
    assert row["Field 3"] is None
    assert row["Field 4"] == "true"
    assert row["Field 5"] == f'["x", {2**70}]'
    assert row["Field 6"] == '{"k": "v"}'
    assert row["Field 7"] == str(2**70)


@pytest.mark.parametrize(("data", "header", "error"), [
    ([[]], False, "ERROR_INVALID_INITIAL_TABLE_DATA"),
    ([[], []], True, "ERROR_INVALID_INITIAL_TABLE_DATA"),
    (["not a row"], False, "ERROR_INVALID_INITIAL_TABLE_DATA"),
    ([["a"], 5], False, "ERROR_INVALID_INITIAL_TABLE_DATA"),
    ([["a", "a"]], True, "ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES"),
    ([["a", " a "]], True, "ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES"),
    ([["name", "id"]], True, "ERROR_RESERVED_BASEROW_FIELD_NAME"),
    ([["order"]], True, "ERROR_RESERVED_BASEROW_FIELD_NAME"),
    ([["ok", ""]], True, "ERROR_INVALID_BASEROW_FIELD_NAME"),
    ([["ok", "   "]], True, "ERROR_INVALID_BASEROW_FIELD_NAME"),
    ([["ok", None]], True, "ERROR_INVALID_BASEROW_FIELD_NAME"),
    ([["x" * 256]], True, "ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED"),
    ([[str(i) for i in range(601)]], True, "ERROR_MAX_FIELD_COUNT_EXCEEDED"),
    ([["v"] * 601], False, "ERROR_MAX_FIELD_COUNT_EXCEEDED"),
])
async def test_invalid_data_is_refused_and_creates_nothing(
    api: Api, data: list[Any], header: bool, error: str
) -> None:
    database = await api.database()
    response = await create(api, database["id"],
                            {"name": "Bad", "data": data, "first_row_header": header})
    assert assert_json(response, 400)["error"] == error
    assert await tables_of(api, database["id"]) == []


async def test_error_details_from_the_contract(api: Api) -> None:
    database = await api.database()
    cases = {
        "ERROR_INVALID_INITIAL_TABLE_DATA":
            "The provided table data must at least contain one row and one column.",
        "ERROR_RESERVED_BASEROW_FIELD_NAME":
            "The field names id and order are reserved and cannot be used.",
        "ERROR_INVALID_BASEROW_FIELD_NAME":
            "Fields must not be blank or only consist of whitespace.",
    }
    bodies = {
        "ERROR_INVALID_INITIAL_TABLE_DATA": {"data": [[]]},
        "ERROR_RESERVED_BASEROW_FIELD_NAME": {"data": [["id"]], "first_row_header": True},
        "ERROR_INVALID_BASEROW_FIELD_NAME": {"data": [[""]], "first_row_header": True},
    }
    for code, detail in cases.items():
        response = await create(api, database["id"], {"name": "T", **bodies[code]})
        assert assert_json(response, 400) == {"error": code, "detail": detail}


async def test_too_many_rows(api: Api) -> None:
    database = await api.database()
    limit = 5000
    # the header counts as one of the rows, as in Baserow
    response = await create(api, database["id"], {
        "name": "Big", "data": [["Head"]] + [["v"]] * limit, "first_row_header": True})
    body = assert_json(response, 400)
    assert body["error"] == "ERROR_INITIAL_SYNC_TABLE_DATA_LIMIT_EXCEEDED"
    assert str(limit) in body["detail"]
    assert await tables_of(api, database["id"]) == []
    fitting = assert_json(await create(api, database["id"], {
        "name": "Fits", "data": [["Head"]] + [["v"]] * (limit - 1), "first_row_header": True}),
        200)
    assert (await api.rows(fitting["id"], size=1))["count"] == limit - 1


@pytest.mark.parametrize(("body", "field", "code"), [
    ({}, "name", "required"),
    ({"name": ""}, "name", "blank"),
    ({"name": "x" * 256}, "name", "max_length"),
    ({"name": "T", "data": []}, "data", "min_length"),
    ({"name": "T", "data": "a,b"}, "data", "not_a_list"),
    ({"name": "T", "data": [["a"]], "first_row_header": "sometimes"}, "first_row_header",
     "invalid"),
])
async def test_create_body_validation(
    api: Api, body: dict[str, Any], field: str, code: str
) -> None:
    database = await api.database()
    answer = assert_json(await create(api, database["id"], body), 400)
    assert answer["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert [e["code"] for e in answer["detail"][field]] == [code]
    assert await tables_of(api, database["id"]) == []


async def test_get_list_and_update(api: Api) -> None:
    database = await api.database()
    table = await api.table(database["id"], "Before")
    path = f"/api/database/tables/{table['id']}/"
    assert await api.ok("GET", path) == table
    updated = assert_json(await api.patch(path, json={"name": " After "}), 200)
    assert updated == {**table, "name": "After"}
    assert await tables_of(api, database["id"]) == [updated]
    refused = await api.patch(path, json={"name": ""})
    assert assert_json(refused, 400)["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert (await api.ok("GET", path))["name"] == "After"


async def test_order(api: Api) -> None:
    database = await api.database()
    a = await api.table(database["id"], "A")
    b = await api.table(database["id"], "B")
    c = await api.table(database["id"], "C")
    response = await api.post(f"/api/database/tables/database/{database['id']}/order/",
                              json={"table_ids": [b["id"], c["id"], a["id"]]})
    assert response.status_code == 204
    listed = await tables_of(api, database["id"])
    assert [(t["name"], t["order"]) for t in listed] == [("B", 1), ("C", 2), ("A", 3)]


async def test_order_with_a_foreign_table_changes_nothing(api: Api) -> None:
    database = await api.database()
    a = await api.table(database["id"], "A")
    elsewhere = await api.table(None, "Elsewhere")
    for foreign in (elsewhere["id"], 999999):
        response = await api.post(f"/api/database/tables/database/{database['id']}/order/",
                                  json={"table_ids": [foreign, a["id"]]})
        assert assert_json(response, 400) == {
            "error": "ERROR_TABLE_NOT_IN_DATABASE",
            "detail": f"The table id {foreign} does not belong to the database.",
        }
    assert [t["name"] for t in await tables_of(api, database["id"])] == ["A"]


async def test_delete_drops_the_table_and_its_rows(app: Any, api: Api) -> None:
    database = await api.database()
    table = await api.table(database["id"], data=[["Name"], ["a"], ["b"]])
    keep = await api.table(database["id"], "Keep")
    assert await sql_table_exists(app, table["id"])
    response = await api.delete(f"/api/database/tables/{table['id']}/")
    assert response.status_code == 204
    assert response.content == b""
    assert not await sql_table_exists(app, table["id"])
    assert await tables_of(api, database["id"]) == [keep]
    for gone in [await api.get(f"/api/database/tables/{table['id']}/"),
                 await api.get(f"/api/database/rows/table/{table['id']}/"),
                 await api.get(f"/api/database/fields/table/{table['id']}/"),
                 await api.delete(f"/api/database/tables/{table['id']}/")]:
        assert assert_json(gone, 404) == NO_TABLE


async def test_other_users_tables_are_refused(api: Api, other_api: Api) -> None:
    database = await api.database()
    table = await api.table(database["id"], "Private")
    path = f"/api/database/tables/{table['id']}/"
    db_path = f"/api/database/tables/database/{database['id']}/"
    for response in [
        await other_api.get(path),
        await other_api.patch(path, json={"name": "Hacked"}),
        await other_api.delete(path),
        await other_api.get(db_path),
        await other_api.post(db_path, json={"name": "Intruder"}),
        await other_api.post(f"{db_path}order/", json={"table_ids": [table["id"]]}),
    ]:
        assert assert_json(response, 400) == NOT_IN_GROUP
    assert await tables_of(api, database["id"]) == [table]


@pytest.mark.parametrize("table_id", [999999, 2**31, 10**30])
async def test_unknown_table(api: Api, table_id: int) -> None:
    path = f"/api/database/tables/{table_id}/"
    assert assert_json(await api.get(path), 404) == NO_TABLE
    assert assert_json(await api.patch(path, json={"name": "x"}), 404) == NO_TABLE
    assert assert_json(await api.delete(path), 404) == NO_TABLE


async def test_unknown_database(api: Api) -> None:
    for response in [
        await api.get("/api/database/tables/database/999999/"),
        await api.post("/api/database/tables/database/999999/", json={"name": "x"}),
        await api.post("/api/database/tables/database/999999/order/", json={"table_ids": []}),
    ]:
        assert assert_json(response, 404)["error"] == "ERROR_APPLICATION_DOES_NOT_EXIST"
