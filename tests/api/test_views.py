"""Grid views over HTTP: create, list, change, reorder and delete views, their field
options, who may touch them, what is refused, and the events each change sends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gridbase.events import Event
from tests.api.view_support import (
    VIEWS,
    add_filter,
    add_group,
    add_sort,
    create_view,
    error,
    food_table,
)
from tests.conftest import Api


@pytest.fixture
def events(app: Any) -> Iterator[list[Event]]:
    """Every event published while the test runs."""
    captured: list[Event] = []

    async def listen(event: Event) -> None:
        captured.append(event)

    bus = app.state.services.events
    bus.subscribe(listen)
    yield captured
    bus.listeners.remove(listen)


async def test_create_view_shape(api: Api) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id, name="  Mine  ", filter_type="OR",
                             filters_disabled=True)
    table = await api.ok("GET", f"/api/database/tables/{food.table_id}/")
    assert view["name"] == "Mine" and view["type"] == "grid"
    assert view["table_id"] == food.table_id and view["order"] == 1
    assert view["table"] == {"id": food.table_id, "name": "Food", "order": table["order"],
                             "database_id": food.database_id}
    assert view["filter_type"] == "OR" and view["filters_disabled"] is True
    assert view["row_identifier_type"] == "id" and view["row_height_size"] == "small"
    assert view["ownership_type"] == "collaborative" and view["owned_by_id"] == api.user["id"]
    assert view["public"] is False and view["public_view_has_password"] is False
    assert isinstance(view["slug"], str) and len(view["slug"]) >= 32
    assert "filters" not in view and "sortings" not in view
    second = await create_view(api, food.table_id, name="Second")
    assert second["order"] == 2 and second["slug"] != view["slug"]
    assert second["filter_type"] == "AND" and second["filters_disabled"] is False


async def test_list_views_with_includes_type_and_limit(api: Api) -> None:
    food = await food_table(api)
    first = await create_view(api, food.table_id, name="First")
    second = await create_view(api, food.table_id, name="Second")
    flt = await add_filter(api, first["id"], food.name, "contains", "a")
    group = await add_group(api, first["id"], "OR")
    sort = await add_sort(api, first["id"], food.price, "DESC")
    path = f"{VIEWS}/table/{food.table_id}/"
    plain = await api.ok("GET", path)
    assert [v["id"] for v in plain] == [first["id"], second["id"]]
    assert "filters" not in plain[0] and "sortings" not in plain[0]
    full = await api.ok("GET", path, params={"include": "filters,sortings,unknown"})
    assert full[0]["filters"] == [flt] and full[0]["filter_groups"] == [group]
    assert full[0]["sortings"] == [sort] and full[1]["filters"] == []
    assert "decorations" not in full[0]
    assert (await api.ok("GET", path, params={"include": "decorations,group_bys"}))[0][
        "decorations"] == []
    assert [v["id"] for v in await api.ok("GET", path, params={"limit": "1"})] == [first["id"]]
    assert len(await api.ok("GET", path, params={"type": "grid"})) == 2
    assert await api.ok("GET", path, params={"type": "gallery"}) == []
    got = await api.ok("GET", f"{VIEWS}/{first['id']}/", params={"include": "sortings"})
    assert got["sortings"] == [sort] and "filters" not in got


@pytest.mark.parametrize(("params", "detail"), [
    ({"type": "kanban"}, {"type": [{"error": '"kanban" is not a valid choice.',
                                    "code": "invalid_choice"}]}),
    ({"limit": "many"}, {"limit": [{"error": "A valid integer is required.",
                                    "code": "invalid"}]}),
])
async def test_list_views_bad_query(api: Api, params: dict[str, str], detail: Any) -> None:
    food = await food_table(api)
    response = await api.get(f"{VIEWS}/table/{food.table_id}/", params=params)
    assert response.status_code == 400
    assert response.json() == {"error": "ERROR_QUERY_PARAMETER_VALIDATION", "detail": detail}


@pytest.mark.parametrize(("body", "detail"), [
    ({"type": "grid"}, {"name": [{"error": "This field is required.", "code": "required"}]}),
    ({"name": "x"}, {"type": [{"error": "This field is required.", "code": "required"}]}),
    ({"name": "x", "type": "gallery"},
     {"type": [{"error": '"gallery" is not a valid choice.', "code": "invalid_choice"}]}),
    ({"name": "x", "type": "grid", "filter_type": "XOR"},
     {"filter_type": [{"error": '"XOR" is not a valid choice.', "code": "invalid_choice"}]}),
    ({"name": "   ", "type": "grid"},
     {"name": [{"error": "This field may not be blank.", "code": "blank"}]}),
    ({"name": "x" * 256, "type": "grid"},
     {"name": [{"error": "Ensure this field has no more than 255 characters.",
                "code": "max_length"}]}),
    ({"name": "x", "type": "grid", "filters_disabled": "maybe"},
     {"filters_disabled": [{"error": "Must be valid boolean.", "code": "invalid"}]}),
])
async def test_create_view_validation(api: Api, body: dict[str, Any], detail: Any) -> None:
    food = await food_table(api)
    response = await api.post(f"{VIEWS}/table/{food.table_id}/", json=body)
    assert response.status_code == 400
    result = response.json()
    assert result["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    key = next(iter(detail))
    assert result["detail"][key][0]["code"] == detail[key][0]["code"]
    if detail[key][0]["code"] != "invalid":
        assert result["detail"] == detail
    assert await api.ok("GET", f"{VIEWS}/table/{food.table_id}/") == []


async def test_create_view_refuses_nul_and_non_objects(api: Api) -> None:
    food = await food_table(api)
    path = f"{VIEWS}/table/{food.table_id}/"
    nul = await api.post(path, json={"name": "a\x00b", "type": "grid"})
    assert error(nul) == (400, "ERROR_REQUEST_BODY_VALIDATION")
    assert nul.json()["detail"]["name"][0]["error"] == "Null characters are not allowed."
    listed = await api.post(path, json=["grid"])
    assert error(listed) == (400, "ERROR_REQUEST_BODY_VALIDATION")
    missing = await api.post(f"{VIEWS}/table/99999/", json={"name": "x", "type": "grid"})
    assert error(missing) == (404, "ERROR_TABLE_DOES_NOT_EXIST")
    assert await api.ok("GET", path) == []


async def test_update_view_changes_only_what_is_sent(api: Api) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id, name="Before")
    path = f"{VIEWS}/{view['id']}/"
    renamed = await api.ok("PATCH", path, json={"name": "After"})
    assert renamed["name"] == "After" and renamed["filter_type"] == "AND"
    changed = await api.ok("PATCH", path, params={"include": "filters"},
                           json={"filter_type": "OR", "filters_disabled": True,
                                 "row_height_size": "large", "type": "form"})
    assert changed["name"] == "After" and changed["filter_type"] == "OR"
    assert changed["filters_disabled"] is True and changed["row_height_size"] == "large"
    assert changed["type"] == "grid" and changed["filters"] == []
    bad = await api.patch(path, json={"name": None})
    assert error(bad) == (400, "ERROR_REQUEST_BODY_VALIDATION")
    assert bad.json()["detail"] == {"name": [{"error": "This field may not be null.",
                                              "code": "null"}]}
    bad_type = await api.patch(path, json={"filter_type": "and"})
    assert error(bad_type) == (400, "ERROR_REQUEST_BODY_VALIDATION")
    assert (await api.ok("GET", path))["filter_type"] == "OR"


async def test_delete_view_and_its_parts(api: Api) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id)
    flt = await add_filter(api, view["id"], food.name, "equal", "x")
    group = await add_group(api, view["id"])
    sort = await add_sort(api, view["id"], food.name)
    response = await api.delete(f"{VIEWS}/{view['id']}/")
    assert response.status_code == 204 and response.content == b""
    for path in (f"{VIEWS}/{view['id']}/", f"{VIEWS}/filter/{flt['id']}/",
                 f"{VIEWS}/filter-group/{group['id']}/", f"{VIEWS}/sort/{sort['id']}/"):
        assert (await api.get(path)).status_code == 404
    again = await api.delete(f"{VIEWS}/{view['id']}/")
    assert error(again) == (404, "ERROR_VIEW_DOES_NOT_EXIST")


async def test_deleting_the_table_deletes_its_views(api: Api) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id)
    await api.ok("DELETE", f"/api/database/tables/{food.table_id}/")
    assert error(await api.get(f"{VIEWS}/{view['id']}/")) == (404, "ERROR_VIEW_DOES_NOT_EXIST")


async def test_order_views(api: Api) -> None:
    food = await food_table(api)
    ids = [(await create_view(api, food.table_id, name=n))["id"] for n in "ABC"]
    path = f"{VIEWS}/table/{food.table_id}/"
    response = await api.post(f"{path}order/", json={"view_ids": [ids[2], ids[0]]})
    assert response.status_code == 204
    listed = await api.ok("GET", path)
    assert [(v["id"], v["order"]) for v in listed] == [(ids[1], 0), (ids[2], 1), (ids[0], 2)]
    other = await food_table(api)
    stranger = await create_view(api, other.table_id)
    refused = await api.post(f"{path}order/", json={"view_ids": [ids[0], stranger["id"]]})
    assert refused.json() == {"error": "ERROR_VIEW_NOT_IN_TABLE", "detail":
                              f"The view id {stranger['id']} does not belong to the table."}
    empty = await api.post(f"{path}order/", json={"view_ids": []})
    assert error(empty) == (400, "ERROR_REQUEST_BODY_VALIDATION")
    assert [v["id"] for v in await api.ok("GET", path)] == [ids[1], ids[2], ids[0]]


async def test_field_options_defaults_and_updates(api: Api) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id)
    path = f"{VIEWS}/{view['id']}/field-options/"
    default = {"hidden": False, "width": 200, "order": 32767, "aggregation_type": "",
               "aggregation_raw_type": ""}
    got = await api.ok("GET", path)
    assert got == {"field_options": {str(f): default for f in (food.name, food.price,
                                                                 food.fresh)}}
    updated = await api.ok("PATCH", path, json={"field_options": {
        str(food.price): {"hidden": True, "width": 120},
        food.fresh: {"order": 1, "aggregation_raw_type": "sum"}}})
    assert updated["field_options"][str(food.price)] == {**default, "hidden": True,
                                                         "width": 120}
    assert updated["field_options"][str(food.fresh)] == {**default, "order": 1,
                                                         "aggregation_raw_type": "sum"}
    again = await api.ok("PATCH", path, json={"field_options": {
        str(food.price): {"width": 90}}})
    assert again["field_options"][str(food.price)] == {**default, "hidden": True, "width": 90}
    assert await api.ok("GET", path) == again
    new_field = await api.field(food.table_id, name="Later", type="text")
    assert (await api.ok("GET", path))["field_options"][str(new_field["id"])] == default


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"field_options": {"abc": {"width": 1}}}, 400, "ERROR_REQUEST_BODY_VALIDATION"),
    ({"field_options": {"1": {"width": -5}}}, 400, "ERROR_REQUEST_BODY_VALIDATION"),
    ({"field_options": {"1": {"hidden": "sometimes"}}}, 400, "ERROR_REQUEST_BODY_VALIDATION"),
    ({"field_options": {"1": "wide"}}, 400, "ERROR_REQUEST_BODY_VALIDATION"),
    ({"field_options": []}, 400, "ERROR_REQUEST_BODY_VALIDATION"),
    ({}, 400, "ERROR_REQUEST_BODY_VALIDATION"),
    ({"field_options": {"99999999999": {"width": 1}}}, 400, "ERROR_UNRELATED_FIELD"),
])
async def test_field_options_refusals(api: Api, body: dict[str, Any], status: int,
                                      code: str) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id)
    path = f"{VIEWS}/{view['id']}/field-options/"
    before = await api.ok("GET", path)
    response = await api.patch(path, json=body)
    assert error(response) == (status, code)
    assert await api.ok("GET", path) == before


async def test_field_options_of_another_tables_field_change_nothing(api: Api) -> None:
    food = await food_table(api)
    other = await food_table(api)
    view = await create_view(api, food.table_id)
    path = f"{VIEWS}/{view['id']}/field-options/"
    before = await api.ok("GET", path)
    response = await api.patch(path, json={"field_options": {
        str(food.price): {"width": 10}, str(other.price): {"width": 10}}})
    assert response.json() == {"error": "ERROR_UNRELATED_FIELD",
                               "detail": "The field is not related to the provided view."}
    assert await api.ok("GET", path) == before


async def test_deleting_a_field_removes_its_view_settings(api: Api) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id)
    flt = await add_filter(api, view["id"], food.price, "higher_than", "1")
    kept = await add_filter(api, view["id"], food.name, "contains", "a")
    sort = await add_sort(api, view["id"], food.price)
    await api.ok("PATCH", f"{VIEWS}/{view['id']}/field-options/",
                 json={"field_options": {str(food.price): {"width": 50}}})
    await api.ok("DELETE", f"/api/database/fields/{food.price}/")
    assert (await api.get(f"{VIEWS}/filter/{flt['id']}/")).status_code == 404
    assert (await api.get(f"{VIEWS}/sort/{sort['id']}/")).status_code == 404
    assert await api.ok("GET", f"{VIEWS}/{view['id']}/filters/") == [kept]
    options = await api.ok("GET", f"{VIEWS}/{view['id']}/field-options/")
    assert set(options["field_options"]) == {str(food.name), str(food.fresh)}


async def _view_paths(api: Api) -> tuple[int, int, list[tuple[str, str, Any]]]:
    """(workspace id, table id, every view endpoint with a body that would succeed)."""
    workspace = await api.workspace()
    food = await food_table(api, (await api.database(workspace["id"]))["id"])
    view = await create_view(api, food.table_id)
    flt = await add_filter(api, view["id"], food.name, "equal", "x")
    group = await add_group(api, view["id"])
    sort = await add_sort(api, view["id"], food.name)
    v, t = view["id"], food.table_id
    return workspace["id"], t, [
        ("GET", f"{VIEWS}/table/{t}/", None),
        ("POST", f"{VIEWS}/table/{t}/", {"name": "x", "type": "grid"}),
        ("POST", f"{VIEWS}/table/{t}/order/", {"view_ids": [v]}),
        ("GET", f"{VIEWS}/{v}/", None),
        ("PATCH", f"{VIEWS}/{v}/", {"name": "stolen"}),
        ("GET", f"{VIEWS}/{v}/filters/", None),
        ("POST", f"{VIEWS}/{v}/filters/", {"field": food.name, "type": "equal"}),
        ("GET", f"{VIEWS}/filter/{flt['id']}/", None),
        ("PATCH", f"{VIEWS}/filter/{flt['id']}/", {"value": "y"}),
        ("POST", f"{VIEWS}/{v}/filter-groups/", {}),
        ("GET", f"{VIEWS}/filter-group/{group['id']}/", None),
        ("PATCH", f"{VIEWS}/filter-group/{group['id']}/", {"filter_type": "OR"}),
        ("GET", f"{VIEWS}/{v}/sortings/", None),
        ("POST", f"{VIEWS}/{v}/sortings/", {"field": food.price}),
        ("GET", f"{VIEWS}/sort/{sort['id']}/", None),
        ("PATCH", f"{VIEWS}/sort/{sort['id']}/", {"order": "DESC"}),
        ("GET", f"{VIEWS}/{v}/field-options/", None),
        ("PATCH", f"{VIEWS}/{v}/field-options/", {"field_options": {}}),
        ("GET", f"{VIEWS}/grid/{v}/", None),
        ("DELETE", f"{VIEWS}/filter/{flt['id']}/", None),
        ("DELETE", f"{VIEWS}/filter-group/{group['id']}/", None),
        ("DELETE", f"{VIEWS}/sort/{sort['id']}/", None),
        ("DELETE", f"{VIEWS}/{v}/", None),
    ]


async def test_other_user_is_refused_everywhere(api: Api, other_api: Api) -> None:
    _, table_id, paths = await _view_paths(api)
    snapshot = await api.ok("GET", f"{VIEWS}/table/{table_id}/",
                            params={"include": "filters,sortings"})
    for method, path, body in paths:
        response = await other_api.request(method, path, json=body)
        assert response.json() == {"error": "ERROR_USER_NOT_IN_GROUP", "detail": ""}, path
        assert response.status_code == 400
    assert await api.ok("GET", f"{VIEWS}/table/{table_id}/",
                        params={"include": "filters,sortings"}) == snapshot


async def test_no_credentials_or_a_database_token_are_refused(api: Api) -> None:
    workspace_id, _, paths = await _view_paths(api)
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "t", "workspace": workspace_id})
    for method, path, body in paths:
        anonymous = await api.client.request(method, path, json=body)
        assert anonymous.status_code == 401, path
        with_token = await api.client.request(
            method, path, json=body, headers={"Authorization": f"Token {token['key']}"})
        assert with_token.status_code == 401, path


@pytest.mark.parametrize(("method", "path", "code"), [
    ("GET", "/99999/", "ERROR_VIEW_DOES_NOT_EXIST"),
    ("PATCH", "/99999/", "ERROR_VIEW_DOES_NOT_EXIST"),
    ("DELETE", "/99999/", "ERROR_VIEW_DOES_NOT_EXIST"),
    ("GET", "/99999999999999999999/", "ERROR_VIEW_DOES_NOT_EXIST"),
    ("GET", "/99999/filters/", "ERROR_VIEW_DOES_NOT_EXIST"),
    ("GET", "/99999/sortings/", "ERROR_VIEW_DOES_NOT_EXIST"),
    ("GET", "/99999/field-options/", "ERROR_VIEW_DOES_NOT_EXIST"),
    ("POST", "/99999/filter-groups/", "ERROR_VIEW_DOES_NOT_EXIST"),
    ("GET", "/grid/99999/", "ERROR_VIEW_DOES_NOT_EXIST"),
    ("GET", "/filter/99999/", "ERROR_VIEW_FILTER_DOES_NOT_EXIST"),
    ("DELETE", "/filter/99999/", "ERROR_VIEW_FILTER_DOES_NOT_EXIST"),
    ("GET", "/filter-group/99999/", "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST"),
    ("GET", "/sort/99999/", "ERROR_VIEW_SORT_DOES_NOT_EXIST"),
    ("PATCH", "/sort/99999/", "ERROR_VIEW_SORT_DOES_NOT_EXIST"),
])
async def test_unknown_ids_are_404(api: Api, method: str, path: str, code: str) -> None:
    response = await api.request(method, f"{VIEWS}{path}", json={})
    assert error(response) == (404, code)


async def test_events_after_each_change(api: Api, events: list[Event]) -> None:
    food = await food_table(api)
    events.clear()
    view = await create_view(api, food.table_id)
    await api.ok("PATCH", f"{VIEWS}/{view['id']}/", json={"name": "Renamed"})
    flt = await add_filter(api, view["id"], food.name, "equal", "x")
    await api.ok("PATCH", f"{VIEWS}/filter/{flt['id']}/", json={"value": "y"})
    await api.ok("DELETE", f"{VIEWS}/filter/{flt['id']}/")
    group = await add_group(api, view["id"])
    await api.ok("PATCH", f"{VIEWS}/filter-group/{group['id']}/", json={"filter_type": "OR"})
    await api.ok("DELETE", f"{VIEWS}/filter-group/{group['id']}/")
    sort = await add_sort(api, view["id"], food.name)
    await api.ok("PATCH", f"{VIEWS}/sort/{sort['id']}/", json={"order": "DESC"})
    await api.ok("DELETE", f"{VIEWS}/sort/{sort['id']}/")
    await api.ok("PATCH", f"{VIEWS}/{view['id']}/field-options/",
                 json={"field_options": {str(food.name): {"width": 99}}})
    await api.ok("POST", f"{VIEWS}/table/{food.table_id}/order/",
                 json={"view_ids": [view["id"]]})
    await api.ok("DELETE", f"{VIEWS}/{view['id']}/")
    mine = [e for e in events if e.table_id == food.table_id]
    assert [e.type for e in mine] == [
        "view_created", "view_updated", "view_filter_created", "view_filter_updated",
        "view_filter_deleted", "view_filter_group_created", "view_filter_group_updated",
        "view_filter_group_deleted", "view_sort_created", "view_sort_updated",
        "view_sort_deleted", "view_field_options_updated", "views_reordered", "view_deleted"]
    payloads = {e.type: e.payload for e in mine}
    assert payloads["view_created"]["view"]["filters"] == []
    assert payloads["view_created"]["view"]["sortings"] == []
    assert payloads["view_updated"]["view"]["name"] == "Renamed"
    assert payloads["view_filter_updated"]["view_filter"]["value"] == "y"
    assert payloads["view_filter_deleted"] == {"type": "view_filter_deleted",
                                               "view_id": view["id"],
                                               "view_filter_id": flt["id"]}
    assert payloads["view_sort_updated"]["view_sort"]["order"] == "DESC"
    assert payloads["view_field_options_updated"]["field_options"][str(food.name)][
        "width"] == 99
    assert payloads["views_reordered"]["order"] == [view["id"]]
    assert payloads["view_deleted"] == {"type": "view_deleted", "table_id": food.table_id,
                                        "view_id": view["id"]}


async def test_refused_change_sends_no_event(api: Api, events: list[Event]) -> None:
    food = await food_table(api)
    view = await create_view(api, food.table_id)
    events.clear()
    response = await api.post(f"{VIEWS}/{view['id']}/filters/",
                              json={"field": food.fresh, "type": "contains", "value": "x"})
    assert error(response) == (400, "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD")
    assert [e for e in events if e.table_id == food.table_id] == []
