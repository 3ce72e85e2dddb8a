"""Field management over HTTP: shapes of transcripts 14-17 and 22-24, 15 and 75, name
rules, type changes that convert the stored data, and refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.asserts import assert_json
from tests.conftest import Api

COMMON_KEYS = ["id", "table_id", "name", "order", "type", "primary", "read_only",
               "immutable_type", "immutable_properties", "description", "database_id",
               "workspace_id", "db_index", "field_constraints"]
NO_FIELD = {"error": "ERROR_FIELD_DOES_NOT_EXIST", "detail": "The requested field does not exist."}


async def orders_table(api: Api) -> dict[str, Any]:
    """The table of transcript 11: Order and Amount, two rows."""
    return await api.table(name="Orders",
                           data=[["Order", "Amount"], ["A-1", "10"], ["A-2", "20"]])


async def column(api: Api, table_id: int, name: str) -> list[Any]:
    rows = (await api.rows(table_id, user_field_names="true"))["results"]
    return [row[name] for row in rows]


async def snapshot(api: Api, table_id: int) -> tuple[Any, Any]:
    """Everything a refused change must leave as it was: fields and rows."""
    return await api.fields(table_id), (await api.rows(table_id))["results"]


def expected(table: dict[str, Any], workspace_id: int, **values: Any) -> dict[str, Any]:
    base = {"table_id": table["id"], "primary": False, "read_only": False,
            "immutable_type": False, "immutable_properties": False, "description": None,
            "database_id": table["database_id"], "workspace_id": workspace_id,
            "db_index": False, "field_constraints": []}
    return {**base, **values}


async def workspace_of(api: Api, table: dict[str, Any]) -> int:
    database = await api.ok("GET", f"/api/applications/{table['database_id']}/")
    workspace_id: int = database["workspace"]["id"]
    return workspace_id


async def test_list_matches_transcript_14(api: Api) -> None:
    table = await orders_table(api)
    workspace_id = await workspace_of(api, table)
    order, amount = await api.fields(table["id"])
    assert list(order) == [*COMMON_KEYS, "text_default"]
    assert order == expected(table, workspace_id, id=order["id"], name="Order", order=0,
                             type="text", primary=True, text_default="")
    assert amount == expected(table, workspace_id, id=amount["id"], name="Amount", order=1,
                              type="text", text_default="")


async def test_create_text_matches_transcript_16(api: Api) -> None:
    table = await orders_table(api)
    workspace_id = await workspace_of(api, table)
    response = await api.post(f"/api/database/fields/table/{table['id']}/",
                              json={"name": "Notes", "type": "text"})
    body = assert_json(response, 200)
    assert list(body) == [*COMMON_KEYS, "related_fields", "text_default"]
    assert body == expected(table, workspace_id, id=body["id"], name="Notes", order=2,
                            type="text", related_fields=[], text_default="")
    assert await column(api, table["id"], "Notes") == [None, None]


async def test_create_number_matches_transcript_17(api: Api) -> None:
    table = await orders_table(api)
    workspace_id = await workspace_of(api, table)
    body = assert_json(await api.post(f"/api/database/fields/table/{table['id']}/", json={
        "name": "Quantity", "type": "number", "number_decimal_places": 2,
        "number_negative": False}), 200)
    assert body == expected(
        table, workspace_id, id=body["id"], name="Quantity", order=2, type="number",
        related_fields=[], number_decimal_places=2, number_negative=False, number_prefix="",
        number_suffix="", number_separator="", number_default=None)


async def test_create_boolean_matches_transcript_18(api: Api) -> None:
    table = await orders_table(api)
    body = await api.field(table["id"], name="Paid", type="boolean")
    assert body["type"] == "boolean"
    assert body["boolean_default"] is False
    assert list(body)[-2:] == ["related_fields", "boolean_default"]
    assert await column(api, table["id"], "Paid") == [False, False]


async def test_get_field_has_no_related_fields(api: Api) -> None:
    table = await orders_table(api)
    created = await api.field(table["id"], name="Notes", type="text", description="Why")
    body = assert_json(await api.get(f"/api/database/fields/{created['id']}/"), 200)
    assert "related_fields" not in body
    assert body == {k: v for k, v in created.items() if k != "related_fields"}
    assert body["description"] == "Why"


async def test_invalid_type_matches_transcript_22(api: Api) -> None:
    table = await orders_table(api)
    before = await snapshot(api, table["id"])
    response = await api.post(f"/api/database/fields/table/{table['id']}/",
                              json={"name": "Bad", "type": "no_such_type"})
    assert assert_json(response, 400) == {
        "error": "ERROR_REQUEST_BODY_VALIDATION",
        "detail": {"type": [{"error": '"no_such_type" is not a valid choice.',
                             "code": "invalid_choice"}]},
    }
    assert await snapshot(api, table["id"]) == before


async def test_duplicate_name_matches_transcript_23(api: Api) -> None:
    table = await orders_table(api)
    before = await snapshot(api, table["id"])
    for name in ("Amount", " Amount "):
        response = await api.post(f"/api/database/fields/table/{table['id']}/",
                                  json={"name": name, "type": "text"})
        assert assert_json(response, 400) == {
            "error": "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS",
            "detail": "You cannot have two fields with the same name in the same table, "
                      "please choose a unique name for each field.",
        }
    assert await snapshot(api, table["id"]) == before


@pytest.mark.parametrize(("name", "error"), [
    ("id", "ERROR_RESERVED_BASEROW_FIELD_NAME"),
    ("order", "ERROR_RESERVED_BASEROW_FIELD_NAME"),
    ("", "ERROR_INVALID_BASEROW_FIELD_NAME"),
    ("   ", "ERROR_INVALID_BASEROW_FIELD_NAME"),
    ("x" * 256, "ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED"),
])
async def test_bad_names_on_create_and_rename(api: Api, name: str, error: str) -> None:
    table = await orders_table(api)
    amount = (await api.fields(table["id"]))[1]
    before = await snapshot(api, table["id"])
    created = await api.post(f"/api/database/fields/table/{table['id']}/",
                             json={"name": name, "type": "text"})
    assert assert_json(created, 400)["error"] == error
    renamed = await api.patch(f"/api/database/fields/{amount['id']}/", json={"name": name})
    assert assert_json(renamed, 400)["error"] == error
    assert await snapshot(api, table["id"]) == before


async def test_name_of_exactly_255_characters(api: Api) -> None:
    table = await orders_table(api)
    assert (await api.field(table["id"], name="n" * 255, type="text"))["name"] == "n" * 255


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"type": "text"}, "name", "required"),
    ({"name": "X"}, "type", "required"),
    ({"name": 5, "type": "text", "description": ["no"]}, "description", "invalid"),
    ({"name": "X", "type": "text", "db_index": "sometimes"}, "db_index", "invalid"),
    ({"name": ["X"], "type": "text"}, "name", "invalid"),
    ({"name": "X", "type": ["text"]}, "type", "invalid_choice"),
    ({"name": "X", "type": "number", "number_decimal_places": "two"},
     "number_decimal_places", "invalid"),
    ({"name": "X\x00", "type": "text"}, "name", "null_characters_not_allowed"),
    ({"name": "X", "type": "text", "description": "\x00"}, "description",
     "null_characters_not_allowed"),
    ({"name": "X", "type": "text", "text_default": "a\x00"}, "text_default",
     "null_characters_not_allowed"),
    ({"name": "X", "type": "number", "number_suffix": "\x00"}, "number_suffix",
     "null_characters_not_allowed"),
])
async def test_create_body_validation(
    api: Api, body: dict[str, Any], field: str, code: str
) -> None:
    table = await orders_table(api)
    before = await snapshot(api, table["id"])
    response = await api.post(f"/api/database/fields/table/{table['id']}/", json=body)
    answer = assert_json(response, 400)
    assert answer["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert [e["code"] for e in answer["detail"][field]] == [code]
    assert await snapshot(api, table["id"]) == before


async def test_rename_matches_transcript_24(api: Api) -> None:
    table = await orders_table(api)
    workspace_id = await workspace_of(api, table)
    notes = await api.field(table["id"], name="Notes", type="text")
    response = await api.patch(f"/api/database/fields/{notes['id']}/", json={"name": "Note"})
    body = assert_json(response, 200)
    assert list(body) == [*COMMON_KEYS, "related_fields", "text_default"]
    assert body == expected(table, workspace_id, id=notes["id"], name="Note", order=2,
                            type="text", related_fields=[], text_default="")
    assert [f["name"] for f in await api.fields(table["id"])] == ["Order", "Amount", "Note"]


async def test_rename_keeps_the_data(api: Api) -> None:
    table = await orders_table(api)
    amount = (await api.fields(table["id"]))[1]
    await api.ok("PATCH", f"/api/database/fields/{amount['id']}/", json={"name": "Total"})
    assert await column(api, table["id"], "Total") == ["10", "20"]
    same = await api.patch(f"/api/database/fields/{amount['id']}/", json={"name": "Total"})
    assert same.status_code == 200


async def test_rename_to_an_existing_name_is_refused(api: Api) -> None:
    table = await orders_table(api)
    amount = (await api.fields(table["id"]))[1]
    before = await snapshot(api, table["id"])
    response = await api.patch(f"/api/database/fields/{amount['id']}/", json={"name": "Order"})
    assert assert_json(response, 400)["error"] == "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS"
    assert await snapshot(api, table["id"]) == before


async def test_empty_patch_changes_nothing(api: Api) -> None:
    table = await orders_table(api)
    amount = (await api.fields(table["id"]))[1]
    before = await snapshot(api, table["id"])
    body = assert_json(await api.patch(f"/api/database/fields/{amount['id']}/", json={}), 200)
    assert body["name"] == "Amount" and body["type"] == "text"
    assert await snapshot(api, table["id"]) == before


async def test_delete_matches_transcript_15(api: Api) -> None:
    table = await orders_table(api)
    amount = (await api.fields(table["id"]))[1]
    response = await api.delete(f"/api/database/fields/{amount['id']}/")
    assert assert_json(response, 200) == {"related_fields": []}
    assert [f["name"] for f in await api.fields(table["id"])] == ["Order"]
    rows = (await api.rows(table["id"], user_field_names="true"))["results"]
    assert [sorted(r) for r in rows] == [["Order", "id", "order"]] * 2
    assert [r["Order"] for r in rows] == ["A-1", "A-2"]
    again = await api.delete(f"/api/database/fields/{amount['id']}/")
    assert assert_json(again, 404) == NO_FIELD


@pytest.mark.parametrize("field_id", [999999, 2**31, 10**30])
async def test_unknown_field_matches_transcript_75(api: Api, field_id: int) -> None:
    path = f"/api/database/fields/{field_id}/"
    assert assert_json(await api.delete(path), 404) == NO_FIELD
    assert assert_json(await api.get(path), 404) == NO_FIELD
    assert assert_json(await api.patch(path, json={"name": "x"}), 404) == NO_FIELD


async def test_cannot_delete_primary(api: Api) -> None:
    table = await orders_table(api)
    primary = (await api.fields(table["id"]))[0]
    before = await snapshot(api, table["id"])
    response = await api.delete(f"/api/database/fields/{primary['id']}/")
    assert assert_json(response, 400) == {"error": "ERROR_CANNOT_DELETE_PRIMARY_FIELD",
                                          "detail": ""}
    assert await snapshot(api, table["id"]) == before


async def test_primary_cannot_become_a_link(api: Api) -> None:
    table = await orders_table(api)
    primary = (await api.fields(table["id"]))[0]
    before = await snapshot(api, table["id"])
    response = await api.patch(f"/api/database/fields/{primary['id']}/",
                               json={"type": "link_row", "link_row_table_id": table["id"]})
    assert assert_json(response, 400)["error"] == "ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE"
    assert await snapshot(api, table["id"]) == before


# -- type changes convert the stored data --------------------------------------------------------


async def test_text_to_number_and_back(api: Api) -> None:
    table = await api.table(data=[["Name", "Value"], ["a", "12"], ["b", "abc"], ["c", None],
                                  ["d", " 7 "]])
    value = (await api.fields(table["id"]))[1]
    body = await api.ok("PATCH", f"/api/database/fields/{value['id']}/", json={"type": "number"})
    assert body["type"] == "number"
    assert body["number_decimal_places"] == 0
    assert list(body)[:len(COMMON_KEYS) + 1] == [*COMMON_KEYS, "related_fields"]
    assert await column(api, table["id"], "Value") == ["12", None, None, "7"]
    await api.ok("PATCH", f"/api/database/fields/{value['id']}/", json={"type": "text"})
    assert await column(api, table["id"], "Value") == ["12", None, None, "7"]


async def test_number_with_decimals_to_text(api: Api) -> None:
    table = await api.table(data=[["Name"], ["a"], ["b"]])
    price = await api.field(table["id"], name="Price", type="number", number_decimal_places=2)
    rows = (await api.rows(table["id"]))["results"]
    await api.ok("PATCH", f"/api/database/rows/table/{table['id']}/{rows[0]['id']}/",
                 json={f"field_{price['id']}": "3.5"})
    await api.ok("PATCH", f"/api/database/fields/{price['id']}/", json={"type": "text"})
    assert await column(api, table["id"], "Price") == ["3.50", None]


async def test_text_to_boolean(api: Api) -> None:
    table = await api.table(data=[["Name", "Flag"], ["a", "yes"], ["b", "no"], ["c", "true"],
                                  ["d", ""], ["e", None], ["f", "1"]])
    flag = (await api.fields(table["id"]))[1]
    body = await api.ok("PATCH", f"/api/database/fields/{flag['id']}/", json={"type": "boolean"})
    assert body["type"] == "boolean"
    assert await column(api, table["id"], "Flag") == [True, False, True, False, False, True]


async def test_boolean_to_text(api: Api) -> None:
    table = await api.table(data=[["Name"], ["a"], ["b"]])
    flag = await api.field(table["id"], name="Flag", type="boolean")
    rows = (await api.rows(table["id"]))["results"]
    await api.ok("PATCH", f"/api/database/rows/table/{table['id']}/{rows[0]['id']}/",
                 json={f"field_{flag['id']}": True})
    await api.ok("PATCH", f"/api/database/fields/{flag['id']}/", json={"type": "text"})
    assert await column(api, table["id"], "Flag") == ["true", "false"]


async def test_type_change_with_rename_at_once(api: Api) -> None:
    table = await orders_table(api)
    amount = (await api.fields(table["id"]))[1]
    body = await api.ok("PATCH", f"/api/database/fields/{amount['id']}/",
                        json={"name": "Total", "type": "number", "number_decimal_places": 1})
    assert (body["name"], body["type"], body["number_decimal_places"]) == ("Total", "number", 1)
    assert await column(api, table["id"], "Total") == ["10.0", "20.0"]


@pytest.mark.parametrize("body", [
    {"type": "no_such_type"},
    {"type": "number", "number_decimal_places": "lots"},
    {"type": "number", "number_negative": "perhaps"},
    {"type": None},
    {"name": "Order", "type": "number"},
    {"name": "", "type": "number"},
    {"type": "number", "db_index": "x"},
])
async def test_refused_type_change_leaves_table_intact(api: Api, body: dict[str, Any]) -> None:
    table = await orders_table(api)
    amount = (await api.fields(table["id"]))[1]
    before = await snapshot(api, table["id"])
    response = await api.patch(f"/api/database/fields/{amount['id']}/", json=body)
    assert assert_json(response, 400)["error"].startswith("ERROR_")
    assert await snapshot(api, table["id"]) == before
    # the table still works for writes after the refusal
    created = await api.create_row(table["id"], {"Amount": "30"}, user_field_names=True)
    assert created.status_code == 200
    assert await column(api, table["id"], "Amount") == ["10", "20", "30"]


# -- who may do it ------------------------------------------------------------------------------


async def test_other_users_fields_are_refused(api: Api, other_api: Api) -> None:
    table = await orders_table(api)
    amount = (await api.fields(table["id"]))[1]
    before = await snapshot(api, table["id"])
    field_path = f"/api/database/fields/{amount['id']}/"
    table_path = f"/api/database/fields/table/{table['id']}/"
    for response in [
        await other_api.get(table_path),
        await other_api.post(table_path, json={"name": "Intruder", "type": "text"}),
        await other_api.get(field_path),
        await other_api.patch(field_path, json={"name": "Hacked"}),
        await other_api.delete(field_path),
    ]:
        assert assert_json(response, 400) == {"error": "ERROR_USER_NOT_IN_GROUP", "detail": ""}
    assert await snapshot(api, table["id"]) == before


@pytest.mark.parametrize("table_id", [999999, 2**31])
async def test_fields_of_unknown_table(api: Api, table_id: int) -> None:
    path = f"/api/database/fields/table/{table_id}/"
    for response in [await api.get(path),
                     await api.post(path, json={"name": "X", "type": "text"})]:
        assert assert_json(response, 404) == {
            "error": "ERROR_TABLE_DOES_NOT_EXIST",
            "detail": "The requested table does not exist."}


async def test_field_endpoints_need_credentials(api: Api) -> None:
    table = await orders_table(api)
    amount = (await api.fields(table["id"]))[1]
    for method, path in [("GET", f"/api/database/fields/table/{table['id']}/"),
                         ("POST", f"/api/database/fields/table/{table['id']}/"),
                         ("GET", f"/api/database/fields/{amount['id']}/"),
                         ("PATCH", f"/api/database/fields/{amount['id']}/"),
                         ("DELETE", f"/api/database/fields/{amount['id']}/")]:
        response = await api.client.request(method, path, json={"name": "X", "type": "text"})
        assert assert_json(response, 401) == {
            "detail": "Authentication credentials were not provided."}
    assert [f["name"] for f in await api.fields(table["id"])] == ["Order", "Amount"]
