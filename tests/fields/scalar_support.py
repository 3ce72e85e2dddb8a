"""Shared steps of the text, number and boolean field tests: tables with given fields,
refused writes that must leave the table untouched, sorted reads and field JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Api

TRANSCRIPTS = Path("/work/shared/baserow-transcripts")
ROWS = "/api/database/rows/table/{}/"
ROW = "/api/database/rows/table/{}/{}/"
FIELD = "/api/database/fields/{}/"
# Keys whose values depend on the ids of the run, not on the field's type.
VARYING = frozenset({"id", "table_id", "order", "database_id", "workspace_id", "name"})


def transcript_field(number: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The request body and response body of a recorded field creation."""
    [path] = TRANSCRIPTS.glob(f"{number}-*.json")
    recorded = json.loads(path.read_text())
    return recorded["request"]["body"], recorded["response"]["body"]


def without_varying(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in VARYING}


async def table_with(api: Api, *fields: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """A new table holding the given fields (besides its primary `Name`)."""
    table = await api.table(name="Cells")
    created = [await api.field(table["id"], **body) for body in fields]
    return table["id"], created


async def row_of(api: Api, table_id: int, row_id: int) -> dict[str, Any]:
    row: dict[str, Any] = await api.ok("GET", ROW.format(table_id, row_id))
    return row


async def create(api: Api, table_id: int, values: dict[str, Any],
                 user_field_names: bool = False) -> dict[str, Any]:
    response = await api.create_row(table_id, values, user_field_names=user_field_names)
    assert response.status_code == 200, (values, response.text)
    row: dict[str, Any] = response.json()
    return row


async def update(api: Api, table_id: int, row_id: int, values: dict[str, Any],
                 user_field_names: bool = False) -> dict[str, Any]:
    params = {"user_field_names": "true"} if user_field_names else {}
    response = await api.patch(ROW.format(table_id, row_id), json=values, params=params)
    assert response.status_code == 200, (values, response.text)
    row: dict[str, Any] = response.json()
    return row


def assert_validation(response: Any, detail: Any) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": detail}


async def assert_refused(api: Api, table_id: int, key: str, value: Any,
                         entries: list[dict[str, str]], user_field_names: bool = False) -> None:
    """Writing `value` is refused with `entries` for `key`, on create and on update, and
    neither adds a row nor changes the existing ones."""
    before = await api.rows(table_id)
    response = await api.create_row(table_id, {key: value}, user_field_names=user_field_names)
    assert_validation(response, {key: entries})
    target = before["results"][0]["id"]
    params = {"user_field_names": "true"} if user_field_names else {}
    response = await api.patch(ROW.format(table_id, target), json={key: value}, params=params)
    assert_validation(response, {key: entries})
    assert await api.rows(table_id) == before


async def sorted_column(api: Api, table_id: int, key: str, order_by: str,
                        user_field_names: bool = False) -> list[Any]:
    params: dict[str, Any] = {"order_by": order_by, "size": 200}
    if user_field_names:
        params["user_field_names"] = "true"
    page = await api.rows(table_id, **params)
    return [row[key] for row in page["results"]]


async def convert(api: Api, field_id: int, **body: Any) -> dict[str, Any]:
    """PATCH a field (a type change converts its data); returns the field JSON."""
    result: dict[str, Any] = await api.ok("PATCH", FIELD.format(field_id), json=body)
    return result


async def column(api: Api, table_id: int, key: str) -> list[Any]:
    page = await api.rows(table_id, size=200)
    return [row[key] for row in page["results"]]
