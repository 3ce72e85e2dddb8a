"""Row endpoints over HTTP: list, get, create, update, move, delete and the batch calls."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api


async def _orders_table(api: Api) -> tuple[int, dict[str, int]]:
    table = await api.table(name="Orders", data=[["Order", "Note"], ["A-1", "x"], ["A-2", None]])
    amount = await api.field(table["id"], name="Amount", type="number", number_decimal_places=2)
    paid = await api.field(table["id"], name="Paid", type="boolean")
    ids = {f["name"]: f["id"] for f in await api.fields(table["id"])}
    assert ids["Amount"] == amount["id"] and ids["Paid"] == paid["id"]
    return table["id"], ids


async def test_list_default_shape(api: Api) -> None:
    table_id, ids = await _orders_table(api)
    body = await api.rows(table_id)
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    first = body["results"][0]
    assert list(first) == ["id", "order", *[f"field_{i}" for i in ids.values()]]
    assert first["order"] == "1.00000000000000000000"
    assert first[f"field_{ids['Order']}"] == "A-1"
    assert first[f"field_{ids['Amount']}"] is None
    assert first[f"field_{ids['Paid']}"] is False
    assert body["results"][1][f"field_{ids['Note']}"] is None


async def test_create_and_get_with_user_field_names(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    created = await api.create_row(table_id, {"Order": "A-3", "Amount": 3.5, "Paid": True,
                                              "Nope": 1}, user_field_names=True)
    assert created.status_code == 200
    row = created.json()
    assert row == {"id": row["id"], "order": "3.00000000000000000000", "Order": "A-3",
                   "Note": None, "Amount": "3.50", "Paid": True}
    got = await api.ok("GET", f"/api/database/rows/table/{table_id}/{row['id']}/",
                       params={"user_field_names": ""})
    assert got == row


async def test_field_keys_ignored_with_user_field_names(api: Api) -> None:
    table_id, ids = await _orders_table(api)
    row = (await api.create_row(table_id, {f"field_{ids['Order']}": "ignored", "Order": "kept"},
                                user_field_names=True)).json()
    assert row["Order"] == "kept"
    row = (await api.create_row(table_id, {"Order": "ignored"})).json()
    assert row[f"field_{ids['Order']}"] is None


async def test_update_changes_only_given_fields(api: Api) -> None:
    table_id, ids = await _orders_table(api)
    first = (await api.rows(table_id))["results"][0]
    response = await api.patch(f"/api/database/rows/table/{table_id}/{first['id']}/",
                               json={f"field_{ids['Amount']}": "7"})
    assert response.status_code == 200
    updated = response.json()
    assert updated[f"field_{ids['Amount']}"] == "7.00"
    assert updated[f"field_{ids['Order']}"] == "A-1"


async def test_update_requires_object(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    row_id = (await api.rows(table_id))["results"][0]["id"]
    response = await api.patch(f"/api/database/rows/table/{table_id}/{row_id}/", json=[1])
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert body["detail"]["non_field_errors"][0]["code"] == "invalid"


async def test_validation_errors_per_field_and_nothing_written(api: Api) -> None:
    table_id, ids = await _orders_table(api)
    response = await api.create_row(table_id, {
        f"field_{ids['Amount']}": "not a number", f"field_{ids['Paid']}": "maybe"})
    assert response.status_code == 400
    assert response.json() == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": {
        f"field_{ids['Amount']}": [{"error": "A valid number is required.", "code": "invalid"}],
        f"field_{ids['Paid']}": [{"error": "Must be a valid boolean.", "code": "invalid"}],
    }}
    assert (await api.rows(table_id))["count"] == 2


@pytest.mark.parametrize("path", ["/{t}/999999/", "/{t}/999999/move/"])
async def test_missing_row_quotes_id(api: Api, path: str) -> None:
    table_id, _ = await _orders_table(api)
    method = "GET" if not path.endswith("move/") else "PATCH"
    response = await api.request(method, "/api/database/rows/table" + path.format(t=table_id))
    assert response.status_code == 404
    assert response.json() == {"error": "ERROR_ROW_DOES_NOT_EXIST",
                               "detail": "The rows ['999999'] do not exist."}


async def test_missing_row_on_update_and_delete(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    update = await api.patch(f"/api/database/rows/table/{table_id}/999999/", json={})
    assert update.json() == {"error": "ERROR_ROW_DOES_NOT_EXIST",
                             "detail": "The rows [999999] do not exist."}
    delete = await api.delete(f"/api/database/rows/table/{table_id}/999999/")
    assert delete.status_code == 404
    assert delete.json()["detail"] == "The rows ['999999'] do not exist."


async def test_unknown_table(api: Api) -> None:
    response = await api.get("/api/database/rows/table/999999/")
    assert response.status_code == 404
    assert response.json() == {"error": "ERROR_TABLE_DOES_NOT_EXIST",
                               "detail": "The requested table does not exist."}


async def test_delete_row(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    row_id = (await api.rows(table_id))["results"][0]["id"]
    response = await api.delete(f"/api/database/rows/table/{table_id}/{row_id}/")
    assert response.status_code == 204 and response.content == b""
    assert [r["id"] for r in (await api.rows(table_id))["results"]] == [row_id + 1]


async def test_pagination_links(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    await api.ok("POST", f"/api/database/rows/table/{table_id}/batch/",
                 json={"items": [{} for _ in range(5)]})
    page1 = await api.rows(table_id, size=3, user_field_names="true")
    assert page1["count"] == 7 and len(page1["results"]) == 3
    assert page1["next"] == (f"http://testserver/api/database/rows/table/{table_id}/"
                             "?size=3&user_field_names=true&page=2")
    assert page1["previous"] is None
    page2 = await api.rows(table_id, size=3, page=2)
    assert page2["previous"] == f"http://testserver/api/database/rows/table/{table_id}/?size=3"
    page3 = await api.rows(table_id, size=3, page=3)
    assert len(page3["results"]) == 1 and page3["next"] is None
    beyond = await api.rows(table_id, page=999)
    assert beyond["results"] == [] and beyond["next"] is None
    assert beyond["previous"].endswith("?page=998")


@pytest.mark.parametrize(("params", "expected"), [
    ({"page": "0"}, 7), ({"page": "abc"}, 7), ({"size": "0"}, 7), ({"size": "-3"}, 7),
])
async def test_lenient_paging_params(api: Api, params: dict[str, str], expected: int) -> None:
    table_id, _ = await _orders_table(api)
    await api.ok("POST", f"/api/database/rows/table/{table_id}/batch/",
                 json={"items": [{} for _ in range(5)]})
    assert len((await api.rows(table_id, **params))["results"]) == expected


async def test_page_size_limit(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    response = await api.get(f"/api/database/rows/table/{table_id}/", params={"size": 201})
    assert response.status_code == 400
    assert response.json() == {"error": "ERROR_PAGE_SIZE_LIMIT",
                               "detail": "The page size is limited to 200."}


async def test_exclude_count(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    body = await api.rows(table_id, exclude_count="true", size=1)
    assert "count" not in body and len(body["results"]) == 1 and body["next"] is not None


async def test_include_exclude_and_order_by(api: Api) -> None:
    table_id, ids = await _orders_table(api)
    body = await api.rows(table_id, include="Order,Amount", user_field_names="1",
                          order_by="-Order")
    assert [list(r) for r in body["results"]] == [["id", "order", "Order", "Amount"]] * 2
    assert [r["Order"] for r in body["results"]] == ["A-2", "A-1"]
    body = await api.rows(table_id, exclude=f"field_{ids['Note']}")
    assert f"field_{ids['Note']}" not in body["results"][0]


async def test_order_by_unknown_field(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    response = await api.get(f"/api/database/rows/table/{table_id}/",
                             params={"order_by": "Amount"})
    assert response.status_code == 400
    assert response.json() == {"error": "ERROR_ORDER_BY_FIELD_NOT_FOUND",
                               "detail": "The field Amount was not found in the table."}


async def test_create_before_and_move(api: Api) -> None:
    table_id, ids = await _orders_table(api)
    first, second = (await api.rows(table_id))["results"]
    response = await api.post(f"/api/database/rows/table/{table_id}/",
                              params={"before": second["id"]},
                              json={f"field_{ids['Order']}": "between"})
    middle = response.json()
    assert first["order"] < middle["order"] < second["order"]
    moved = await api.ok("PATCH",
                         f"/api/database/rows/table/{table_id}/{second['id']}/move/",
                         params={"before_id": first["id"]})
    assert moved["order"] < first["order"]
    order = [r["id"] for r in (await api.rows(table_id))["results"]]
    assert order == [second["id"], first["id"], middle["id"]]
    to_end = await api.ok("PATCH", f"/api/database/rows/table/{table_id}/{second['id']}/move/")
    assert [r["id"] for r in (await api.rows(table_id))["results"]][-1] == to_end["id"]


async def test_many_inserts_before_same_row_keep_order(api: Api) -> None:
    table_id, ids = await _orders_table(api)
    target = (await api.rows(table_id))["results"][1]["id"]
    for i in range(60):
        await api.ok("POST", f"/api/database/rows/table/{table_id}/",
                     params={"before": target}, json={f"field_{ids['Order']}": f"n{i:02d}"})
    names = [r[f"field_{ids['Order']}"] for r in (await api.rows(table_id, size=200))["results"]]
    assert names == ["A-1", *[f"n{i:02d}" for i in range(60)], "A-2"]


async def test_batch_create_update_delete(api: Api) -> None:
    table_id, ids = await _orders_table(api)
    created = await api.ok("POST", f"/api/database/rows/table/{table_id}/batch/",
                           params={"user_field_names": "true"},
                           json={"items": [{"Order": "B-1", "Amount": 1},
                                           {"Order": "B-2", "Paid": True}]})
    rows = created["items"]
    assert [r["Order"] for r in rows] == ["B-1", "B-2"]
    assert rows[0]["Amount"] == "1.00" and rows[1]["Paid"] is True
    updated = await api.ok("PATCH", f"/api/database/rows/table/{table_id}/batch/",
                           json={"items": [{"id": rows[0]["id"], f"field_{ids['Note']}": "n"},
                                           {"id": rows[1]["id"], f"field_{ids['Amount']}": 2}]})
    assert updated["items"][0][f"field_{ids['Note']}"] == "n"
    assert updated["items"][1][f"field_{ids['Amount']}"] == "2.00"
    response = await api.post(f"/api/database/rows/table/{table_id}/batch-delete/",
                              json={"items": [rows[0]["id"], rows[1]["id"]]})
    assert response.status_code == 204
    assert (await api.rows(table_id))["count"] == 2


async def test_batch_is_atomic_with_indexed_errors(api: Api) -> None:
    table_id, ids = await _orders_table(api)
    response = await api.post(f"/api/database/rows/table/{table_id}/batch/", json={"items": [
        {f"field_{ids['Amount']}": 1}, {f"field_{ids['Amount']}": "x"}]})
    assert response.status_code == 400
    assert response.json() == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": {"items": {
        "1": {f"field_{ids['Amount']}": [{"error": "A valid number is required.",
                                          "code": "invalid"}]}}}}
    assert (await api.rows(table_id))["count"] == 2


@pytest.mark.parametrize(("body", "detail"), [
    ({"items": [{}] * 201}, {"items": [{"error": "Ensure this field has no more than 200 "
                                                  "elements.", "code": "max_length"}]}),
    ({"items": []}, {"items": [{"error": "Ensure this field has at least 1 elements.",
                                "code": "min_length"}]}),
    ({}, {"items": [{"error": "This field is required.", "code": "required"}]}),
])
async def test_batch_size_validation(api: Api, body: dict[str, Any], detail: Any) -> None:
    table_id, _ = await _orders_table(api)
    response = await api.post(f"/api/database/rows/table/{table_id}/batch/", json=body)
    assert response.status_code == 400
    assert response.json() == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": detail}


async def test_batch_update_errors(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    row_id = (await api.rows(table_id))["results"][0]["id"]
    missing = await api.patch(f"/api/database/rows/table/{table_id}/batch/",
                              json={"items": [{"id": 999999}]})
    assert missing.status_code == 404
    assert missing.json() == {"error": "ERROR_ROW_DOES_NOT_EXIST",
                              "detail": "The rows [999999] do not exist."}
    duplicate = await api.patch(f"/api/database/rows/table/{table_id}/batch/",
                                json={"items": [{"id": row_id}, {"id": row_id}]})
    assert duplicate.status_code == 400
    assert duplicate.json()["error"] == "ERROR_ROW_IDS_NOT_UNIQUE"
    no_id = await api.patch(f"/api/database/rows/table/{table_id}/batch/",
                            json={"items": [{}]})
    assert no_id.json()["detail"] == {"items": {"0": {"id": [
        {"error": "This field is required.", "code": "required"}]}}}


async def test_batch_delete_missing_changes_nothing(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    row_id = (await api.rows(table_id))["results"][0]["id"]
    response = await api.post(f"/api/database/rows/table/{table_id}/batch-delete/",
                              json={"items": [row_id, 999999]})
    assert response.status_code == 404
    assert response.json() == {"error": "ERROR_ROW_DOES_NOT_EXIST",
                               "detail": "The rows [999999] do not exist."}
    assert (await api.rows(table_id))["count"] == 2


async def test_rows_of_other_users_table_refused(api: Api, other_api: Api) -> None:
    table_id, _ = await _orders_table(api)
    response = await other_api.get(f"/api/database/rows/table/{table_id}/")
    assert response.status_code == 400
    assert response.json() == {"error": "ERROR_USER_NOT_IN_GROUP", "detail": ""}
    create = await other_api.post(f"/api/database/rows/table/{table_id}/", json={})
    assert create.status_code == 400
    assert (await api.rows(table_id))["count"] == 2


async def test_auth_errors(api: Api) -> None:
    table_id, _ = await _orders_table(api)
    path = f"/api/database/rows/table/{table_id}/"
    none = await api.client.get(path)
    assert none.status_code == 401
    assert none.json() == {"detail": "Authentication credentials were not provided."}
    bad_jwt = await api.client.get(path, headers={"Authorization": "JWT nonsense"})
    assert bad_jwt.status_code == 401
    assert bad_jwt.json() == {"detail": "Access token is expired or invalid.",
                              "error": "ERROR_INVALID_ACCESS_TOKEN"}
    bad_token = await api.client.get(path, headers={"Authorization": "Token abc"})
    assert bad_token.status_code == 401
    assert bad_token.json()["error"] == "ERROR_TOKEN_DOES_NOT_EXIST"
