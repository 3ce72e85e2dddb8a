"""GET /api/database/rows/names/: primary-field text of chosen rows, per table."""

from __future__ import annotations

from tests.conftest import Api


async def test_names_of_rows_in_two_tables(api: Api) -> None:
    database = await api.database()
    people = await api.table(database["id"], name="People",
                             data=[["Name"], ["Ada"], ["Grace"], ["Linus"]])
    things = await api.table(database["id"], name="Things", data=[["Thing"], ["Lamp"]])
    body = await api.ok("GET", "/api/database/rows/names/", params={
        f"table__{people['id']}": "1,3,99", f"table__{things['id']}": "1"})
    assert body == {str(people["id"]): {"1": "Ada", "3": "Linus"},
                    str(things["id"]): {"1": "Lamp"}}


async def test_names_need_read_permission_and_one_database(api: Api) -> None:
    workspace = await api.workspace()
    database = await api.database(workspace["id"])
    table = await api.table(database["id"], data=[["Name"], ["Ada"]])
    elsewhere = await api.table(data=[["Name"], ["Bob"]])
    mixed = await api.get("/api/database/rows/names/", params={
        f"table__{table['id']}": "1", f"table__{elsewhere['id']}": "1"})
    assert mixed.status_code == 400
    assert mixed.json()["error"] == "ERROR_QUERY_PARAMETER_VALIDATION"
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "t", "workspace": workspace["id"]})
    headers = {"Authorization": f"Token {token['key']}"}
    allowed = await api.client.get("/api/database/rows/names/",
                                   params={f"table__{table['id']}": "1"}, headers=headers)
    assert allowed.json() == {str(table["id"]): {"1": "Ada"}}
    await api.ok("PATCH", f"/api/database/tokens/{token['id']}/", json={"permissions": {
        "create": True, "read": False, "update": True, "delete": True}})
    refused = await api.client.get("/api/database/rows/names/",
                                   params={f"table__{table['id']}": "1"}, headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"] == "ERROR_NO_PERMISSION_TO_TABLE"


async def test_bad_names_parameters(api: Api) -> None:
    for params in ({"nope": "1"}, {"table__x": "1"}, {"table__1": "a,b"}, {"table__1": ""}):
        response = await api.get("/api/database/rows/names/", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"] == "ERROR_QUERY_PARAMETER_VALIDATION"
    missing = await api.get("/api/database/rows/names/", params={"table__999999": "1"})
    assert missing.status_code == 404
