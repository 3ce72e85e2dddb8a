"""Any query string a client may send to the row listing gets 200 or a documented 400
(or the documented 404 of a missing view), never a 500: random `filter__` keys and
values, `filters` JSON of any shape, `order_by`, `search`, `page`, `size` and flags."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import strategies as st

from gridbase.fields.filters import filter_type_registry
from tests.conftest import Api
from tests.examples import draw

DOCUMENTED_400 = {
    "ERROR_FILTER_FIELD_NOT_FOUND", "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
    "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD", "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
    "ERROR_ORDER_BY_FIELD_NOT_FOUND", "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE",
    "ERROR_PAGE_SIZE_LIMIT", "ERROR_QUERY_PARAMETER_VALIDATION",
}
NAMES = ["Name", "Amount", "Done", "Day", "At", "Status", "Tags", "Link", "Stars", "Nope",
         "field_created_on", "field_updated_on", "field_id", "field_", "field_x", "", "__",
         "Name__equal"]
# Text a client could type, including what databases choke on: NUL, lone surrogates are
# impossible in a URL, but huge numbers, quotes, wildcards and regex syntax are not.
TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "\x00", "1", "-1", "0", "99999999999999999999", "1e400", "NaN",
                     "'", '"', "%", "_", "\\", "(", "[", "*", "?", "??", "UTC?1?nr_days_ago",
                     "UTC??today", "Bad/Zone?1", "2024-01-01", "2024-01-01T10:00Z", "1,2",
                     "²", "٣", "--5", "+5", "1_0", "null", "true"]),
)


def _field_names(ids: list[int]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NAMES), st.sampled_from(ids).map(lambda i: f"field_{i}"),
                     st.integers(-5, 10**12).map(lambda i: f"field_{i}"), st.text(max_size=6))


def _filter_types() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(sorted(filter_type_registry.names())),
                     st.text(max_size=8), st.just("in"))


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                        st.floats(allow_nan=False), TEXT)
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
        max_leaves=8)


def _trees(ids: list[int]) -> st.SearchStrategy[Any]:
    """Mostly well-shaped trees with odd contents, sometimes anything at all."""
    leaf = st.fixed_dictionaries(
        {"field": st.one_of(st.sampled_from(ids), st.sampled_from(NAMES), _json_values()),
         "type": st.one_of(_filter_types(), _json_values()),
         "value": st.one_of(TEXT, _json_values())},
        optional={"extra": _json_values()})
    kinds = st.one_of(st.sampled_from(["AND", "OR", "and", "or", "XOR"]), _json_values())
    group = st.recursive(
        st.fixed_dictionaries({"filter_type": kinds, "filters": st.lists(leaf, max_size=3)}),
        lambda inner: st.fixed_dictionaries(
            {"filter_type": kinds, "filters": st.lists(leaf, max_size=3),
             "groups": st.one_of(st.lists(inner, max_size=2), _json_values())}),
        max_leaves=4)
    return st.one_of(group, group, group, _json_values())


@st.composite
def _params(draw_: st.DrawFn, ids: list[int]) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    for _ in range(draw_(st.integers(0, 4))):
        key = f"filter__{draw_(_field_names(ids))}__{draw_(_filter_types())}"
        params.append((key, draw_(TEXT)))
    if draw_(st.booleans()):
        tree = draw_(_trees(ids))
        raw = json.dumps(tree) if draw_(st.integers(0, 5)) else draw_(TEXT)
        params.append(("filters", raw))
    optional = {
        "filter_type": TEXT, "user_field_names": st.sampled_from(["true", "false", "", "x"]),
        "order_by": st.one_of(st.lists(st.tuples(st.sampled_from(["", "-", "+"]),
                                                 _field_names(ids)), max_size=3).map(
            lambda items: ",".join(sign + name for sign, name in items)), TEXT),
        "search": TEXT, "search_mode": st.sampled_from(["compat", "full-text-with-count", "x"]),
        "page": TEXT, "size": st.one_of(TEXT, st.integers(-5, 500).map(str)),
        "include": TEXT, "exclude": TEXT, "view_id": st.one_of(TEXT, st.just("999999")),
    }
    for name, strategy in optional.items():
        if draw_(st.integers(0, 3)) == 0:
            params.append((name, draw_(strategy)))
    return params


@pytest.fixture(scope="module")
async def fuzz_table(module_api: Api) -> tuple[int, list[int]]:
    api = module_api
    database = await api.database()
    others = await api.table(database["id"], name="Fuzz others")
    table = await api.table(database["id"], name="Fuzz")
    options = [{"value": "a", "color": "blue"}, {"value": "B", "color": "red"}]
    for body in (
        {"name": "Amount", "type": "number", "number_decimal_places": 2},
        {"name": "Stars", "type": "rating"}, {"name": "Done", "type": "boolean"},
        {"name": "Day", "type": "date"},
        {"name": "At", "type": "date", "date_include_time": True},
        {"name": "Status", "type": "single_select", "select_options": options},
        {"name": "Tags", "type": "multiple_select", "select_options": options},
        {"name": "Link", "type": "link_row", "link_row_table_id": others["id"]},
        {"name": "Created", "type": "created_on"},
    ):
        await api.field(table["id"], **body)
    await api.ok("POST", f"/api/database/rows/table/{table['id']}/batch/",
                 params={"user_field_names": "true"},
                 json={"items": [{"Name": "x", "Amount": "1.50", "Day": "2024-01-01",
                                  "At": "2024-01-01T10:00:00Z", "Status": "a",
                                  "Tags": ["a", "B"]}, {"Name": None}]})
    ids = [f["id"] for f in await api.fields(table["id"])]
    return int(table["id"]), ids


async def test_no_query_string_breaks_the_listing(module_api: Api,
                                                  fuzz_table: tuple[int, list[int]]) -> None:
    table_id, ids = fuzz_table
    statuses: set[int] = set()
    for params in draw(_params(ids), 150):
        response = await module_api.get(f"/api/database/rows/table/{table_id}/", params=params)
        statuses.add(response.status_code)
        assert response.status_code in (200, 400, 404), (params, response.text)
        if response.status_code == 400:
            assert response.json().get("error") in DOCUMENTED_400, (params, response.text)
        if response.status_code == 404:
            assert response.json()["error"] == "ERROR_VIEW_DOES_NOT_EXIST", params
    assert {200, 400} <= statuses


NASTY = ["\x00", "a\x00b", "99999999999999999999", "-99999999999999999999", "1e400", "NaN",
         "²", "٣", "--5", "+5", "1_0", "'", "\\", "%", "UTC?\x00?exact_date",
         "UTC?99999999999?nr_years_ago", "UTC?-99999999999?nr_days_from_now",
         "UTC?9999-12-31?exact_date", "UTC?0001-01-01T00:00+14:00?exact_date",
         "Europe/Amsterdam?9999-12-31T23:59:59-14:00", "UTC?2147483648", "1,99999999999999999"]
FILTERED = {"Name": ["equal", "contains", "contains_word", "length_is_lower_than"],
            "Amount": ["equal", "higher_than", "contains", "is_even_and_whole"],
            "Stars": ["equal", "lower_than"],
            "Day": ["date_is", "date_equal", "date_within_days", "date_equals_day_of_month",
                    "date_equals_years_ago"],
            "At": ["date_is_within", "date_before", "date_after_days_ago", "contains"],
            "Status": ["single_select_equal", "single_select_is_any_of", "contains_word"],
            "Tags": ["multiple_select_has"], "Link": ["link_row_has", "link_row_contains"],
            "field_id": ["in"]}


@pytest.mark.parametrize("value", NASTY)
async def test_nasty_values_everywhere(module_api: Api, fuzz_table: tuple[int, list[int]],
                                       value: str) -> None:
    table_id, _ = fuzz_table
    everywhere = [(f"filter__{name}__{kind}", value) for name, kinds in FILTERED.items()
                  for kind in kinds]
    tree = {"filter_type": "OR", "filters": [
        {"field": name, "type": kind, "value": value} for name, kinds in FILTERED.items()
        if name != "field_id" for kind in kinds]}
    for params in (
        [("user_field_names", "true"), *everywhere, ("search", value)],
        [("user_field_names", "true"), ("search", value), ("search_mode", "compat")],
        [("user_field_names", "true"), ("filters", json.dumps(tree))],
        [("page", value)], [("size", value)], [("order_by", value)], [("view_id", value)],
    ):
        response = await module_api.get(f"/api/database/rows/table/{table_id}/", params=params)
        assert response.status_code in (200, 400, 404), (params, response.text)
        if response.status_code != 200:
            assert response.json().get("error") in {*DOCUMENTED_400,
                                                    "ERROR_VIEW_DOES_NOT_EXIST"}, params
