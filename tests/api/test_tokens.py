"""Database tokens: management over JWT, and what a token may do on the row endpoints."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Api

ALL_TRUE = {"create": True, "read": True, "update": True, "delete": True}


async def _setup(api: Api) -> dict[str, Any]:
    workspace = await api.workspace()
    database = await api.database(workspace["id"])
    table = await api.table(database["id"], name="Orders")
    other = await api.table(database["id"], name="Other")
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "Integration", "workspace": workspace["id"]})
    return {"workspace": workspace, "database": database, "table": table, "other": other,
            "token": token}


def _token(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


async def test_create_shape_and_key_shown_once(api: Api) -> None:
    setup = await _setup(api)
    token = setup["token"]
    assert token["name"] == "Integration" and token["workspace"] == setup["workspace"]["id"]
    assert token["permissions"] == ALL_TRUE
    key = token["key"]
    assert len(key) == 32 and key.isalnum()
    listed = await api.ok("GET", "/api/database/tokens/")
    assert [t["id"] for t in listed] == [token["id"]]
    assert listed[0]["key"] != key and listed[0]["key"].startswith(key[:4])
    got = await api.ok("GET", f"/api/database/tokens/{token['id']}/")
    assert got["key"] != key and got["permissions"] == ALL_TRUE


async def test_token_reads_and_writes_rows(api: Api) -> None:
    setup = await _setup(api)
    table_id, key = setup["table"]["id"], setup["token"]["key"]
    client = api.client
    path = f"/api/database/rows/table/{table_id}/"
    created = await client.post(path, params={"user_field_names": "1"},
                                json={"Name": "by token"}, headers=_token(key))
    assert created.status_code == 200, created.text
    listing = await client.get(path, headers=_token(key))
    assert listing.status_code == 200 and listing.json()["count"] == 1
    fields = await client.get(f"/api/database/fields/table/{table_id}/", headers=_token(key))
    assert fields.status_code == 200 and fields.json()[0]["name"] == "Name"
    check = await client.get("/api/database/tokens/check/", headers=_token(key))
    assert check.json() == {"token": "OK"}
    lower = await client.get(path, headers={"Authorization": f"token {key}"})
    assert lower.status_code == 200


async def test_scoped_permissions(api: Api) -> None:
    setup = await _setup(api)
    table_id, other_id = setup["table"]["id"], setup["other"]["id"]
    database_id, token = setup["database"]["id"], setup["token"]
    permissions = {"create": [["table", table_id]], "read": True,
                   "update": [["database", database_id]], "delete": False}
    updated = await api.ok("PATCH", f"/api/database/tokens/{token['id']}/",
                           json={"permissions": permissions})
    assert updated["permissions"] == permissions
    headers = _token(token["key"])
    client = api.client
    ok = await client.post(f"/api/database/rows/table/{table_id}/", json={}, headers=headers)
    assert ok.status_code == 200
    denied = await client.post(f"/api/database/rows/table/{other_id}/", json={},
                               headers=headers)
    assert denied.status_code == 401
    assert denied.json() == {"error": "ERROR_NO_PERMISSION_TO_TABLE",
                             "detail": "The token does not have permissions to the table."}
    row_id = ok.json()["id"]
    delete = await client.delete(f"/api/database/rows/table/{table_id}/{row_id}/",
                                 headers=headers)
    assert delete.status_code == 401
    move = await client.patch(f"/api/database/rows/table/{table_id}/{row_id}/move/",
                              headers=headers)
    assert move.status_code == 200
    later = await api.table(database_id, name="Created later")
    later_row = (await api.create_row(later["id"], {})).json()
    batch = await client.patch(f"/api/database/rows/table/{later['id']}/batch/",
                               json={"items": [{"id": later_row["id"]}]}, headers=headers)
    assert batch.status_code == 200
    tables = await client.get("/api/database/tables/all-tables/", headers=headers)
    assert {t["id"] for t in tables.json()} == {table_id, other_id, later["id"]}


async def test_empty_lists_become_false_and_delete_only_token(api: Api) -> None:
    setup = await _setup(api)
    token = setup["token"]
    permissions = {"create": [], "read": False, "update": False, "delete": True}
    updated = await api.ok("PATCH", f"/api/database/tokens/{token['id']}/",
                           json={"permissions": permissions})
    assert updated["permissions"] == {"create": False, "read": False, "update": False,
                                      "delete": True}
    headers = _token(token["key"])
    fields = await api.client.get(f"/api/database/fields/table/{setup['table']['id']}/",
                                  headers=headers)
    assert fields.status_code == 401
    tables = await api.client.get("/api/database/tables/all-tables/", headers=headers)
    assert len(tables.json()) == 2


@pytest.mark.parametrize(("permissions", "code"), [
    (True, "invalid_key"),
    ({"create": True, "read": True, "update": True}, "invalid_key"),
    ({**ALL_TRUE, "admin": True}, "invalid_key"),
    ({**ALL_TRUE, "read": "yes"}, "invalid_value"),
    ({**ALL_TRUE, "read": [["view", 1]]}, "invalid_instance_type"),
    ({**ALL_TRUE, "read": [["table", 999999]]}, "invalid_table_id"),
    ({**ALL_TRUE, "read": [["database", 999999]]}, "invalid_database_id"),
])
async def test_permission_validation(api: Api, permissions: Any, code: str) -> None:
    setup = await _setup(api)
    response = await api.patch(f"/api/database/tokens/{setup['token']['id']}/",
                               json={"permissions": permissions})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert body["detail"]["permissions"][0]["code"] == code
    again = await api.ok("GET", f"/api/database/tokens/{setup['token']['id']}/")
    assert again["permissions"] == ALL_TRUE


async def test_grants_must_stay_in_workspace(api: Api) -> None:
    setup = await _setup(api)
    elsewhere = await api.table()
    response = await api.patch(f"/api/database/tokens/{setup['token']['id']}/", json={
        "permissions": {**ALL_TRUE, "read": [["table", elsewhere["id"]]]}})
    assert response.status_code == 400
    assert response.json() == {
        "error": "ERROR_TABLE_DOES_NOT_BELONG_TO_GROUP",
        "detail": "The provided table does not belong to the related group."}


async def test_rotate_stops_old_key_at_once(api: Api) -> None:
    setup = await _setup(api)
    token, table_id = setup["token"], setup["table"]["id"]
    rotated = await api.ok("PATCH", f"/api/database/tokens/{token['id']}/",
                           json={"rotate_key": True})
    assert rotated["key"] != token["key"] and len(rotated["key"]) == 32
    path = f"/api/database/rows/table/{table_id}/"
    old = await api.client.get(path, headers=_token(token["key"]))
    assert old.status_code == 401
    assert old.json() == {"detail": "The provided token does not exist.",
                          "error": "ERROR_TOKEN_DOES_NOT_EXIST"}
    new = await api.client.get(path, headers=_token(rotated["key"]))
    assert new.status_code == 200
    check = await api.client.get("/api/database/tokens/check/", headers=_token(token["key"]))
    assert check.status_code == 403
    assert check.json()["error"] == "ERROR_TOKEN_DOES_NOT_EXIST"


async def test_rename_and_delete(api: Api) -> None:
    setup = await _setup(api)
    token = setup["token"]
    renamed = await api.ok("PATCH", f"/api/database/tokens/{token['id']}/",
                           json={"name": "Renamed"})
    assert renamed["name"] == "Renamed" and renamed["permissions"] == ALL_TRUE
    assert (await api.delete(f"/api/database/tokens/{token['id']}/")).status_code == 204
    gone = await api.client.get(f"/api/database/rows/table/{setup['table']['id']}/",
                                headers=_token(token["key"]))
    assert gone.status_code == 401
    assert (await api.get(f"/api/database/tokens/{token['id']}/")).status_code == 404


async def test_token_is_refused_outside_rows(api: Api) -> None:
    setup = await _setup(api)
    headers = _token(setup["token"]["key"])
    client = api.client
    for method, path in [("GET", "/api/workspaces/"), ("GET", "/api/database/tokens/"),
                         ("GET", f"/api/database/tables/{setup['table']['id']}/"),
                         ("POST", "/api/workspaces/")]:
        response = await client.request(method, path, headers=headers, json={"name": "x"})
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}
    create_field = await client.post(f"/api/database/fields/table/{setup['table']['id']}/",
                                     json={"name": "X", "type": "text"}, headers=headers)
    assert create_field.status_code == 401
    assert create_field.json()["error"] == "ERROR_NO_PERMISSION_TO_TABLE"
    jwt_check = await client.get("/api/database/tokens/check/", headers=api.headers)
    assert jwt_check.status_code == 403
    assert jwt_check.json() == {"detail": "Authentication credentials were not provided."}


async def test_token_of_other_users_and_workspaces(api: Api, other_api: Api) -> None:
    setup = await _setup(api)
    assert (await other_api.get(f"/api/database/tokens/{setup['token']['id']}/")
            ).status_code == 404
    refused = await other_api.post("/api/database/tokens/", json={
        "name": "x", "workspace": setup["workspace"]["id"]})
    assert refused.status_code == 400
    assert refused.json() == {"error": "ERROR_USER_NOT_IN_GROUP", "detail": ""}
    unknown = await api.post("/api/database/tokens/", json={"name": "x", "workspace": 999999})
    assert unknown.json()["detail"]["workspace"][0]["code"] == "does_not_exist"
    own_other_workspace = await api.table(name="Mine elsewhere")
    response = await api.client.post(
        f"/api/database/rows/table/{own_other_workspace['id']}/", json={},
        headers=_token(setup["token"]["key"]))
    assert response.status_code == 401
    foreign = await other_api.table(name="Foreign")
    listing = await api.client.get(f"/api/database/rows/table/{foreign['id']}/",
                                   headers=_token(setup["token"]["key"]))
    assert listing.status_code == 400
    assert listing.json()["error"] == "ERROR_USER_NOT_IN_GROUP"


async def test_token_stops_when_owner_leaves(api: Api, other_api: Api) -> None:
    setup = await _setup(api)
    second_admin_workspace = setup["workspace"]["id"]
    token = setup["token"]
    left = await api.post(f"/api/workspaces/{second_admin_workspace}/leave/")
    assert left.status_code == 400  # the last admin cannot leave
    await api.ok("DELETE", f"/api/workspaces/{second_admin_workspace}/")
    response = await api.client.get(f"/api/database/rows/table/{setup['table']['id']}/",
                                    headers=_token(token["key"]))
    assert response.status_code == 401


async def test_header_errors(client: httpx.AsyncClient) -> None:
    empty = await client.get("/api/database/rows/table/1/", headers={"Authorization": "Token"})
    assert empty.status_code == 401
    assert empty.json()["error"] == "ERROR_INVALID_TOKEN_HEADER"
    spaced = await client.get("/api/database/rows/table/1/",
                              headers={"Authorization": "Token a b"})
    assert spaced.json()["error"] == "ERROR_INVALID_TOKEN_HEADER"


async def test_rate_limit_and_usage(api: Api) -> None:
    setup = await _setup(api)
    token = setup["token"]
    await api.ok("PATCH", f"/api/database/tokens/{token['id']}/",
                 json={"rate_limit_per_minute": 3})
    path = f"/api/database/rows/table/{setup['table']['id']}/"
    statuses = [(await api.client.get(path, headers=_token(token["key"]))).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = await api.client.get(path, headers=_token(token["key"]))
    assert int(throttled.headers["Retry-After"]) >= 1
    got = await api.ok("GET", f"/api/database/tokens/{token['id']}/")
    assert got["handled_calls"] == 3 and got["last_used"] is not None


async def test_expired_token_stops(api: Api) -> None:
    setup = await _setup(api)
    token = setup["token"]
    await api.ok("PATCH", f"/api/database/tokens/{token['id']}/",
                 json={"expires_at": "2000-01-01T00:00:00Z"})
    response = await api.client.get(f"/api/database/rows/table/{setup['table']['id']}/",
                                    headers=_token(token["key"]))
    assert response.status_code == 401
    assert response.json()["error"] == "ERROR_TOKEN_DOES_NOT_EXIST"
