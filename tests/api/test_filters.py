"""Row filters over HTTP: the legacy `filter__` parameters, the `filters` JSON tree,
search and their errors, on text, number and boolean fields."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Api

ROWS: list[dict[str, Any]] = [
    {"Name": "Apple pie", "Price": "3.50", "Fresh": True},
    {"Name": "banana", "Price": "12", "Fresh": False},
    {"Name": "", "Price": None, "Fresh": True},
    {"Name": None, "Price": "-1", "Fresh": False},
    {"Name": "Cherry_50%", "Price": "50", "Fresh": True},
]


async def _table(api: Api) -> int:
    table = await api.table(name="Food")
    await api.field(table["id"], name="Price", type="number", number_decimal_places=2,
                    number_negative=True)
    await api.field(table["id"], name="Fresh", type="boolean")
    await api.ok("POST", f"/api/database/rows/table/{table['id']}/batch/",
                 params={"user_field_names": "true"}, json={"items": ROWS})
    return int(table["id"])


async def _names(api: Api, table_id: int, **params: Any) -> list[Any]:
    body = await api.rows(table_id, user_field_names="true", **params)
    return [r["Name"] for r in body["results"]]


@pytest.mark.parametrize(("filter_key", "value", "expected"), [
    ("filter__Name__equal", "banana", ["banana"]),
    ("filter__Name__equal", "", ["Apple pie", "banana", "", None, "Cherry_50%"]),
    ("filter__Name__not_equal", "banana", ["Apple pie", "", None, "Cherry_50%"]),
    ("filter__Name__contains", "AN", ["banana"]),
    ("filter__Name__contains", "_50%", ["Cherry_50%"]),
    ("filter__Name__contains", "%", ["Cherry_50%"]),
    ("filter__Name__contains_not", "an", ["Apple pie", "", None, "Cherry_50%"]),
    ("filter__Name__contains_word", "pie", ["Apple pie"]),
    ("filter__Name__contains_word", "pi", []),
    ("filter__Name__doesnt_contain_word", "pie", ["banana", "", None, "Cherry_50%"]),
    ("filter__Name__length_is_lower_than", "6", [""]),
    ("filter__Price__higher_than", "3.5", ["banana", "Cherry_50%"]),
    ("filter__Price__higher_than_or_equal", "3.5", ["Apple pie", "banana", "Cherry_50%"]),
    ("filter__Price__lower_than", "0", [None]),
    ("filter__Price__lower_than_or_equal", "12", ["Apple pie", "banana", None]),
    ("filter__Price__higher_than", "abc", []),
    ("filter__Price__equal", "12", ["banana"]),
    ("filter__Price__equal", "twelve", []),
    ("filter__Price__not_equal", "12", ["Apple pie", "", None, "Cherry_50%"]),
    ("filter__Price__is_even_and_whole", "1", ["banana", "Cherry_50%"]),
    ("filter__Price__contains", "3.5", ["Apple pie"]),
    ("filter__Fresh__boolean", "1", ["Apple pie", "", "Cherry_50%"]),
    ("filter__Fresh__boolean", "false", ["banana", None]),
    ("filter__Fresh__equal", "1", ["Apple pie", "", "Cherry_50%"]),
    ("filter__Name__empty", "", ["", None]),
    ("filter__Name__not_empty", "", ["Apple pie", "banana", "Cherry_50%"]),
    ("filter__Price__empty", "", [""]),
    ("filter__Fresh__empty", "", ["banana", None]),
    ("filter__Fresh__not_empty", "", ["Apple pie", "", "Cherry_50%"]),
])
async def test_legacy_filters(api: Api, filter_key: str, value: str, expected: list[Any]
                              ) -> None:
    table_id = await _table(api)
    assert await _names(api, table_id, **{filter_key: value}) == expected


async def test_filters_combined_with_and_or(api: Api) -> None:
    table_id = await _table(api)
    params = {"filter__Fresh__boolean": "1", "filter__Price__higher_than": "10"}
    assert await _names(api, table_id, **params) == ["Cherry_50%"]
    assert await _names(api, table_id, **params, filter_type="or") == [
        "Apple pie", "banana", "", "Cherry_50%"]
    assert await _names(api, table_id, **params, filter_type="XOR") == ["Cherry_50%"]


async def test_repeated_filter_parameter(api: Api) -> None:
    table_id = await _table(api)
    body = await api.get(f"/api/database/rows/table/{table_id}/",
                         params=[("user_field_names", "1"), ("filter__Name__contains", "a"),
                                 ("filter__Name__contains", "n")])
    assert [r["Name"] for r in body.json()["results"]] == ["banana"]


async def test_filters_by_field_id_and_unknown_names(api: Api) -> None:
    table_id = await _table(api)
    fields = {f["name"]: f["id"] for f in await api.fields(table_id)}
    body = await api.rows(table_id, **{f"filter__field_{fields['Name']}__equal": "banana"})
    assert len(body["results"]) == 1
    ignored = await _names(api, table_id, filter__Nope__equal="x")
    assert len(ignored) == 5
    missing = await api.get(f"/api/database/rows/table/{table_id}/",
                            params={"filter__field_999999__equal": "1"})
    assert missing.status_code == 400
    assert missing.json() == {"error": "ERROR_FILTER_FIELD_NOT_FOUND",
                              "detail": "The field 999999 was not found in the table."}


async def test_value_less_filter_parameter(api: Api) -> None:
    table_id = await _table(api)
    response = await api.get(
        f"/api/database/rows/table/{table_id}/?user_field_names=true&filter__Price__empty")
    assert [r["Name"] for r in response.json()["results"]] == [""]


async def test_json_filter_tree_with_groups(api: Api) -> None:
    table_id = await _table(api)
    tree = {"filter_type": "OR",
            "filters": [{"field": "Name", "type": "equal", "value": "banana"}],
            "groups": [{"filter_type": "AND", "filters": [
                {"field": "Fresh", "type": "boolean", "value": "1"},
                {"field": "Price", "type": "higher_than", "value": "10"}]}]}
    names = await _names(api, table_id, filters=json.dumps(tree),
                         **{"filter__Name__equal": "ignored because filters wins"})
    assert names == ["banana", "Cherry_50%"]
    fields = {f["name"]: f["id"] for f in await api.fields(table_id)}
    by_id = await api.rows(table_id, filters=json.dumps(
        {"filters": [{"field": fields["Name"], "type": "contains", "value": "apple"}]}))
    assert len(by_id["results"]) == 1


@pytest.mark.parametrize(("filters", "user_field_names", "error", "detail"), [
    ("{nope", True, "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
     {"error": "The provided filters are not valid JSON.", "code": "invalid_json"}),
    (json.dumps({"filter_type": "XOR", "filters": []}), True,
     "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
     {"filter_type": [{"error": '"XOR" is not a valid choice.', "code": "invalid_choice"}]}),
    (json.dumps({"filters": [{"field": "Name", "type": "equal"}]}), True,
     "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
     {"filters": {"0": {"value": [{"error": "This field is required.", "code": "required"}]}}}),
    (json.dumps({"filters": [{"field": 1, "type": "equal", "value": "x"}]}), True,
     "ERROR_FILTER_FIELD_NOT_FOUND", "The field None was not found in the table."),
    (json.dumps({"filters": [{"field": "Name", "type": "equal", "value": "x"}]}), False,
     "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
     {"filters": {"0": {"field": [{"error": "A valid integer is required.",
                                   "code": "invalid"}]}}}),
    (json.dumps({"filters": [{"field": "Name", "type": "nope", "value": "x"}]}), True,
     "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST", "The view filter type nope doesn't exist."),
    (json.dumps({"filters": [{"field": "Fresh", "type": "contains", "value": "x"}]}), True,
     "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
     "The view filter type contains is not supported for field type boolean."),
])
async def test_filter_errors(api: Api, filters: str, user_field_names: bool, error: str,
                             detail: Any) -> None:
    table_id = await _table(api)
    params = {"filters": filters}
    if user_field_names:
        params["user_field_names"] = "true"
    response = await api.get(f"/api/database/rows/table/{table_id}/", params=params)
    assert response.status_code == 400
    assert response.json() == {"error": error, "detail": detail}


async def test_row_id_and_timestamp_filters(api: Api) -> None:
    table_id = await _table(api)
    body = await api.rows(table_id, filter__field_id__in="1,3,99")
    assert [r["id"] for r in body["results"]] == [1, 3]


async def test_search_modes(api: Api) -> None:
    table_id = await _table(api)
    assert await _names(api, table_id, search="APPLE") == ["Apple pie"]
    assert await _names(api, table_id, search="12") == ["banana"]
    assert await _names(api, table_id, search="pie apple") == ["Apple pie"]
    assert await _names(api, table_id, search="pie apple", search_mode="compat") == []
    assert await _names(api, table_id, search="_50%", search_mode="compat") == ["Cherry_50%"]
