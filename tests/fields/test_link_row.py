"""link_row over HTTP: field JSON, the related field, writes by id and by primary text,
both directions, limits, clean-up on row, field and table deletion, conversions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.conftest import Api
from tests.examples import draw

TRANSCRIPTS = Path("/work/shared/baserow-transcripts")
ROWS = "/api/database/rows/table/{}/"
ROW = "/api/database/rows/table/{}/{}/"
BATCH = "/api/database/rows/table/{}/batch/"
FIELD = "/api/database/fields/{}/"
FIELDS = "/api/database/fields/table/{}/"
VARYING = frozenset({"id", "table_id", "order", "database_id", "workspace_id",
                     "link_row_table_id", "link_row_related_field_id", "link_row_table",
                     "link_row_related_field"})


def _recorded(name: str) -> dict[str, Any]:
    [path] = TRANSCRIPTS.glob(f"{name}-*.json")
    result: dict[str, Any] = json.loads(path.read_text())
    return result


def _strip(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in VARYING}


async def _pair(api: Api, names: tuple[str, ...] = ("Ada", "Bob", "Cy"),
                **props: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Customers (with rows named `names`) and Orders linking to them."""
    database = await api.database()
    customers = await api.table(database["id"], name="Customers",
                                data=[["Name"], *[[n] for n in names]])
    orders = await api.table(database["id"], name="Orders", data=[["Order"], ["A-1"]])
    link = await api.field(orders["id"], name="Customer", type="link_row",
                           link_row_table_id=customers["id"], **props)
    return customers, orders, link


async def _customer_ids(api: Api, customers: dict[str, Any]) -> dict[str, int]:
    rows = (await api.rows(customers["id"], user_field_names="true"))["results"]
    return {row["Name"]: row["id"] for row in rows}


async def _write(api: Api, table_id: int, key: str, value: Any) -> Any:
    return await api.post(ROWS.format(table_id), json={key: value})


def _names(cell: list[dict[str, Any]]) -> list[str]:
    return [item["value"] for item in cell]


async def test_create_matches_transcript(api: Api) -> None:
    recorded = _recorded("21")
    database = await api.database()
    customers = await api.table(database["id"], name="Customers", data=[["Name"], [""]])
    orders = await api.table(database["id"], name="Orders", data=[["Order"], ["A-1"]])
    body = await api.field(orders["id"], **{**recorded["request"]["body"],
                                           "link_row_table_id": customers["id"]})
    expected = recorded["response"]["body"]
    assert list(body) == list(expected)
    primary, expected_primary = (body.pop("link_row_table_primary_field"),
                                 expected.pop("link_row_table_primary_field"))
    assert _strip(body) == _strip(expected)
    assert list(primary) == list(expected_primary)
    assert _strip(primary) == _strip(expected_primary)
    assert body["link_row_table_id"] == body["link_row_table"] == customers["id"]
    related_id = body["link_row_related_field_id"]
    assert body["link_row_related_field"] == related_id
    [related] = [f for f in await api.fields(customers["id"]) if f["type"] == "link_row"]
    assert (related["id"], related["name"], related["link_row_table_id"],
            related["link_row_related_field_id"]) == (related_id, "Orders", orders["id"],
                                                      body["id"])
    listed = await api.rows(customers["id"], user_field_names="true")
    assert listed["results"][0]["Orders"] == []


async def test_links_show_in_both_directions(api: Api) -> None:
    customers, orders, link = await _pair(api)
    ids = await _customer_ids(api, customers)
    key, back = f"field_{link['id']}", f"field_{link['link_row_related_field_id']}"
    row = (await _write(api, orders["id"], key, [ids["Cy"], ids["Ada"]])).json()
    assert row[key] == [
        {"id": ids["Ada"], "value": "Ada", "order": "1.00000000000000000000"},
        {"id": ids["Cy"], "value": "Cy", "order": "3.00000000000000000000"}]
    ada = await api.ok("GET", ROW.format(customers["id"], ids["Ada"]))
    assert ada[back] == [{"id": row["id"], "value": "", "order": row["order"]}]
    bob = (await api.patch(ROW.format(customers["id"], ids["Bob"]),
                           json={back: [row["id"]]})).json()
    assert [item["id"] for item in bob[back]] == [row["id"]]
    again = await api.ok("GET", ROW.format(orders["id"], row["id"]))
    assert _names(again[key]) == ["Ada", "Bob", "Cy"]


async def test_primary_text_values_are_the_linked_primary(api: Api) -> None:
    customers, orders, link = await _pair(api, names=("Ada", "Bob, Jr", "7"))
    ids = await _customer_ids(api, customers)
    key = f"field_{link['id']}"
    row = (await _write(api, orders["id"], key, ["Bob, Jr", "Ada"])).json()
    assert _names(row[key]) == ["Ada", "Bob, Jr"]
    text = (await _write(api, orders["id"], key, 'Ada,"Bob, Jr"')).json()
    assert _names(text[key]) == ["Ada", "Bob, Jr"]
    bare = (await _write(api, orders["id"], key, ids["Ada"])).json()
    assert _names(bare[key]) == ["Ada"]
    by_text_digits = (await _write(api, orders["id"], key, ["7"])).json()
    assert [item["id"] for item in by_text_digits[key]] == [ids["7"]]
    response = await api.post(ROWS.format(orders["id"]), params={"user_field_names": "1"},
                              json={"Customer": ["Ada"], "Order": "by name"})
    assert _names(response.json()["Customer"]) == ["Ada"]


async def test_unknown_rows(api: Api) -> None:
    customers, orders, link = await _pair(api)
    ids = await _customer_ids(api, customers)
    key = f"field_{link['id']}"
    before = (await api.rows(orders["id"]))["count"]
    ignored = (await _write(api, orders["id"], key, [999999, 2**40, -3, ids["Bob"]])).json()
    assert _names(ignored[key]) == ["Bob"]
    assert (await _write(api, orders["id"], key, 2**63)).json()[key] == []
    response = await _write(api, orders["id"], key, ["A\x00da"])
    assert response.status_code == 400
    response = await _write(api, orders["id"], key, ["Nobody"])
    assert response.status_code == 400
    assert response.json() == {
        "error": "ERROR_REQUEST_BODY_VALIDATION",
        "detail": "The provided text value 'Nobody' doesn't match any row in the linked table."}
    for bad, code in [([1, "Ada"], "not_same_type"), ([1.5], "invalid"), ({"id": 1}, "invalid"),
                      (2.5, "invalid"), ([[1]], "invalid")]:
        response = await _write(api, orders["id"], key, bad)
        assert response.status_code == 400, bad
        assert response.json()["detail"][key][0]["code"] == code, bad
    assert (await api.rows(orders["id"]))["count"] == before + 2


async def test_single_relationship_limit(api: Api) -> None:
    customers, orders, link = await _pair(api, link_row_multiple_relationships=False)
    assert link["link_row_multiple_relationships"] is False
    ids = await _customer_ids(api, customers)
    key = f"field_{link['id']}"
    response = await _write(api, orders["id"], key, [ids["Ada"], ids["Bob"]])
    assert response.status_code == 400
    assert response.json()["detail"][key][0]["code"] == "max_length"
    assert _names((await _write(api, orders["id"], key, [ids["Bob"]])).json()[key]) == ["Bob"]
    many = await api.field(orders["id"], name="Many", type="link_row",
                           link_row_table_id=customers["id"], has_related_field=False)
    mkey = f"field_{many['id']}"
    row = (await _write(api, orders["id"], mkey, [ids["Cy"], ids["Bob"]])).json()
    await api.ok("PATCH", FIELD.format(many["id"]), json={"link_row_multiple_relationships": False})
    assert _names((await api.ok("GET", ROW.format(orders["id"], row["id"])))[mkey]) == ["Bob"]


async def test_row_deletion_removes_links(api: Api) -> None:
    customers, orders, link = await _pair(api)
    ids = await _customer_ids(api, customers)
    key, back = f"field_{link['id']}", f"field_{link['link_row_related_field_id']}"
    row = (await _write(api, orders["id"], key, [ids["Ada"], ids["Bob"]])).json()
    await api.ok("DELETE", ROW.format(customers["id"], ids["Ada"]))
    assert _names((await api.ok("GET", ROW.format(orders["id"], row["id"])))[key]) == ["Bob"]
    await api.ok("DELETE", ROW.format(orders["id"], row["id"]))
    assert (await api.ok("GET", ROW.format(customers["id"], ids["Bob"])))[back] == []


async def test_batch_create_and_update(api: Api) -> None:
    customers, orders, _ = await _pair(api)
    ids = await _customer_ids(api, customers)
    response = await api.post(BATCH.format(orders["id"]), params={"user_field_names": "true"},
                              json={"items": [{"Order": "B-1", "Customer": ["Ada"]},
                                              {"Order": "B-2", "Customer": [ids["Cy"]]},
                                              {"Order": "B-3"}]})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [_names(item["Customer"]) for item in items] == [["Ada"], ["Cy"], []]
    response = await api.patch(BATCH.format(orders["id"]), params={"user_field_names": "true"},
                               json={"items": [{"id": items[2]["id"], "Customer": "Bob"},
                                               {"id": items[0]["id"], "Customer": []}]})
    assert [_names(item["Customer"]) for item in response.json()["items"]] == [["Bob"], []]


async def test_field_deletion_removes_related_field(api: Api) -> None:
    customers, orders, link = await _pair(api)
    ids = await _customer_ids(api, customers)
    await _write(api, orders["id"], f"field_{link['id']}", [ids["Ada"]])
    assert await api.ok("DELETE", FIELD.format(link["id"])) == {"related_fields": []}
    assert [f["type"] for f in await api.fields(customers["id"])] == ["text"]
    assert (await api.rows(customers["id"]))["count"] == 3
    customers, orders, link = await _pair(api)
    await api.ok("DELETE", FIELD.format(link["link_row_related_field_id"]))
    assert [f["type"] for f in await api.fields(orders["id"])] == ["text"]


async def test_table_deletion_keeps_other_tables_working(api: Api) -> None:
    customers, orders, link = await _pair(api)
    ids = await _customer_ids(api, customers)
    one_way = await api.field(orders["id"], name="Also", type="link_row",
                              link_row_table_id=customers["id"], has_related_field=False)
    await api.post(ROWS.format(orders["id"]), json={
        f"field_{link['id']}": [ids["Ada"]], f"field_{one_way['id']}": [ids["Bob"]]})
    await api.ok("DELETE", f"/api/database/tables/{customers['id']}/")
    assert [f["name"] for f in await api.fields(orders["id"])] == ["Order"]
    assert (await api.rows(orders["id"]))["count"] == 2
    customers, orders, link = await _pair(api)
    await api.ok("DELETE", f"/api/database/tables/{orders['id']}/")
    assert [f["name"] for f in await api.fields(customers["id"])] == ["Name"]
    await api.ok("DELETE", f"/api/applications/{customers['database_id']}/")


async def test_creation_errors_change_nothing(api: Api) -> None:
    customers, orders, _ = await _pair(api)
    elsewhere = await api.table(name="Elsewhere")
    path = FIELDS.format(orders["id"])
    cases = [
        ({}, "ERROR_LINK_ROW_TABLE_NOT_PROVIDED"),
        ({"link_row_table_id": elsewhere["id"]}, "ERROR_LINK_ROW_TABLE_NOT_IN_SAME_DATABASE"),
        ({"link_row_table_id": orders["id"], "has_related_field": True},
         "ERROR_SELF_REFERENCING_LINK_ROW_CANNOT_HAVE_RELATED_FIELD"),
        ({"link_row_table_id": 999999}, "ERROR_TABLE_DOES_NOT_EXIST"),
        ({"link_row_table_id": 2**40}, "ERROR_TABLE_DOES_NOT_EXIST"),
        ({"link_row_table_id": customers["id"], "link_row_limit_selection_view_id": 999999},
         "ERROR_VIEW_DOES_NOT_EXIST"),
        ({"link_row_table_id": "x"}, "ERROR_REQUEST_BODY_VALIDATION"),
        ({"link_row_table_id": customers["id"], "has_related_field": "yes"},
         "ERROR_REQUEST_BODY_VALIDATION"),
    ]
    before_orders = await api.fields(orders["id"])
    before_customers = await api.fields(customers["id"])
    for props, error in cases:
        response = await api.post(path, json={"name": "Bad", "type": "link_row", **props})
        assert response.status_code in (400, 404), props
        assert response.json()["error"] == error, props
    assert await api.fields(orders["id"]) == before_orders
    assert await api.fields(customers["id"]) == before_customers
    response = await api.post(path, json={"name": "L", "type": "link_row",
                                          "link_row_table_id": customers["id"]})
    assert response.status_code == 200


async def test_self_reference_and_name_clashes(api: Api) -> None:
    customers, orders, link = await _pair(api)
    self_link = await api.field(customers["id"], name="Friends", type="link_row",
                                link_row_table_id=customers["id"])
    assert self_link["link_row_related_field_id"] is None
    ids = await _customer_ids(api, customers)
    key = f"field_{self_link['id']}"
    row = (await api.patch(ROW.format(customers["id"], ids["Ada"]),
                           json={key: [ids["Ada"], ids["Bob"]]})).json()
    assert _names(row[key]) == ["Ada", "Bob"]
    await api.ok("DELETE", ROW.format(customers["id"], ids["Bob"]))
    assert _names((await api.ok("GET", ROW.format(customers["id"], ids["Ada"])))[key]) == ["Ada"]
    second = await api.field(orders["id"], name="Again", type="link_row",
                             link_row_table_id=customers["id"])
    await api.field(customers["id"], name="Orders - Third", type="text")
    third = await api.field(orders["id"], name="Third", type="link_row",
                            link_row_table_id=customers["id"])
    names = {f["id"]: f["name"] for f in await api.fields(customers["id"])}
    assert names[link["link_row_related_field_id"]] == "Orders"
    assert names[second["link_row_related_field_id"]] == "Orders - Again"
    assert names[third["link_row_related_field_id"]] == "Orders 2"


async def test_related_field_toggle_and_retarget(api: Api) -> None:
    customers, orders, link = await _pair(api)
    ids = await _customer_ids(api, customers)
    key = f"field_{link['id']}"
    row = (await _write(api, orders["id"], key, [ids["Ada"]])).json()
    off = await api.ok("PATCH", FIELD.format(link["id"]), json={"has_related_field": False})
    assert off["link_row_related_field_id"] is None
    assert [f["type"] for f in await api.fields(customers["id"])] == ["text"]
    assert _names((await api.ok("GET", ROW.format(orders["id"], row["id"])))[key]) == ["Ada"]
    on = await api.ok("PATCH", FIELD.format(link["id"]), json={"has_related_field": True})
    back = f"field_{on['link_row_related_field_id']}"
    assert [i["id"] for i in (await api.ok("GET", ROW.format(customers["id"],
                                                               ids["Ada"])))[back]] == [row["id"]]
    renamed = await api.ok("PATCH", FIELD.format(link["id"]), json={"name": "Buyer"})
    assert renamed["link_row_related_field_id"] == on["link_row_related_field_id"]
    suppliers = await api.table(customers["database_id"], name="Suppliers",
                                data=[["Name"], ["Sam"]])
    moved = await api.ok("PATCH", FIELD.format(link["id"]),
                         json={"link_row_table_id": suppliers["id"]})
    assert moved["link_row_table_primary_field"]["table_id"] == suppliers["id"]
    assert [f["type"] for f in await api.fields(customers["id"])] == ["text"]
    assert [f["name"] for f in await api.fields(suppliers["id"])] == ["Name", "Orders"]
    assert (await api.ok("GET", ROW.format(orders["id"], row["id"])))[key] == []


async def test_conversion_to_text_and_back(api: Api) -> None:
    customers, orders, link = await _pair(api)
    ids = await _customer_ids(api, customers)
    key = f"field_{link['id']}"
    row = (await _write(api, orders["id"], key, [ids["Bob"], ids["Ada"]])).json()
    text = await api.ok("PATCH", FIELD.format(link["id"]), json={"type": "text"})
    assert text["type"] == "text"
    assert [f["type"] for f in await api.fields(customers["id"])] == ["text"]
    assert (await api.ok("GET", ROW.format(orders["id"], row["id"])))[key] == "Ada, Bob"
    again = await api.ok("PATCH", FIELD.format(link["id"]), json={
        "type": "link_row", "link_row_table_id": customers["id"]})
    assert again["link_row_related_field_id"] is not None
    assert (await api.ok("GET", ROW.format(orders["id"], row["id"])))[key] == []
    assert _names((await _write(api, orders["id"], key, ["Cy"])).json()[key]) == ["Cy"]
    response = await api.patch(FIELD.format(link["id"]), json={"type": "link_row"})
    assert response.status_code == 200
    primary = next(f for f in await api.fields(orders["id"]) if f["primary"])
    response = await api.patch(FIELD.format(primary["id"]), json={
        "type": "link_row", "link_row_table_id": customers["id"]})
    assert response.json()["error"] == "ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE"


async def test_sorting_and_empty_filter(api: Api) -> None:
    customers, orders, link = await _pair(api)
    ids = await _customer_ids(api, customers)
    key = f"field_{link['id']}"
    await _write(api, orders["id"], key, [ids["Cy"]])
    await _write(api, orders["id"], key, [ids["Ada"]])
    listed = await api.rows(orders["id"], order_by=key)
    assert [_names(r[key]) for r in listed["results"]] == [[], ["Ada"], ["Cy"]]
    empty = await api.rows(orders["id"], **{f"filter__{key}__empty": ""})
    assert [r[key] for r in empty["results"]] == [[]]
    full = await api.rows(orders["id"], **{f"filter__{key}__not_empty": ""})
    assert [_names(r[key]) for r in full["results"]] == [["Cy"], ["Ada"]]


async def test_hypothesis_links_read_back_in_table_order(api: Api) -> None:
    names = ("Ada", "Bob", "Cy", "Dee", "Eve")
    customers, orders, link = await _pair(api, names=names)
    ids = await _customer_ids(api, customers)
    key, back = f"field_{link['id']}", f"field_{link['link_row_related_field_id']}"
    examples = draw(st.tuples(st.lists(st.sampled_from(names), unique=True),
                              st.booleans()), 25)
    linked_to: dict[str, set[int]] = {n: set() for n in names}
    for chosen, by_text in examples:
        value = list(chosen) if by_text else [ids[n] for n in chosen]
        row = (await _write(api, orders["id"], key, value)).json()
        expected = [n for n in names if n in chosen]
        assert _names(row[key]) == expected
        for name in chosen:
            linked_to[name].add(row["id"])
    for name in names:
        customer = await api.ok("GET", ROW.format(customers["id"], ids[name]))
        assert sorted(item["id"] for item in customer[back]) == sorted(linked_to[name])


async def test_limit_selection_view(api: Api) -> None:
    customers, orders, link = await _pair(api)
    assert link["link_row_limit_selection_view_id"] is None
    view = await api.ok("POST", f"/api/database/views/table/{customers['id']}/",
                        json={"name": "Grid", "type": "grid"})
    other = await api.ok("POST", f"/api/database/views/table/{orders['id']}/",
                         json={"name": "Grid", "type": "grid"})
    limited = await api.ok("PATCH", FIELD.format(link["id"]),
                           json={"link_row_limit_selection_view_id": view["id"]})
    assert limited["link_row_limit_selection_view_id"] == view["id"]
    response = await api.patch(FIELD.format(link["id"]),
                               json={"link_row_limit_selection_view_id": other["id"]})
    assert response.json()["error"] == "ERROR_VIEW_DOES_NOT_EXIST"
    renamed = await api.ok("PATCH", FIELD.format(link["id"]), json={"name": "Buyer"})
    assert renamed["link_row_limit_selection_view_id"] == view["id"]
    await api.ok("DELETE", f"/api/database/views/{view['id']}/")
    again = await api.ok("GET", FIELD.format(link["id"]))
    assert again["link_row_limit_selection_view_id"] is None


async def test_a_batch_stores_every_link_it_answers(api: Api) -> None:
    """Links of new rows, several per row, in two link fields and to the table itself,
    some rows with none: each row reads back as the batch answered it, and the linked
    rows see them."""
    names = ("Ada", "Bob", "Cy", "Dee")
    customers, orders, link = await _pair(api, names=names)
    again = await api.field(orders["id"], name="Again", type="link_row",
                            link_row_table_id=customers["id"])
    itself = await api.field(orders["id"], name="Before", type="link_row",
                             link_row_table_id=orders["id"])
    ids = await _customer_ids(api, customers)
    [first] = (await api.rows(orders["id"]))["results"]
    chosen = [["Ada", "Cy"], [], ["Dee"], ["Bob", "Ada", "Dee"], [], ["Cy"]]
    items = [{"Order": f"B-{n}", "Customer": [ids[c] for c in picked],
              "Again": list(reversed(picked[:1])), "Before": [first["id"]] if n % 2 else []}
             for n, picked in enumerate(chosen)]
    response = await api.post(BATCH.format(orders["id"]), params={"user_field_names": "true"},
                              json={"items": items})
    assert response.status_code == 200, response.text
    created = response.json()["items"]
    assert [_names(row["Customer"]) for row in created] == [
        [n for n in names if n in picked] for picked in chosen]
    assert [_names(row["Again"]) for row in created] == [picked[:1] for picked in chosen]
    assert [_names(row["Before"]) for row in created] == [
        ["A-1"] if n % 2 else [] for n in range(len(chosen))]
    for row in created:
        stored = await api.ok("GET", ROW.format(orders["id"], row["id"]),
                              params={"user_field_names": "true"})
        assert {k: stored[k] for k in ("Customer", "Again", "Before")} == {
            k: row[k] for k in ("Customer", "Again", "Before")}
    back = f"field_{link['link_row_related_field_id']}"
    again_back = f"field_{again['link_row_related_field_id']}"
    for name in names:
        customer = await api.ok("GET", ROW.format(customers["id"], ids[name]))
        assert sorted(item["id"] for item in customer[back]) == sorted(
            row["id"] for row, picked in zip(created, chosen, strict=True) if name in picked)
        assert sorted(item["id"] for item in customer[again_back]) == sorted(
            row["id"] for row, picked in zip(created, chosen, strict=True)
            if picked[:1] == [name])
    assert itself["link_row_related_field_id"] is None
