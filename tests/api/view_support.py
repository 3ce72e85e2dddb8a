"""Set-up shared by the view tests: a table of text, number and boolean fields with rows,
and shortcuts for the view endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import Api

VIEWS = "/api/database/views"

ROWS: list[dict[str, Any]] = [
    {"Name": "Apple", "Price": "3.50", "Fresh": True},
    {"Name": "banana", "Price": "12", "Fresh": False},
    {"Name": "Cherry", "Price": None, "Fresh": True},
    {"Name": "date", "Price": "-1", "Fresh": False},
    {"Name": "Elder", "Price": "50", "Fresh": True},
]


@dataclass
class Food:
    """A table with a text (primary), a number and a boolean field, and five rows."""

    table_id: int
    database_id: int
    name: int
    price: int
    fresh: int


async def food_table(api: Api, database_id: int | None = None) -> Food:
    table = await api.table(database_id, name="Food")
    price = await api.field(table["id"], name="Price", type="number",
                            number_decimal_places=2, number_negative=True)
    fresh = await api.field(table["id"], name="Fresh", type="boolean")
    await api.ok("POST", f"/api/database/rows/table/{table['id']}/batch/",
                 params={"user_field_names": "true"}, json={"items": ROWS})
    name = next(f for f in await api.fields(table["id"]) if f["name"] == "Name")
    return Food(table["id"], table["database_id"], name["id"], price["id"], fresh["id"])


async def create_view(api: Api, table_id: int, **body: Any) -> dict[str, Any]:
    result: dict[str, Any] = await api.ok(
        "POST", f"{VIEWS}/table/{table_id}/", json={"name": "Grid", "type": "grid", **body})
    return result


async def add_filter(api: Api, view_id: int, field: int, type_: str, value: str = "",
                     group: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"field": field, "type": type_, "value": value}
    if group is not None:
        body["group"] = group
    result: dict[str, Any] = await api.ok("POST", f"{VIEWS}/{view_id}/filters/", json=body)
    return result


async def add_group(api: Api, view_id: int, filter_type: str = "AND",
                    parent: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = await api.ok(
        "POST", f"{VIEWS}/{view_id}/filter-groups/",
        json={"filter_type": filter_type, "parent_group": parent})
    return result


async def add_sort(api: Api, view_id: int, field: int, order: str = "ASC") -> dict[str, Any]:
    result: dict[str, Any] = await api.ok("POST", f"{VIEWS}/{view_id}/sortings/",
                                          json={"field": field, "order": order})
    return result


async def view_names(api: Api, table_id: int, view_id: int, **params: Any) -> list[Any]:
    body = await api.rows(table_id, view_id=view_id, user_field_names="true", **params)
    return [row["Name"] for row in body["results"]]


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json().get("error")
