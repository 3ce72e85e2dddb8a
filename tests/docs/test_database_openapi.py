"""/api/database/{id}/openapi.json: the rows of one database with a schema per table."""

from __future__ import annotations

from typing import Any

import httpx
from openapi_spec_validator import validate
from tests.conftest import Api
from tests.docs.conftest import DocsDatabase


async def _document(api: Api, database_id: int, **params: str) -> dict[str, Any]:
    document: dict[str, Any] = await api.ok(
        "GET", f"/api/database/{database_id}/openapi.json", params=params)
    return document


async def _token(api: Api, workspace_id: int, permissions: dict[str, Any] | None = None) -> str:
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "docs", "workspace": workspace_id})
    if permissions is not None:
        await api.ok("PATCH", f"/api/database/tokens/{token['id']}/",
                     json={"permissions": permissions})
    key: str = token["key"]
    return key


async def test_each_table_gets_its_own_paths_and_typed_row_schema(shop_owner: Api,
                                                                  shop: DocsDatabase) -> None:
    document = await _document(shop_owner, shop.id)
    validate(document)
    fields = {f["name"]: f for f in await shop_owner.fields(shop.customers)}
    schemas = document["components"]["schemas"]
    row = schemas["CustomersRow"]["properties"]
    assert set(row) == {"id", "order", *(f"field_{f['id']}" for f in fields.values())}
    assert set(schemas["CustomersRow"]["required"]) == set(row)

    def out(name: str) -> dict[str, Any]:
        schema: dict[str, Any] = row[f"field_{fields[name]['id']}"]
        return schema

    assert out("Name")["type"] == ["string", "null"]
    assert out("Price")["pattern"] == r"^-?[0-9]+\.[0-9]{2}$"
    assert out("Stars") | {"maximum": 4} == out("Stars")
    assert out("Paid")["type"] == "boolean"
    assert out("Size")["anyOf"][0] == {"$ref": "#/components/schemas/SelectOption"}
    assert out("Tags")["items"] == {"$ref": "#/components/schemas/SelectOption"}
    assert out("Meeting")["format"] == "date-time"
    assert out("Day")["format"] == "date"
    assert out("Key")["format"] == "uuid"
    assert out("Bought")["items"] == {"$ref": "#/components/schemas/LinkRowValue"}
    assert out("Created")["readOnly"] is True
    assert out("Name")["description"].startswith("Name (text)")
    writable = schemas["CustomersRowValues"]["properties"]
    assert f"field_{fields['Created']['id']}" not in writable
    assert f"field_{fields['Number']['id']}" not in writable
    assert f"field_{fields['Size']['id']}" in writable
    path = f"/api/database/rows/table/{shop.customers}/"
    listing = document["paths"][path]["get"]
    assert listing["operationId"] == "list_customers_rows"
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CustomersRowPage"}
    bought = f"field_{fields['Bought']['id']}__join"
    for operation in (listing, document["paths"][f"{path}{{row_id}}/"]["get"]):
        [join] = [p for p in operation["parameters"] if p["name"].endswith("__join")]
        assert join["name"] == bought and join["in"] == "query"
        assert str(fields["Bought"]["link_row_table_id"]) in join["description"]
    assert document["paths"][f"{path}{{row_id}}/"]["patch"]["requestBody"]["content"][
        "application/json"]["schema"] == {"$ref": "#/components/schemas/CustomersRowValues"}
    assert {p.split("/")[5] for p in document["paths"]} == {
        str(shop.products), str(shop.customers), str(shop.clients)}
    assert all("/fields/" not in p for p in document["paths"])


async def test_the_document_follows_field_changes_at_once(api: Api) -> None:
    table = await api.table()
    database_id = table["database_id"]
    before = await _document(api, database_id)
    field = await api.field(table["id"], name="Amount", type="number")
    after = await _document(api, database_id)
    key = f"field_{field['id']}"
    assert key not in before["components"]["schemas"]["TableRow"]["properties"]
    assert after["components"]["schemas"]["TableRow"]["properties"][key]["pattern"] == \
        "^[0-9]+$"
    await api.ok("PATCH", f"/api/database/fields/{field['id']}/",
                 json={"type": "boolean"})
    changed = await _document(api, database_id)
    assert changed["components"]["schemas"]["TableRow"]["properties"][key]["type"] == "boolean"


async def test_field_names_variant(shop_owner: Api, shop: DocsDatabase) -> None:
    document = await _document(shop_owner, shop.id, user_field_names="true")
    validate(document)
    row = document["components"]["schemas"]["CustomersRow"]["properties"]
    assert {"Name", "Price", "Meeting", "Bought"} <= set(row)
    listing = document["paths"][f"/api/database/rows/table/{shop.customers}/"]["get"]
    [flag] = [p for p in listing["parameters"] if p["name"] == "user_field_names"]
    assert "Bought__join" in {p["name"] for p in listing["parameters"]}
    assert flag["required"] is True
    assert flag["schema"]["enum"] == ["true"]


async def test_names_that_are_no_identifiers_get_table_ids(api: Api) -> None:
    database = await api.database()
    await api.table(database["id"], name="Orders")
    second = await api.table(database["id"], name="orders!")
    third = await api.table(database["id"], name="2024")
    document = await _document(api, database["id"])
    ids = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert {"list_orders_rows", f"list_table_{second['id']}_rows",
            f"list_table_{third['id']}_rows"} <= ids
    validate(document)


async def test_who_may_read_the_document(shop_owner: Api, shop: DocsDatabase, other_api: Api,
                                         client: httpx.AsyncClient) -> None:
    api = shop_owner
    url = f"/api/database/{shop.id}/openapi.json"
    assert (await client.get(url)).status_code == 401
    stranger = await other_api.get(url)
    assert stranger.status_code == 400
    assert stranger.json()["error"] == "ERROR_USER_NOT_IN_GROUP"
    missing = await api.get("/api/database/999999/openapi.json")
    assert missing.status_code == 404
    assert missing.json()["error"] == "ERROR_APPLICATION_DOES_NOT_EXIST"

    every = await _token(api, shop.workspace_id)
    answer = await client.get(url, headers={"Authorization": f"Token {every}"})
    assert answer.status_code == 200
    assert len({p.split("/")[5] for p in answer.json()["paths"]}) == 3

    scoped = await _token(api, shop.workspace_id, {
        "create": True, "read": [["table", shop.products]], "update": False, "delete": False})
    answer = await client.get(url, headers={"Authorization": f"Token {scoped}"})
    assert answer.status_code == 200
    assert {p.split("/")[5] for p in answer.json()["paths"]} == {str(shop.products)}

    blind = await _token(api, shop.workspace_id, {
        "create": True, "read": False, "update": True, "delete": True})
    answer = await client.get(url, headers={"Authorization": f"Token {blind}"})
    assert answer.status_code == 401
    assert answer.json()["error"] == "ERROR_NO_PERMISSION_TO_TABLE"
