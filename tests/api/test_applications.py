"""Databases (applications) over HTTP: the shapes of transcripts 08-09, ordering, and what
other users are told."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.asserts import assert_json
from tests.conftest import Api

APP_KEYS = ["id", "name", "order", "type", "workspace", "created_on", "tables"]
NOT_IN_GROUP = {"error": "ERROR_USER_NOT_IN_GROUP", "detail": ""}
NO_APP = {"error": "ERROR_APPLICATION_DOES_NOT_EXIST",
          "detail": "The requested application does not exist."}


async def in_workspace(api: Api, workspace_id: int) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = await api.ok(
        "GET", f"/api/applications/workspace/{workspace_id}/")
    return result


async def test_create_answers_transcript_shape(api: Api) -> None:
    workspace = await api.workspace("Reference workspace")
    response = await api.post(f"/api/applications/workspace/{workspace['id']}/",
                              json={"type": "database", "name": "Reference DB"})
    body = assert_json(response, 200)
    assert list(body) == APP_KEYS
    assert body["name"] == "Reference DB"
    assert body["type"] == "database"
    assert body["order"] == 1
    assert body["tables"] == []
    assert body["workspace"] == {"id": workspace["id"], "name": "Reference workspace",
                                 "generative_ai_models_enabled": {}}
    assert body["created_on"].endswith("Z")
    assert await in_workspace(api, workspace["id"]) == [body]
    assert await api.ok("GET", f"/api/applications/{body['id']}/") == body


async def test_init_with_data_creates_an_example_table(api: Api) -> None:
    workspace = await api.workspace()
    body = await api.ok("POST", f"/api/applications/workspace/{workspace['id']}/",
                        json={"type": "database", "name": "Seeded", "init_with_data": True})
    [table] = body["tables"]
    assert table["name"] == "Table"
    assert [f["name"] for f in await api.fields(table["id"])] == ["Name", "Notes", "Active"]
    assert (await api.rows(table["id"]))["count"] == 2


async def test_list_all_and_per_workspace(api: Api, other_api: Api) -> None:
    first = await api.workspace("First")
    second = await api.workspace("Second")
    a = await api.database(first["id"], "A")
    b = await api.database(first["id"], "B")
    c = await api.database(second["id"], "C")
    await other_api.database(None, "Not mine")
    everything = await api.ok("GET", "/api/applications/")
    assert sorted(app["id"] for app in everything) == sorted([a["id"], b["id"], c["id"]])
    assert [app["name"] for app in await in_workspace(api, first["id"])] == ["A", "B"]
    assert [app["order"] for app in await in_workspace(api, first["id"])] == [1, 2]
    assert [app["name"] for app in await in_workspace(api, second["id"])] == ["C"]


async def test_tables_are_listed_in_their_database(api: Api) -> None:
    database = await api.database()
    one = await api.table(database["id"], "One")
    two = await api.table(database["id"], "Two")
    body = await api.ok("GET", f"/api/applications/{database['id']}/")
    assert body["tables"] == [
        {"id": one["id"], "name": "One", "order": 1, "database_id": database["id"],
         "data_sync": None},
        {"id": two["id"], "name": "Two", "order": 2, "database_id": database["id"],
         "data_sync": None},
    ]


async def test_update(api: Api) -> None:
    database = await api.database(name="Before")
    response = await api.patch(f"/api/applications/{database['id']}/", json={"name": " After "})
    body = assert_json(response, 200)
    assert body == {**database, "name": "After"}
    assert (await api.ok("GET", f"/api/applications/{database['id']}/"))["name"] == "After"


@pytest.mark.parametrize(("body", "field", "code"), [
    ({}, "name", "required"),
    ({"name": ""}, "name", "blank"),
    ({"name": "x" * 161}, "name", "max_length"),
    ({"name": None}, "name", "null"),
])
async def test_update_validation_changes_nothing(
    api: Api, body: dict[str, Any], field: str, code: str
) -> None:
    database = await api.database(name="Kept")
    answer = assert_json(await api.patch(f"/api/applications/{database['id']}/", json=body), 400)
    assert answer["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert [e["code"] for e in answer["detail"][field]] == [code]
    assert (await api.ok("GET", f"/api/applications/{database['id']}/"))["name"] == "Kept"


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"type": "database"}, "name", "required"),
    ({"name": "x"}, "type", "required"),
    ({"name": "x", "type": "no_such_type"}, "type", "invalid_choice"),
    ({"name": "x", "type": None}, "type", "null"),
    ({"name": "x", "type": "database", "init_with_data": "perhaps"}, "init_with_data",
     "invalid"),
])
async def test_create_validation(
    api: Api, body: dict[str, Any], field: str, code: str
) -> None:
    workspace = await api.workspace()
    response = await api.post(f"/api/applications/workspace/{workspace['id']}/", json=body)
    answer = assert_json(response, 400)
    assert answer["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert [e["code"] for e in answer["detail"][field]] == [code]
    assert await in_workspace(api, workspace["id"]) == []


async def test_unknown_type_message(api: Api) -> None:
    workspace = await api.workspace()
    response = await api.post(f"/api/applications/workspace/{workspace['id']}/",
                              json={"name": "x", "type": "no_such_type"})
    assert assert_json(response, 400)["detail"] == {"type": [
        {"error": '"no_such_type" is not a valid choice.', "code": "invalid_choice"}]}


@pytest.mark.parametrize("kind", ["builder", "dashboard"])
async def test_other_baserow_application_types_are_not_supported(api: Api, kind: str) -> None:
    workspace = await api.workspace()
    response = await api.post(f"/api/applications/workspace/{workspace['id']}/",
                              json={"name": "x", "type": kind})
    assert assert_json(response, 400)["error"] == "ERROR_APPLICATION_TYPE_DOES_NOT_EXIST"
    assert await in_workspace(api, workspace["id"]) == []


async def test_delete(api: Api) -> None:
    database = await api.database()
    table = await api.table(database["id"])
    response = await api.delete(f"/api/applications/{database['id']}/")
    assert response.status_code == 204
    assert response.content == b""
    assert assert_json(await api.get(f"/api/applications/{database['id']}/"), 404) == NO_APP
    gone = await api.get(f"/api/database/tables/{table['id']}/")
    assert assert_json(gone, 404)["error"] == "ERROR_TABLE_DOES_NOT_EXIST"
    again = await api.delete(f"/api/applications/{database['id']}/")
    assert assert_json(again, 404) == NO_APP


async def test_order(api: Api) -> None:
    workspace = await api.workspace()
    a = await api.database(workspace["id"], "A")
    b = await api.database(workspace["id"], "B")
    c = await api.database(workspace["id"], "C")
    response = await api.post(f"/api/applications/workspace/{workspace['id']}/order/",
                              json={"application_ids": [c["id"], a["id"], b["id"]]})
    assert response.status_code == 204
    listed = await in_workspace(api, workspace["id"])
    assert [app["name"] for app in listed] == ["C", "A", "B"]
    assert [app["order"] for app in listed] == [1, 2, 3]


async def test_order_with_a_foreign_database_changes_nothing(api: Api) -> None:
    workspace = await api.workspace()
    a = await api.database(workspace["id"], "A")
    b = await api.database(workspace["id"], "B")
    elsewhere = await api.database(None, "Elsewhere")
    for foreign in (elsewhere["id"], 999999, 2**40):
        response = await api.post(f"/api/applications/workspace/{workspace['id']}/order/",
                                  json={"application_ids": [b["id"], foreign, a["id"]]})
        assert assert_json(response, 400) == {
            "error": "ERROR_APPLICATION_NOT_IN_GROUP",
            "detail": f"The application id {foreign} does not belong to the group.",
        }
    assert [app["name"] for app in await in_workspace(api, workspace["id"])] == ["A", "B"]


@pytest.mark.parametrize("body", [{}, {"application_ids": [1.5]}, {"application_ids": "1"},
                                  {"application_ids": [{"id": 1}]}])
async def test_order_validation(api: Api, body: dict[str, Any]) -> None:
    workspace = await api.workspace()
    response = await api.post(f"/api/applications/workspace/{workspace['id']}/order/", json=body)
    assert assert_json(response, 400)["error"] == "ERROR_REQUEST_BODY_VALIDATION"


async def test_other_users_database_is_refused(api: Api, other_api: Api) -> None:
    workspace = await api.workspace()
    database = await api.database(workspace["id"], "Private")
    app_path = f"/api/applications/{database['id']}/"
    ws_path = f"/api/applications/workspace/{workspace['id']}/"
    for response in [
        await other_api.get(app_path),
        await other_api.patch(app_path, json={"name": "Hacked"}),
        await other_api.delete(app_path),
        await other_api.get(ws_path),
        await other_api.post(ws_path, json={"name": "Intruder", "type": "database"}),
        await other_api.post(f"{ws_path}order/", json={"application_ids": [database["id"]]}),
    ]:
        assert assert_json(response, 400) == NOT_IN_GROUP
    assert [app["name"] for app in await in_workspace(api, workspace["id"])] == ["Private"]
    assert await other_api.ok("GET", "/api/applications/") == []


@pytest.mark.parametrize("application_id", [999999, 2**31, 10**30])
async def test_unknown_database(api: Api, application_id: int) -> None:
    path = f"/api/applications/{application_id}/"
    assert assert_json(await api.get(path), 404) == NO_APP
    assert assert_json(await api.patch(path, json={"name": "x"}), 404) == NO_APP
    assert assert_json(await api.delete(path), 404) == NO_APP


async def test_unknown_workspace(api: Api) -> None:
    for response in [
        await api.get("/api/applications/workspace/999999/"),
        await api.post("/api/applications/workspace/999999/",
                       json={"name": "x", "type": "database"}),
        await api.post("/api/applications/workspace/999999/order/",
                       json={"application_ids": []}),
    ]:
        assert assert_json(response, 404)["error"] == "ERROR_GROUP_DOES_NOT_EXIST"
