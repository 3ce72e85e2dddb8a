"""Select filters over HTTP: option ids, any-of lists, contains on option values,
empty, sorting by option value and search, with case and non-ASCII values."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

OPTIONS = ["alpha", "Beta", "gamma ray", "Élan"]
ROWS: list[tuple[str | None, list[str] | None]] = [
    ("alpha", ["alpha", "Beta"]),
    ("Beta", ["gamma ray"]),
    (None, []),
    ("gamma ray", ["Élan", "alpha"]),
    ("Élan", None),
    ("alpha", ["Beta"]),
]


@pytest.fixture(scope="module")
async def select_table(module_api: Api) -> tuple[int, dict[str, int]]:
    api = module_api
    table = await api.table(name="Selects")
    options = [{"value": v, "color": "blue"} for v in OPTIONS]
    single = await api.field(table["id"], name="S", type="single_select",
                             select_options=options)
    multiple = await api.field(table["id"], name="M", type="multiple_select",
                               select_options=options)
    ids = {f"{field['name']}:{o['value']}": o["id"]
           for field in (single, multiple) for o in field["select_options"]}
    items = [{"Name": f"r{i}", "S": s, "M": m} for i, (s, m) in enumerate(ROWS)]
    await api.ok("POST", f"/api/database/rows/table/{table['id']}/batch/",
                 params={"user_field_names": "true"}, json={"items": items})
    return int(table["id"]), ids


async def _rows(api: Api, table_id: int, **params: Any) -> list[int]:
    body = await api.rows(table_id, user_field_names="true", **params)
    return [int(row["Name"][1:]) for row in body["results"]]


ALL = list(range(len(ROWS)))


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("S__single_select_equal", "{S:alpha}", [0, 5]),
    ("S__single_select_equal", " {S:Beta} ", [1]),
    ("S__single_select_equal", "abc", ALL),
    ("S__single_select_equal", "", ALL),
    ("S__single_select_equal", "999999", []),
    ("S__single_select_equal", "99999999999999999999", []),
    ("S__single_select_not_equal", "{S:alpha}", [1, 2, 3, 4]),
    ("S__single_select_not_equal", "abc", ALL),
    ("S__single_select_not_equal", "99999999999999999999", ALL),
    ("S__single_select_is_any_of", "{S:alpha},{S:Beta}", [0, 1, 5]),
    ("S__single_select_is_any_of", "{S:alpha},x", [0, 5]),
    ("S__single_select_is_any_of", "x", []),
    ("S__single_select_is_any_of", "", ALL),
    ("S__single_select_is_none_of", "{S:alpha},{S:Beta}", [2, 3, 4]),
    ("S__single_select_is_none_of", "x", ALL),
    ("M__multiple_select_has", "{M:alpha}", [0, 3]),
    ("M__multiple_select_has", "x", ALL),
    ("M__multiple_select_has", "99999999999999999999", []),
    ("M__multiple_select_has_not", "{M:alpha}", [1, 2, 4, 5]),
    ("S__contains", "A", [0, 1, 3, 4, 5]),
    ("S__contains", "élan", [4]),
    ("S__contains", "ÉLAN", [4]),
    ("S__contains_not", "alpha", [1, 2, 3, 4]),
    ("S__contains_word", "ray", [3]),
    ("S__contains_word", "gam", []),
    ("S__doesnt_contain_word", "ray", [0, 1, 2, 4, 5]),
    ("M__contains", "GAMMA", [1]),
    ("M__contains", "beta", [0, 5]),
    ("M__contains_not", "beta", [1, 2, 3, 4]),
    ("M__contains_word", "élan", [3]),
    ("S__empty", "", [2]),
    ("S__not_empty", "", [0, 1, 3, 4, 5]),
    ("M__empty", "", [2, 4]),
    ("M__not_empty", "", [0, 1, 3, 5]),
])
async def test_select_filters(module_api: Api, select_table: tuple[int, dict[str, int]],
                              key: str, value: str, expected: list[int]) -> None:
    table_id, ids = select_table
    for name, option_id in ids.items():
        value = value.replace("{" + name + "}", str(option_id))
    assert await _rows(module_api, table_id, **{f"filter__{key}": value}) == expected


@pytest.mark.parametrize(("params", "expected"), [
    ({"order_by": "S"}, [2, 0, 5, 1, 3, 4]),
    ({"order_by": "-S"}, [4, 3, 1, 0, 5, 2]),
    ({"order_by": "M"}, [2, 4, 0, 5, 1, 3]),
    ({"order_by": "-M,S"}, [3, 1, 5, 0, 2, 4]),
    ({"search": "élan"}, [3, 4]),
    ({"search": "ray"}, [1, 3]),
    ({"search": "gamma ray", "search_mode": "compat"}, [1, 3]),
])
async def test_select_sort_and_search(module_api: Api, select_table: tuple[int, dict[str, int]],
                                      params: dict[str, str], expected: list[int]) -> None:
    table_id, _ = select_table
    assert await _rows(module_api, table_id, **params) == expected
