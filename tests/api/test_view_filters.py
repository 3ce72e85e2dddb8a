"""A view's filters, filter groups and sorts over HTTP: their shapes, changes and
refusals; a refused request leaves everything as it was."""

from __future__ import annotations

from typing import Any

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
)
from tests.conftest import Api


async def _setup(api: Api) -> tuple[Food, int]:
    food = await food_table(api)
    return food, (await create_view(api, food.table_id))["id"]


async def _snapshot(api: Api, view_id: int) -> dict[str, Any]:
    result: dict[str, Any] = await api.ok("GET", f"{VIEWS}/{view_id}/",
                                          params={"include": "filters,sortings"})
    return result


async def test_filter_lifecycle(api: Api) -> None:
    food, view_id = await _setup(api)
    created = await api.ok("POST", f"{VIEWS}/{view_id}/filters/",
                           json={"field": food.price, "type": "higher_than", "value": 10})
    assert created == {"id": created["id"], "view": view_id, "field": food.price,
                       "type": "higher_than", "value": "10", "preload_values": {},
                       "group": None}
    defaulted = await api.ok("POST", f"{VIEWS}/{view_id}/filters/",
                             json={"field": food.name, "type": "empty"})
    assert defaulted["value"] == ""
    assert await api.ok("GET", f"{VIEWS}/{view_id}/filters/") == [created, defaulted]
    path = f"{VIEWS}/filter/{created['id']}/"
    assert await api.ok("GET", path) == created
    moved = await api.ok("PATCH", path, json={"field": food.name, "type": "contains"})
    assert moved == {**created, "field": food.name, "type": "contains"}
    revalued = await api.ok("PATCH", path, json={"value": "an"})
    assert revalued == {**moved, "value": "an"}
    assert (await api.delete(path)).status_code == 204
    assert await api.ok("GET", f"{VIEWS}/{view_id}/filters/") == [defaulted]


@pytest.mark.parametrize(("body", "status", "code", "detail"), [
    ({"type": "equal"}, 400, "ERROR_REQUEST_BODY_VALIDATION",
     {"field": [{"error": "This field is required.", "code": "required"}]}),
    ({"field": "NAME", "type": "nope"}, 400, "ERROR_REQUEST_BODY_VALIDATION",
     {"type": [{"error": '"nope" is not a valid choice.', "code": "invalid_choice"}]}),
    ({"field": "NAME", "type": 5}, 400, "ERROR_REQUEST_BODY_VALIDATION",
     {"type": [{"error": '"5" is not a valid choice.', "code": "invalid_choice"}]}),
    ({"field": "FRESH", "type": "contains", "value": "x"}, 400,
     "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
     "The filter contains is not compatible with field type boolean."),
    ({"field": "NAME", "type": "higher_than", "value": "1"}, 400,
     "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
     "The filter higher_than is not compatible with field type text."),
    ({"field": 99999999, "type": "equal"}, 400, "ERROR_REQUEST_BODY_VALIDATION",
     {"field": [{"error": 'Invalid pk "99999999" - object does not exist.',
                 "code": "does_not_exist"}]}),
    ({"field": 99999999999999, "type": "equal"}, 400, "ERROR_REQUEST_BODY_VALIDATION", None),
    ({"field": "OTHER", "type": "equal"}, 400, "ERROR_FIELD_NOT_IN_TABLE",
     "The provided field does not belong in the related table."),
    ({"field": "NAME", "type": "equal", "group": 99999999}, 404,
     "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST", "The view filter group does not exist."),
    ({"field": "NAME", "type": "equal", "group": "OTHER_GROUP"}, 404,
     "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST", None),
    ({"field": "NAME", "type": "equal", "value": "a\x00"}, 400,
     "ERROR_REQUEST_BODY_VALIDATION", None),
    ({"field": "NAME", "type": "equal", "value": None}, 400,
     "ERROR_REQUEST_BODY_VALIDATION",
     {"value": [{"error": "This field may not be null.", "code": "null"}]}),
])
async def test_create_filter_refusals(api: Api, body: dict[str, Any], status: int, code: str,
                                      detail: Any) -> None:
    food, view_id = await _setup(api)
    other = await food_table(api)
    other_view = await create_view(api, other.table_id)
    other_group = await add_group(api, other_view["id"])
    names = {"NAME": food.name, "FRESH": food.fresh, "OTHER": other.name,
             "OTHER_GROUP": other_group["id"]}
    resolved = {k: names.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = await _snapshot(api, view_id)
    response = await api.post(f"{VIEWS}/{view_id}/filters/", json=resolved)
    assert error(response) == (status, code)
    if detail is not None:
        assert response.json()["detail"] == detail
    assert await _snapshot(api, view_id) == before


async def test_update_filter_refusals_change_nothing(api: Api) -> None:
    food, view_id = await _setup(api)
    other = await food_table(api)
    flt = await add_filter(api, view_id, food.name, "contains", "a")
    path = f"{VIEWS}/filter/{flt['id']}/"
    for body, expected in [
        ({"type": "boolean"}, (400, "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD")),
        ({"field": food.fresh}, (400, "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD")),
        ({"field": other.name}, (400, "ERROR_FIELD_NOT_IN_TABLE")),
        ({"type": "unknown"}, (400, "ERROR_REQUEST_BODY_VALIDATION")),
        ({"value": ["a"]}, (400, "ERROR_REQUEST_BODY_VALIDATION")),
        ({"field": None}, (400, "ERROR_REQUEST_BODY_VALIDATION")),
    ]:
        assert error(await api.patch(path, json=body)) == expected, body
    assert await api.ok("GET", path) == flt
    both = await api.ok("PATCH", path, json={"field": food.fresh, "type": "boolean",
                                             "value": "1"})
    assert (both["field"], both["type"], both["value"]) == (food.fresh, "boolean", "1")


async def test_filter_groups_nest_and_cascade(api: Api) -> None:
    food, view_id = await _setup(api)
    outer = await add_group(api, view_id, "OR")
    assert outer == {"id": outer["id"], "filter_type": "OR", "view": view_id,
                     "parent_group": None}
    inner = await add_group(api, view_id, parent=outer["id"])
    assert inner["parent_group"] == outer["id"] and inner["filter_type"] == "AND"
    default = await api.ok("POST", f"{VIEWS}/{view_id}/filter-groups/")
    assert default["filter_type"] == "AND" and default["parent_group"] is None
    in_inner = await add_filter(api, view_id, food.name, "equal", "x", group=inner["id"])
    top = await add_filter(api, view_id, food.name, "equal", "y")
    assert in_inner["group"] == inner["id"]
    path = f"{VIEWS}/filter-group/{outer['id']}/"
    assert await api.ok("GET", path) == outer
    assert (await api.ok("PATCH", path, json={"filter_type": "AND"}))["filter_type"] == "AND"
    assert (await api.ok("PATCH", path, json={}))["filter_type"] == "AND"
    bad = await api.patch(path, json={"filter_type": "or"})
    assert error(bad) == (400, "ERROR_REQUEST_BODY_VALIDATION")
    assert (await api.delete(path)).status_code == 204
    for gone in (f"{VIEWS}/filter-group/{inner['id']}/", f"{VIEWS}/filter/{in_inner['id']}/"):
        assert (await api.get(gone)).status_code == 404
    view = await _snapshot(api, view_id)
    assert view["filters"] == [top] and view["filter_groups"] == [default]


async def test_filter_group_refusals(api: Api) -> None:
    food, view_id = await _setup(api)
    other_view = await create_view(api, food.table_id, name="Other")
    foreign = await add_group(api, other_view["id"])
    path = f"{VIEWS}/{view_id}/filter-groups/"
    missing = await api.post(path, json={"parent_group": 99999999})
    assert missing.json() == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": {
        "parent_group": [{"error": 'Invalid pk "99999999" - object does not exist.',
                          "code": "does_not_exist"}]}}
    elsewhere = await api.post(path, json={"parent_group": foreign["id"]})
    assert error(elsewhere) == (404, "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST")
    bad_type = await api.post(path, json={"filter_type": "XOR"})
    assert error(bad_type) == (400, "ERROR_REQUEST_BODY_VALIDATION")
    assert (await _snapshot(api, view_id))["filter_groups"] == []


async def test_sort_lifecycle(api: Api) -> None:
    food, view_id = await _setup(api)
    created = await api.ok("POST", f"{VIEWS}/{view_id}/sortings/", json={"field": food.price})
    assert created == {"id": created["id"], "view": view_id, "field": food.price,
                       "order": "ASC", "type": "default"}
    second = await add_sort(api, view_id, food.name, "DESC")
    assert await api.ok("GET", f"{VIEWS}/{view_id}/sortings/") == [created, second]
    path = f"{VIEWS}/sort/{created['id']}/"
    assert await api.ok("GET", path) == created
    flipped = await api.ok("PATCH", path, json={"order": "DESC"})
    assert flipped == {**created, "order": "DESC"}
    moved = await api.ok("PATCH", path, json={"field": food.fresh})
    assert moved["field"] == food.fresh and moved["order"] == "DESC"
    same = await api.ok("PATCH", path, json={"field": food.fresh})
    assert same == moved
    assert (await api.delete(path)).status_code == 204
    assert await api.ok("GET", f"{VIEWS}/{view_id}/sortings/") == [second]


async def test_sort_refusals_change_nothing(api: Api) -> None:
    food, view_id = await _setup(api)
    other = await food_table(api)
    sort = await add_sort(api, view_id, food.name)
    other_sort = await add_sort(api, view_id, food.price)
    create = f"{VIEWS}/{view_id}/sortings/"
    cases = [
        ("POST", create, {"field": food.name}, (400, "ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS")),
        ("POST", create, {"field": food.fresh, "order": "UP"},
         (400, "ERROR_REQUEST_BODY_VALIDATION")),
        ("POST", create, {"field": food.fresh, "type": "order"},
         (400, "ERROR_VIEW_SORT_FIELD_NOT_SUPPORTED")),
        ("POST", create, {"field": other.name}, (400, "ERROR_FIELD_NOT_IN_TABLE")),
        ("POST", create, {"field": 99999999}, (400, "ERROR_REQUEST_BODY_VALIDATION")),
        ("POST", create, {}, (400, "ERROR_REQUEST_BODY_VALIDATION")),
        ("PATCH", f"{VIEWS}/sort/{other_sort['id']}/", {"field": food.name},
         (400, "ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS")),
        ("PATCH", f"{VIEWS}/sort/{sort['id']}/", {"order": "asc"},
         (400, "ERROR_REQUEST_BODY_VALIDATION")),
    ]
    before = await _snapshot(api, view_id)
    for method, path, body, expected in cases:
        assert error(await api.request(method, path, json=body)) == expected, body
    assert await _snapshot(api, view_id) == before
    detail = (await api.post(create, json={"field": food.name})).json()["detail"]
    assert detail == "A sort with the field already exists in the view."


GARBAGE: list[Any] = [
    None, [], "text", 7, {"field": True}, {"field": [1]}, {"field": {"a": 1}},
    {"field": 2**70, "type": "equal", "group": 2**70, "parent_group": 2**70},
    {"field": -1, "type": "equal", "group": -1, "parent_group": -1},
    {"type": None, "value": {"x": 1}, "order": 1, "filter_type": None},
    {"name": "\x00", "type": "grid", "view_ids": ["a", None]},
    {"view_ids": [2**70, -3]}, {"field_options": {"1": None, "": {}}},
    {"field_options": {str(2**70): {"width": 2**70, "order": "x"}}},
]


async def test_garbage_bodies_never_fail_the_server(api: Api) -> None:
    food, view_id = await _setup(api)
    flt = await add_filter(api, view_id, food.name, "equal", "x")
    group = await add_group(api, view_id)
    sort = await add_sort(api, view_id, food.name)
    paths = [
        ("POST", f"{VIEWS}/table/{food.table_id}/"),
        ("POST", f"{VIEWS}/table/{food.table_id}/order/"),
        ("PATCH", f"{VIEWS}/{view_id}/"),
        ("POST", f"{VIEWS}/{view_id}/filters/"),
        ("PATCH", f"{VIEWS}/filter/{flt['id']}/"),
        ("POST", f"{VIEWS}/{view_id}/filter-groups/"),
        ("PATCH", f"{VIEWS}/filter-group/{group['id']}/"),
        ("POST", f"{VIEWS}/{view_id}/sortings/"),
        ("PATCH", f"{VIEWS}/sort/{sort['id']}/"),
        ("PATCH", f"{VIEWS}/{view_id}/field-options/"),
    ]
    before = await _snapshot(api, view_id)
    options = await api.ok("GET", f"{VIEWS}/{view_id}/field-options/")
    views_before = await api.ok("GET", f"{VIEWS}/table/{food.table_id}/")
    for method, path in paths:
        for body in GARBAGE:
            response = await api.request(method, path, json=body)
            assert response.status_code < 500, (path, body, response.text)
            assert response.status_code in (200, 400, 404), (path, body, response.text)
    # Some garbage is valid for some endpoints (e.g. `{}` style partial updates), so
    # compare only what no garbage body could legitimately change.
    after = await _snapshot(api, view_id)
    assert after["filters"] == before["filters"] and after["sortings"] == before["sortings"]
    assert after["name"] == before["name"]
    assert await api.ok("GET", f"{VIEWS}/table/{food.table_id}/") == views_before
    assert await api.ok("GET", f"{VIEWS}/{view_id}/field-options/") == options
    for query in ({"limit": str(2**70)}, {"type": "\x00"}, {"include": "x" * 1000}):
        response = await api.get(f"{VIEWS}/table/{food.table_id}/", params=query)
        assert response.status_code in (200, 400), query
    for query in ({"page": str(2**70)}, {"offset": str(2**70), "limit": "5"},
                  {"size": "-4"}, {"limit": "x"}):
        response = await api.get(f"{VIEWS}/grid/{view_id}/", params=query)
        assert response.status_code == 200, (query, response.text)
