"""Workspaces over HTTP: the shapes of transcripts 05-07, ordering, leaving, deleting, and
what other users are told."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.asserts import assert_json
from tests.conftest import Api

WORKSPACE_KEYS = ["id", "name", "users", "order", "permissions", "generative_ai_models_enabled"]
MEMBER_KEYS = ["id", "name", "email", "workspace", "permissions", "created_on", "user_id",
               "to_be_deleted"]
NOT_IN_GROUP = {"error": "ERROR_USER_NOT_IN_GROUP", "detail": ""}
NO_GROUP = {"error": "ERROR_GROUP_DOES_NOT_EXIST",
            "detail": "The requested workspace does not exist."}


async def listed(api: Api) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = await api.ok("GET", "/api/workspaces/")
    return result


async def test_new_user_has_no_workspaces(api: Api) -> None:
    assert await listed(api) == []


async def test_create_answers_transcript_shape(api: Api) -> None:
    response = await api.post("/api/workspaces/", json={"name": "Reference workspace"})
    body = assert_json(response, 200)
    assert list(body) == WORKSPACE_KEYS
    assert body["name"] == "Reference workspace"
    assert body["permissions"] == "ADMIN"
    assert body["generative_ai_models_enabled"] == {}
    assert body["order"] == 1
    [member] = body["users"]
    assert list(member) == MEMBER_KEYS
    assert member["name"] == api.user["first_name"]
    assert member["email"] == api.user["username"]
    assert member["workspace"] == body["id"]
    assert member["permissions"] == "ADMIN"
    assert member["user_id"] == api.user["id"]
    assert member["to_be_deleted"] is False
    assert member["created_on"].endswith("Z") and len(member["created_on"]) == 27


async def test_list_adds_unread_count(api: Api) -> None:
    first = await api.workspace("First")
    second = await api.workspace("Second")
    workspaces = await listed(api)
    assert [w["id"] for w in workspaces] == [first["id"], second["id"]]
    assert [w["order"] for w in workspaces] == [1, 2]
    for item in workspaces:
        assert list(item) == [*WORKSPACE_KEYS[:5], "unread_notifications_count",
                              "generative_ai_models_enabled"]
        assert item["unread_notifications_count"] == 0
        assert item["permissions"] == "ADMIN"
        assert [u["user_id"] for u in item["users"]] == [api.user["id"]]


async def test_workspaces_are_private(api: Api, other_api: Api) -> None:
    await api.workspace("Mine")
    assert await listed(other_api) == []


async def test_name_is_trimmed(api: Api) -> None:
    body = await api.workspace("  Padded  ")
    assert body["name"] == "Padded"


@pytest.mark.parametrize(("body", "code"), [
    ({}, "required"),
    ({"name": ""}, "blank"),
    ({"name": "   "}, "blank"),
    ({"name": None}, "null"),
    ({"name": "x" * 166}, "max_length"),
    ({"name": ["list"]}, "invalid"),
    ({"name": {"a": 1}}, "invalid"),
])
async def test_create_validation(api: Api, body: dict[str, Any], code: str) -> None:
    answer = assert_json(await api.post("/api/workspaces/", json=body), 400)
    assert answer["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert [e["code"] for e in answer["detail"]["name"]] == [code]
    assert await listed(api) == []


async def test_name_of_exactly_max_length(api: Api) -> None:
    assert (await api.workspace("x" * 165))["name"] == "x" * 165


async def test_update(api: Api) -> None:
    workspace = await api.workspace("Old")
    response = await api.patch(f"/api/workspaces/{workspace['id']}/", json={"name": "New"})
    assert assert_json(response, 200) == {
        "id": workspace["id"], "name": "New", "generative_ai_models_enabled": {}}
    assert [w["name"] for w in await listed(api)] == ["New"]


async def test_update_validation_changes_nothing(api: Api) -> None:
    workspace = await api.workspace("Kept")
    for body in ({}, {"name": ""}, {"name": "x" * 200}):
        response = await api.patch(f"/api/workspaces/{workspace['id']}/", json=body)
        assert assert_json(response, 400)["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert [w["name"] for w in await listed(api)] == ["Kept"]


async def test_other_user_cannot_touch_a_workspace(api: Api, other_api: Api) -> None:
    workspace = await api.workspace("Private")
    wid = workspace["id"]
    patched = await other_api.patch(f"/api/workspaces/{wid}/", json={"name": "Hacked"})
    assert assert_json(patched, 400) == NOT_IN_GROUP
    deleted = await other_api.delete(f"/api/workspaces/{wid}/")
    assert assert_json(deleted, 400) == NOT_IN_GROUP
    left = await other_api.post(f"/api/workspaces/{wid}/leave/")
    assert assert_json(left, 400) == NOT_IN_GROUP
    assert [w["name"] for w in await listed(api)] == ["Private"]


@pytest.mark.parametrize("workspace_id", [999999, 2**31, 10**30])
async def test_unknown_workspace(api: Api, workspace_id: int) -> None:
    path = f"/api/workspaces/{workspace_id}/"
    assert assert_json(await api.patch(path, json={"name": "x"}), 404) == NO_GROUP
    assert assert_json(await api.delete(path), 404) == NO_GROUP
    assert assert_json(await api.post(f"{path}leave/"), 404) == NO_GROUP


async def test_delete_removes_workspace_and_contents(api: Api) -> None:
    workspace = await api.workspace("Doomed")
    database = await api.database(workspace["id"])
    table = await api.table(database["id"])
    response = await api.delete(f"/api/workspaces/{workspace['id']}/")
    assert response.status_code == 204
    assert response.content == b""
    assert await listed(api) == []
    gone = await api.get(f"/api/applications/{database['id']}/")
    assert assert_json(gone, 404)["error"] == "ERROR_APPLICATION_DOES_NOT_EXIST"
    gone_table = await api.get(f"/api/database/tables/{table['id']}/")
    assert assert_json(gone_table, 404)["error"] == "ERROR_TABLE_DOES_NOT_EXIST"
    again = await api.delete(f"/api/workspaces/{workspace['id']}/")
    assert assert_json(again, 404) == NO_GROUP


async def test_order(api: Api, other_api: Api) -> None:
    a = await api.workspace("A")
    b = await api.workspace("B")
    c = await api.workspace("C")
    foreign = await other_api.workspace("Foreign")
    response = await api.post("/api/workspaces/order/",
                              json={"workspaces": [c["id"], a["id"], b["id"], foreign["id"]]})
    assert response.status_code == 204
    assert response.content == b""
    workspaces = await listed(api)
    assert [w["name"] for w in workspaces] == ["C", "A", "B"]
    assert [w["order"] for w in workspaces] == [1, 2, 3]
    # another user's workspace in the list is ignored, and its order left alone
    assert [(w["name"], w["order"]) for w in await listed(other_api)] == [("Foreign", 1)]


async def test_order_ignores_unknown_ids(api: Api) -> None:
    a = await api.workspace("A")
    b = await api.workspace("B")
    response = await api.post("/api/workspaces/order/",
                              json={"workspaces": [b["id"], 999999, 2**40, a["id"]]})
    assert response.status_code == 204
    assert [w["name"] for w in await listed(api)] == ["B", "A"]


@pytest.mark.parametrize("body", [{}, {"workspaces": "1,2"}, {"workspaces": ["x"]},
                                  {"workspaces": None}, {"workspaces": [None]}])
async def test_order_validation(api: Api, body: dict[str, Any]) -> None:
    response = await api.post("/api/workspaces/order/", json=body)
    assert assert_json(response, 400)["error"] == "ERROR_REQUEST_BODY_VALIDATION"


async def test_last_admin_cannot_leave(api: Api) -> None:
    workspace = await api.workspace("Mine")
    response = await api.post(f"/api/workspaces/{workspace['id']}/leave/")
    assert assert_json(response, 400)["error"] == "ERROR_GROUP_USER_IS_LAST_ADMIN"
    assert [w["id"] for w in await listed(api)] == [workspace["id"]]


async def test_workspace_endpoints_need_a_user(api: Api) -> None:
    workspace = await api.workspace()
    for method, path in [("GET", "/api/workspaces/"), ("POST", "/api/workspaces/"),
                         ("PATCH", f"/api/workspaces/{workspace['id']}/"),
                         ("DELETE", f"/api/workspaces/{workspace['id']}/"),
                         ("POST", "/api/workspaces/order/"),
                         ("POST", f"/api/workspaces/{workspace['id']}/leave/")]:
        response = await api.client.request(method, path, json={"name": "x"})
        assert assert_json(response, 401) == {
            "detail": "Authentication credentials were not provided."}
    assert [w["name"] for w in await listed(api)] == ["Workspace"]
