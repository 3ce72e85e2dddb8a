"""Row pages whose JSON the database builds (`storage.json_pages`), when it can.

It can when every field shown has a `json_expression` (see `FieldType`). Durations,
multiple selects, and links to a table whose primary field is a rating, a duration or
a multiple select have none yet; nor do joined values (`{link}__join`). The JSON is the
same as `serialize_rows` gives (tests/api/test_page_json.py compares them for every
field type); only the whitespace between keys differs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.handlers.row_values import read_columns
from gridbase.storage.json_pages import (
    Cells,
    json_rows_statement,
    select_json_page,
    select_json_row,
    select_json_rows,
)
from gridbase.storage.json_sql import OrderText

__all__ = ["PageJson", "RowsJson", "read_page_json", "read_row_json", "read_rows_json",
           "rows_json_statement"]


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
    kept: dict[Hashable, Any] | None = None,
) -> PageJson | None:
    """The page built by the database, or None when it cannot build it. `kept`: see
    `select_json_page`."""
    cells_of, shape = _cells_of(conn, table, fields, user_field_names)
    return _page_json(await select_json_page(
        conn, table.sa_table, cells_of, where=where, order_by=order_by, limit=limit,
        offset=offset, columns=columns, extra=extra, shape=shape, kept=kept))


async def read_row_json(
    conn: AsyncConnection, table: TableSchema, row_id: int, user_field_names: bool,
    extra: Sequence[sa.Label[Any]],
) -> PageJson | None:
    """The row of this id as a page of one (or none) built by the database, every field
    shown; None when it cannot build it."""
    cells_of, shape = _cells_of(conn, table, table.fields, user_field_names)
    return _page_json(await select_json_row(
        conn, table.sa_table, cells_of, row_id, columns=read_columns(table, table.fields),
        extra=extra, shape=shape))


@dataclasses.dataclass(frozen=True)
class RowsJson:
    """Rows as JSON arrays (text): `by_column` keyed `field_<id>`, as events carry them,
    and `named` keyed by field name, when asked for."""

    by_column: str
    named: str | None


def rows_json_statement(conn: AsyncConnection, table: TableSchema, user_field_names: bool
                        ) -> sa.Select[Any] | None:
    """The statement of `read_rows_json` for every field of the table, or None when the
    database cannot build its rows' JSON (see the module doc; and on SQLite)."""
    cells_of, shape = _cells_of(conn, table, table.fields, False)
    renamed = {spec.column_name: spec.name for spec in table.fields} \
        if user_field_names else None
    return json_rows_statement(conn, table.sa_table, cells_of,
                               columns=read_columns(table, table.fields), renamed=renamed,
                               shape=shape)


async def read_rows_json(conn: AsyncConnection, statement: sa.Select[Any],
                         ids: Sequence[int]) -> RowsJson:
    """Rows of these ids, which exist, in the table's order, as `rows_json_statement`
    builds them."""
    found = await select_json_rows(conn, statement, ids)
    return RowsJson(found["page"], found.get("named"))


def _cells_of(conn: AsyncConnection, table: TableSchema, fields: Sequence[FieldSpec],
              user_field_names: bool) -> tuple[Callable[[sa.CTE], Cells | None], Hashable]:
    """The cells of these fields over a page, and what names their statement: the
    fields, the keys and the linked tables' schemas (one object per version)."""
    shape = (tuple(spec.id for spec in fields), user_field_names,
             tuple(related.sa_table for related in table.related.values()))
    dialect = conn.dialect.name
    return (lambda page: _cells(table, fields, user_field_names, dialect, page)), shape


def _page_json(found: dict[str, Any] | None) -> PageJson | None:
    if found is None:
        return None
    text, rows = found.pop("page"), found.pop("rows")
    return PageJson(text, rows, found)
