"""Row reads trust the cached schemas and confirm them in their own SELECT: whatever
another instance changed meanwhile (a field added, converted or deleted, a filter on a
new field, the table deleted), the answer is the one the current schema gives."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

ROWS = "/api/database/rows/table"


async def _warm(api: Api, table_id: int, row_id: int) -> None:
    """Cache the table's schema in the first instance (list and get both read it)."""
    await api.rows(table_id, user_field_names="true")
    await api.ok("GET", f"{ROWS}/{table_id}/{row_id}/", params={"user_field_names": "true"})


async def test_a_field_added_elsewhere_is_listed_and_filterable_at_once(
        api: Api, second: Api) -> None:
    table = await api.table(data=[["Name"], ["a"], ["b"]])
    await _warm(api, table["id"], 1)
    await second.field(table["id"], name="Score", type="number")
    await second.ok("PATCH", f"{ROWS}/{table['id']}/1/", params={"user_field_names": "true"},
                    json={"Score": "7"})
    rows = await api.rows(table["id"], user_field_names="true")
    assert [(r["Name"], r["Score"]) for r in rows["results"]] == [("a", "7"), ("b", None)]
    found = await api.rows(table["id"], user_field_names="true",
                           filter__Score__higher_than="5")
    assert [r["Name"] for r in found["results"]] == ["a"] and found["count"] == 1
    row = await api.ok("GET", f"{ROWS}/{table['id']}/2/", params={"user_field_names": "true"})
    assert row["Score"] is None


async def test_a_field_converted_or_deleted_elsewhere_reads_as_it_is_now(
        api: Api, second: Api) -> None:
    table = await api.table(data=[["Name", "Code"], ["a", "12"], ["b", "x"]])
    await _warm(api, table["id"], 1)
    fields = {f["name"]: f for f in await second.fields(table["id"])}
    await second.ok("PATCH", f"/api/database/fields/{fields['Code']['id']}/",
                    json={"type": "number"})
    rows = await api.rows(table["id"], user_field_names="true")
    assert [r["Code"] for r in rows["results"]] == ["12", None]
    await second.ok("DELETE", f"/api/database/fields/{fields['Code']['id']}/")
    rows = await api.rows(table["id"], user_field_names="true")
    assert [sorted(r) for r in rows["results"]] == [["Name", "id", "order"]] * 2
    row = await api.ok("GET", f"{ROWS}/{table['id']}/1/", params={"user_field_names": "true"})
    assert "Code" not in row and row["Name"] == "a"


async def test_a_table_deleted_elsewhere_is_gone(api: Api, second: Api) -> None:
    table = await api.table(data=[["Name"], ["a"]])
    await _warm(api, table["id"], 1)
    await second.ok("DELETE", f"/api/database/tables/{table['id']}/")
    for path in (f"{ROWS}/{table['id']}/", f"{ROWS}/{table['id']}/1/"):
        response = await api.client.get(path, headers=api.headers)
        assert response.status_code == 404
        assert response.json()["error"] == "ERROR_TABLE_DOES_NOT_EXIST"


async def test_a_linked_tables_primary_changed_elsewhere_shows_in_links(
        api: Api, second: Api) -> None:
    database = await api.database()
    customers = await api.table(database["id"], name="Customers", data=[["Name"], ["Ada"]])
    orders = await api.table(database["id"], name="Orders", data=[["Name"], ["o1"]])
    link = await api.field(orders["id"], name="Customer", type="link_row",
                           link_row_table_id=customers["id"])
    await api.ok("PATCH", f"{ROWS}/{orders['id']}/1/", json={f"field_{link['id']}": [1]})
    await _warm(api, orders["id"], 1)
    primary = next(f for f in await second.fields(customers["id"]) if f["primary"])
    await second.ok("PATCH", f"/api/database/fields/{primary['id']}/",
                    json={"type": "long_text"})
    await second.ok("PATCH", f"{ROWS}/{customers['id']}/1/", json={
        f"field_{primary['id']}": "Ada L."})
    rows = await api.rows(orders["id"], user_field_names="true")
    assert [[item["value"] for item in r["Customer"]] for r in rows["results"]] == [["Ada L."]]


async def test_missing_rows_and_bad_sorts_answer_as_before(api: Api, app: Any) -> None:
    table = await api.table(data=[["Name"], ["a"]])
    await _warm(api, table["id"], 1)
    missing = await api.client.get(f"{ROWS}/{table['id']}/99/", headers=api.headers)
    assert missing.status_code == 404
    assert missing.json()["error"] == "ERROR_ROW_DOES_NOT_EXIST"
    bad = await api.client.get(f"{ROWS}/{table['id']}/", headers=api.headers,
                               params={"order_by": "Nope", "user_field_names": "true"})
    assert bad.status_code == 400
    assert bad.json()["error"] == "ERROR_ORDER_BY_FIELD_NOT_FOUND"
    empty = await api.rows(table["id"], user_field_names="true", search="zzz")
    assert empty["count"] == 0 and empty["results"] == []


async def test_writes_use_fields_changed_elsewhere(api: Api, second: Api) -> None:
    table = await api.table(data=[["Name", "Old"], ["a", "x"]])
    await api.ok("POST", f"{ROWS}/{table['id']}/", params={"user_field_names": "true"},
                 json={"Name": "warm"})
    await api.ok("PATCH", f"{ROWS}/{table['id']}/1/", params={"user_field_names": "true"},
                 json={"Name": "a"})
    await second.field(table["id"], name="Score", type="number")
    plain = await api.ok("POST", f"{ROWS}/{table['id']}/", json={"Name": "c"},
                         params={"user_field_names": "true"})
    assert sorted(plain) == ["Name", "Old", "Score", "id", "order"]
    await second.field(table["id"], name="Later", type="text")
    renamed = await api.ok("PATCH", f"{ROWS}/{table['id']}/{plain['id']}/",
                           json={"Name": "c"}, params={"user_field_names": "true"})
    assert "Later" in renamed
    await second.ok("DELETE", f"{ROWS}/{table['id']}/{plain['id']}/")
    old = next(f for f in await second.fields(table["id"]) if f["name"] == "Old")
    await second.ok("DELETE", f"/api/database/fields/{old['id']}/")
    created = await api.ok("POST", f"{ROWS}/{table['id']}/", json={"Name": "b", "Score": "3"},
                           params={"user_field_names": "true"})
    assert created["Score"] == "3" and "Old" not in created
    updated = await api.ok("PATCH", f"{ROWS}/{table['id']}/1/", json={"Score": "4"},
                           params={"user_field_names": "true"})
    assert updated["Score"] == "4" and updated["Name"] == "a" and "Old" not in updated
    batch = await api.ok("PATCH", f"{ROWS}/{table['id']}/batch/",
                         params={"user_field_names": "true"},
                         json={"items": [{"id": created["id"], "Score": "5"}]})
    assert [r["Score"] for r in batch["items"]] == ["5"]
    rows = await second.rows(table["id"], user_field_names="true")
    assert sorted((r["Name"], r["Score"]) for r in rows["results"]) == [
        ("a", "4"), ("b", "5"), ("warm", None)]
