"""Numeric filters at the edges: bounds with more decimals than any column keeps, bounds
beyond what a column holds (the database would refuse to bind them), whole-number fields
compared with fractions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api


@pytest.fixture(scope="module")
async def numbers_table(module_api: Api) -> int:
    api = module_api
    table = await api.table(name="Numbers")
    await api.field(table["id"], name="Stars", type="rating", max_value=5)
    await api.field(table["id"], name="Amount", type="number", number_decimal_places=2,
                    number_negative=True)
    await api.ok("POST", f"/api/database/rows/table/{table['id']}/batch/",
                 params={"user_field_names": "true"},
                 json={"items": [{"Name": "a", "Stars": 2, "Amount": "1.25"},
                                 {"Name": "b", "Stars": 3, "Amount": "-2"},
                                 {"Name": "c", "Stars": 0, "Amount": None}]})
    return int(table["id"])


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("Stars__lower_than", "2.5", ["a", "c"]),
    ("Stars__higher_than", "2.5", ["b"]),
    ("Stars__lower_than_or_equal", "1.9", ["c"]),
    ("Stars__equal", "2.0", ["a"]),
    ("Stars__equal", "2.5", []),
    ("Stars__not_equal", "2.5", ["a", "b", "c"]),
    ("Stars__empty", "", ["c"]),
    ("Stars__not_empty", "", ["a", "b"]),
    ("Stars__higher_than", "1e400", []),
    ("Stars__lower_than", "1e10", ["a", "b", "c"]),
    ("Stars__equal", "1e10", []),
    ("Amount__equal", "1.25000000001", []),
    ("Amount__equal", "1.2500", ["a"]),
    ("Amount__lower_than_or_equal", "1.24999999999", ["b"]),
    ("Amount__higher_than_or_equal", "1.25000000001", []),
    ("Amount__higher_than", "1.24999999999", ["a"]),
    ("Amount__lower_than", "1.25000000001", ["a", "b"]),
    ("Amount__higher_than", "1e400", []),
    ("Amount__higher_than", "-1e400", ["a", "b"]),
    ("Amount__lower_than", "-1e400", []),
    ("Amount__lower_than", "1e49", ["a", "b"]),
    ("Amount__equal", "1e60", []),
    ("Amount__not_equal", "1e60", ["a", "b", "c"]),
    ("Amount__contains", "0.0", []),
    ("Amount__contains", "-2", ["b"]),
    ("Amount__higher_than", "NaN", []),
    ("Amount__higher_than", "Infinity", []),
])
async def test_numeric_edges(module_api: Api, numbers_table: int, key: str, value: str,
                             expected: list[Any]) -> None:
    body = await module_api.rows(numbers_table, user_field_names="true",
                                 **{f"filter__{key}": value})
    assert [row["Name"] for row in body["results"]] == expected


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("Amount__higher_than", "1.24999999999", ["a"]),
    ("Amount__higher_than_or_equal", "1.25", ["a"]),
    ("Amount__higher_than_or_equal", "1.25000000001", []),
    ("Amount__lower_than_or_equal", "1.24999999999", ["b"]),
    ("Amount__lower_than", "1.25000000001", ["a", "b"]),
    ("Amount__lower_than", "-2", []),
    ("Amount__lower_than_or_equal", "-2", ["b"]),
    ("Amount__higher_than", "-1e400", ["a", "b"]),
    ("Amount__lower_than", "1e49", ["a", "b"]),
])
async def test_range_filters_sorted_by_the_same_field(
        module_api: Api, numbers_table: int, key: str, value: str, expected: list[Any]) -> None:
    """Sorted by the filtered number, SQLite restates the bounds on the sort key (as
    floats rounded outwards); no row may change."""
    for order in ("Amount", "-Amount"):
        body = await module_api.rows(numbers_table, user_field_names="true", order_by=order,
                                     **{f"filter__{key}": value})
        assert sorted(row["Name"] for row in body["results"]) == expected
        amounts = [float(row["Amount"]) for row in body["results"]]
        assert amounts == sorted(amounts, reverse=order == "-Amount")
