"""Row pages whose JSON the database builds (`storage.json_pages`), when it can.

It can when every field shown has a `json_expression` (see `FieldType`) and nothing is
added to the rows afterwards (joined values). The JSON is the same as `serialize_rows`
gives (tests/api/test_page_json.py compares them for every field type); only the
whitespace between keys differs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.storage.json_pages import Cells, select_json_page
from gridbase.storage.json_sql import OrderText

__all__ = ["PageJson", "read_page_json"]

# Dialects whose JSON functions every `json_expression` compiles for.
_DIALECTS = ("postgresql", "sqlite")


@dataclasses.dataclass(frozen=True)
class PageJson:
    """A page's rows as a JSON array (text), how many, and the extra columns read."""

    text: str
    rows: int
    extra: dict[str, Any]


def _cells(table: TableSchema, fields: Sequence[FieldSpec], user_field_names: bool,
           page_dialect: str, page: sa.CTE) -> Cells | None:
    shown = dataclasses.replace(table, sa_table=cast(sa.Table, page))
    cells: Cells = [("id", page.c.id), ("order", OrderText(page.c.order))]
    for spec in fields:
        value = field_type_registry.get(spec.type).json_expression(spec, shown, page_dialect)
        if value is None:
            return None
        cells.append((spec.name if user_field_names else spec.column_name, value))
    return cells


async def read_page_json(
    conn: AsyncConnection, table: TableSchema, fields: Sequence[FieldSpec],
    user_field_names: bool, *, where: sa.ColumnElement[bool] | None,
    order_by: Sequence[sa.ColumnElement[Any]], limit: int, offset: int,
    columns: Sequence[str], extra: Sequence[sa.Label[Any]],
) -> PageJson | None:
    """The page built by the database, or None when it cannot build it."""
    if conn.dialect.name not in _DIALECTS:
        return None
    shape = (tuple(spec.id for spec in fields), user_field_names,
             tuple(related.sa_table for related in table.related.values()))
    found = await select_json_page(
        conn, table.sa_table,
        lambda page: _cells(table, fields, user_field_names, conn.dialect.name, page),
        where=where, order_by=order_by, limit=limit, offset=offset, columns=columns,
        extra=extra, shape=shape)
    if found is None:
        return None
    text, rows = found.pop("page"), found.pop("rows")
    return PageJson(text, rows, found)
