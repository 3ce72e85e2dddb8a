"""`{link_field}__join=...` on the row list and row get: linked rows' values in each item."""

from __future__ import annotations

from typing import Any

from tests.api.asserts import assert_json
from tests.conftest import Api

ROWS = "/api/database/rows/table/{}/"
ROW = "/api/database/rows/table/{}/{}/"


async def _setup(api: Api) -> dict[str, Any]:
    """Customers (Name, Age, Tier) and Cities (Name, Size), and Orders linking to both."""
    workspace = await api.workspace()
    database = await api.database(workspace["id"])
    customers = await api.table(database["id"], name="Customers",
                                data=[["Name", "Age"], ["Ada", "36"], ["Bob", "7"], ["Cy", ""]])
    age = next(f for f in await api.fields(customers["id"]) if f["name"] == "Age")
    age = await api.ok("PATCH", f"/api/database/fields/{age['id']}/",
                       json={"type": "number", "number_decimal_places": 1})
    tier = await api.field(customers["id"], name="Tier", type="single_select",
                           select_options=[{"value": "Gold", "color": "yellow"}])
    cities = await api.table(database["id"], name="Cities", data=[["Name", "Size"],
                                                                  ["Oslo", "big"]])
    orders = await api.table(database["id"], name="Orders", data=[["Order"]])
    customer = await api.field(orders["id"], name="Customer", type="link_row",
                               link_row_table_id=customers["id"])
    city = await api.field(orders["id"], name="City", type="link_row",
                           link_row_table_id=cities["id"], has_related_field=False)
    people = {r["Name"]: r["id"] for r in
              (await api.rows(customers["id"], user_field_names="true"))["results"]}
    await api.ok("PATCH", ROW.format(customers["id"], people["Ada"]),
                 params={"user_field_names": "true"},
                 json={"Tier": tier["select_options"][0]["id"]})
    oslo = (await api.rows(cities["id"]))["results"][0]["id"]
    first = await api.ok("POST", ROWS.format(orders["id"]), params={"user_field_names": "true"},
                         json={"Order": "A-1", "Customer": [people["Bob"], people["Ada"]],
                               "City": [oslo]})
    second = await api.ok("POST", ROWS.format(orders["id"]),
                          params={"user_field_names": "true"},
                          json={"Order": "A-2", "Customer": [people["Cy"]]})
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "Joins", "workspace": workspace["id"]})
    return {"database": database, "customers": customers, "cities": cities, "orders": orders,
            "customer": customer, "city": city, "age": age, "tier": tier,
            "people": people, "oslo": oslo, "rows": [first, second], "token": token}


async def test_join_by_field_ids_adds_serialized_values(api: Api) -> None:
    s = await _setup(api)
    customer, age, tier = s["customer"], s["age"], s["tier"]
    listing = assert_json(await api.get(
        ROWS.format(s["orders"]["id"]),
        params={f"field_{customer['id']}__join": f"field_{age['id']},field_{tier['id']}"}), 200)
    first, second = listing["results"]
    gold = {"id": tier["select_options"][0]["id"], "value": "Gold", "color": "yellow"}
    ada, bob = s["people"]["Ada"], s["people"]["Bob"]
    assert first[f"field_{customer['id']}"] == [
        {"id": ada, "value": "Ada", "order": "1.00000000000000000000",
         f"field_{age['id']}": "36.0", f"field_{tier['id']}": gold},
        {"id": bob, "value": "Bob", "order": "2.00000000000000000000",
         f"field_{age['id']}": "7.0", f"field_{tier['id']}": None},
    ]
    assert second[f"field_{customer['id']}"] == [
        {"id": s["people"]["Cy"], "value": "Cy", "order": "3.00000000000000000000",
         f"field_{age['id']}": None, f"field_{tier['id']}": None}]
    # Other link fields are left as they are.
    assert set(first[f"field_{s['city']['id']}"][0]) == {"id", "value", "order"}


async def test_join_with_user_field_names_and_several_links(api: Api) -> None:
    s = await _setup(api)
    params = {"user_field_names": "true", "Customer__join": "Age", "City__join": "Size,Name"}
    listing = assert_json(await api.get(ROWS.format(s["orders"]["id"]), params=params), 200)
    first = listing["results"][0]
    assert [(i["value"], i["Age"]) for i in first["Customer"]] == [("Ada", "36.0"),
                                                                    ("Bob", "7.0")]
    assert first["City"] == [{"id": s["oslo"], "value": "Oslo", "order": "1.00000000000000000000",
                              "Size": "big", "Name": "Oslo"}]
    got = assert_json(await api.get(ROW.format(s["orders"]["id"], first["id"]), params=params),
                      200)
    assert got == first


async def test_join_on_row_get_and_with_filters(api: Api) -> None:
    s = await _setup(api)
    second = s["rows"][1]
    got = assert_json(await api.get(
        ROW.format(s["orders"]["id"], second["id"]),
        params={"user_field_names": "1", "Customer__join": "Name"}), 200)
    assert got["Customer"] == [{"id": s["people"]["Cy"], "value": "Cy",
                                "order": "3.00000000000000000000", "Name": "Cy"}]
    listing = assert_json(await api.get(ROWS.format(s["orders"]["id"]), params={
        "user_field_names": "1", "Customer__join": "Age", "filter__Order__equal": "A-2"}), 200)
    assert [r["Customer"][0]["Age"] for r in listing["results"]] == [None]


async def test_join_needs_read_access_to_the_linked_table(api: Api) -> None:
    s = await _setup(api)
    token = s["token"]
    await api.ok("PATCH", f"/api/database/tokens/{token['id']}/", json={"permissions": {
        "create": True, "read": [["table", s["orders"]["id"]], ["table", s["cities"]["id"]]],
        "update": True, "delete": True}})
    headers = {"Authorization": f"Token {token['key']}"}
    path = ROWS.format(s["orders"]["id"])
    plain = await api.client.get(path, params={"user_field_names": "1"}, headers=headers)
    assert plain.status_code == 200
    allowed = await api.client.get(path, params={"user_field_names": "1", "City__join": "Size"},
                                   headers=headers)
    assert assert_json(allowed, 200)["results"][0]["City"][0]["Size"] == "big"
    for params in ({"user_field_names": "1", "Customer__join": "Age"},
                   {"user_field_names": "1", "City__join": "Size", "Customer__join": "Age"}):
        denied = await api.client.get(path, params=params, headers=headers)
        assert assert_json(denied, 401) == {
            "error": "ERROR_NO_PERMISSION_TO_TABLE",
            "detail": "The token does not have permissions to the table."}
    row = s["rows"][0]["id"]
    denied = await api.client.get(ROW.format(s["orders"]["id"], row),
                                  params={"user_field_names": "1", "Customer__join": "Age"},
                                  headers=headers)
    assert assert_json(denied, 401)["error"] == "ERROR_NO_PERMISSION_TO_TABLE"


async def test_bad_join_parameters(api: Api) -> None:
    s = await _setup(api)
    orders = s["orders"]["id"]
    order_field = next(f for f in await api.fields(orders) if f["name"] == "Order")
    related = next(f for f in await api.fields(s["customers"]["id"]) if f["type"] == "link_row")
    bad = [
        {"field_999999__join": "field_1"},
        {f"field_{order_field['id']}__join": "field_1"},
        {f"field_{s['customer']['id']}__join": "field_999999"},
        {f"field_{s['customer']['id']}__join": "Age"},
        {f"field_{s['customer']['id']}__join": ""},
        {f"field_{s['customer']['id']}__join": f"field_{related['id']}"},
        {"user_field_names": "1", "Nothing__join": "Age"},
        {"user_field_names": "1", "Customer__join": "Age,Missing"},
        {"user_field_names": "1", "Order__join": "Age"},
    ]
    for params in bad:
        for path in (ROWS.format(orders), ROW.format(orders, s["rows"][0]["id"])):
            body = assert_json(await api.get(path, params=params), 400)
            assert body["error"] == "ERROR_INVALID_JOIN_PARAMETER", (params, body)
            assert isinstance(body["detail"], str) and body["detail"]
