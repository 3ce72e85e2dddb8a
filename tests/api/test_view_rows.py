"""Rows through a saved view: `view_id` on the row listing and the grid view endpoint
apply the view's filters (with nested groups) and sorts, combined with ad-hoc ones."""

from __future__ import annotations

import json

import pytest

from tests.api.view_support import (
    VIEWS,
    Food,
    add_filter,
    add_group,
    add_sort,
    create_view,
    error,
    food_table,
    view_names,
)
from tests.conftest import Api

ALL = ["Apple", "banana", "Cherry", "date", "Elder"]


async def _filtered(api: Api, filter_type: str = "AND") -> tuple[Food, int]:
    """A view keeping fresh rows priced above 3 (AND) or either of them (OR)."""
    food = await food_table(api)
    view = await create_view(api, food.table_id, filter_type=filter_type)
    await add_filter(api, view["id"], food.fresh, "boolean", "1")
    await add_filter(api, view["id"], food.price, "higher_than", "3")
    return food, view["id"]


async def test_view_filters_and_or(api: Api) -> None:
    food, view_id = await _filtered(api)
    assert await view_names(api, food.table_id, view_id) == ["Apple", "Elder"]
    body = await api.rows(food.table_id, view_id=view_id)
    assert body["count"] == 2
    await api.ok("PATCH", f"{VIEWS}/{view_id}/", json={"filter_type": "OR"})
    assert await view_names(api, food.table_id, view_id) == [
        "Apple", "banana", "Cherry", "Elder"]
    assert await view_names(api, food.table_id, view_id, filter__Name__contains="an") == [
        "banana"]


async def test_filters_disabled_keeps_sorts(api: Api) -> None:
    food, view_id = await _filtered(api)
    await add_sort(api, view_id, food.price, "DESC")
    await api.ok("PATCH", f"{VIEWS}/{view_id}/", json={"filters_disabled": True})
    assert await view_names(api, food.table_id, view_id) == [
        "Elder", "banana", "Apple", "date", "Cherry"]
    await api.ok("PATCH", f"{VIEWS}/{view_id}/", json={"filters_disabled": False})
    assert await view_names(api, food.table_id, view_id) == ["Elder", "Apple"]


async def test_view_sorts_in_priority_and_ad_hoc_order_wins(api: Api) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id)
    assert await view_names(api, food.table_id, view["id"]) == ALL
    await add_sort(api, view["id"], food.fresh, "ASC")
    await add_sort(api, view["id"], food.price, "DESC")
    assert await view_names(api, food.table_id, view["id"]) == [
        "banana", "date", "Elder", "Apple", "Cherry"]
    assert await view_names(api, food.table_id, view["id"], order_by="Price") == [
        "Cherry", "date", "Apple", "banana", "Elder"]
    assert await view_names(api, food.table_id, view["id"], order_by="") == [
        "banana", "date", "Elder", "Apple", "Cherry"]


async def test_ad_hoc_filters_are_and_with_the_view(api: Api) -> None:
    food, view_id = await _filtered(api, "OR")
    assert await view_names(api, food.table_id, view_id, filter__Name__contains="e") == [
        "Apple", "Cherry", "Elder"]
    assert await view_names(api, food.table_id, view_id, filter_type="OR",
                            filter__Name__equal="date", filter__Price__equal="50") == [
        "Elder"]
    tree = {"filter_type": "AND", "filters": [
        {"field": "Price", "type": "lower_than", "value": "20"}]}
    assert await view_names(api, food.table_id, view_id, filters=json.dumps(tree)) == [
        "Apple", "banana"]
    assert await view_names(api, food.table_id, view_id, search="cherry") == ["Cherry"]


async def test_nested_filter_groups(api: Api) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id)
    outer = await add_group(api, view["id"], "OR")
    inner = await add_group(api, view["id"], "AND", parent=outer["id"])
    await add_filter(api, view["id"], food.price, "higher_than", "10", group=outer["id"])
    await add_filter(api, view["id"], food.fresh, "boolean", "1", group=inner["id"])
    await add_filter(api, view["id"], food.name, "contains", "pp", group=inner["id"])
    assert await view_names(api, food.table_id, view["id"]) == ["Apple", "banana", "Elder"]
    await add_filter(api, view["id"], food.name, "not_equal", "Elder")
    assert await view_names(api, food.table_id, view["id"]) == ["Apple", "banana"]
    await api.ok("PATCH", f"{VIEWS}/filter-group/{inner['id']}/", json={"filter_type": "OR"})
    assert await view_names(api, food.table_id, view["id"]) == ["Apple", "banana", "Cherry"]
    empty = await add_group(api, view["id"], "OR")
    assert empty["id"] and await view_names(api, food.table_id, view["id"]) == [
        "Apple", "banana", "Cherry"]


@pytest.mark.parametrize(("view_id", "status", "code"), [
    ("OTHER", 404, "ERROR_VIEW_DOES_NOT_EXIST"),
    ("99999999", 404, "ERROR_VIEW_DOES_NOT_EXIST"),
    ("99999999999999999999", 404, "ERROR_VIEW_DOES_NOT_EXIST"),
    ("abc", 400, "ERROR_QUERY_PARAMETER_VALIDATION"),
])
async def test_view_id_refusals(api: Api, view_id: str, status: int, code: str) -> None:
    food = await food_table(api)
    other = await food_table(api)
    other_view = await create_view(api, other.table_id)
    value = str(other_view["id"]) if view_id == "OTHER" else view_id
    response = await api.get(f"/api/database/rows/table/{food.table_id}/",
                             params={"view_id": value})
    assert error(response) == (status, code)


async def test_view_applies_for_a_database_token(api: Api) -> None:
    workspace = await api.workspace()
    food = await food_table(api, (await api.database(workspace["id"]))["id"])
    view = await create_view(api, food.table_id)
    await add_filter(api, view["id"], food.fresh, "boolean", "0")
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "reader", "workspace": workspace["id"]})
    response = await api.client.get(
        f"/api/database/rows/table/{food.table_id}/",
        params={"view_id": view["id"], "user_field_names": "1"},
        headers={"Authorization": f"Token {token['key']}"})
    assert [r["Name"] for r in response.json()["results"]] == ["banana", "date"]


async def test_filter_that_no_longer_fits_is_left_out(api: Api) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id)
    await add_filter(api, view["id"], food.price, "higher_than", "10")
    await add_filter(api, view["id"], food.name, "not_equal", "banana")
    assert await view_names(api, food.table_id, view["id"]) == ["Elder"]
    await api.ok("PATCH", f"/api/database/fields/{food.price}/", json={"type": "text"})
    assert await view_names(api, food.table_id, view["id"]) == [
        "Apple", "Cherry", "date", "Elder"]


async def test_grid_endpoint_pages_and_field_options(api: Api) -> None:
    food, view_id = await _filtered(api, "OR")
    await add_sort(api, view_id, food.price, "DESC")
    path = f"{VIEWS}/grid/{view_id}/"
    first = await api.ok("GET", path, params={"size": "2"})
    assert first["count"] == 4 and first["previous"] is None
    assert [r["id"] for r in first["results"]] == [5, 2]
    assert set(first["results"][0]) == {"id", "order", f"field_{food.name}",
                                        f"field_{food.price}", f"field_{food.fresh}"}
    assert first["next"].endswith(f"{path}?size=2&page=2")
    second = await api.ok("GET", path, params={"size": "2", "page": "2"})
    assert [r["id"] for r in second["results"]] == [1, 3] and second["next"] is None
    assert second["previous"].endswith(f"{path}?size=2")
    window = await api.ok("GET", path, params={"limit": "2", "offset": "1"})
    assert [r["id"] for r in window["results"]] == [2, 1]
    assert window["next"].endswith(f"{path}?limit=2&offset=3")
    assert window["previous"].endswith(f"{path}?limit=2")
    assert "field_options" not in window
    with_options = await api.ok("GET", path, params={"include": "field_options"})
    assert with_options["field_options"][str(food.price)]["width"] == 200
    assert len(with_options["results"]) == 4
    assert await api.ok("GET", path, params={"count": ""}) == {"count": 4}
    ad_hoc = await api.ok("GET", path, params={
        "order_by": f"field_{food.name}", f"filter__field_{food.fresh}__boolean": "1",
        "include_fields": f"field_{food.name}"})
    assert [r[f"field_{food.name}"] for r in ad_hoc["results"]] == ["Apple", "Cherry", "Elder"]
    assert set(ad_hoc["results"][0]) == {"id", "order", f"field_{food.name}"}
    too_big = await api.get(path, params={"limit": "100000"})
    assert error(too_big) == (400, "ERROR_PAGE_SIZE_LIMIT")
