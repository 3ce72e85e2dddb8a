"""A page of rows as JSON text built by the database, in one statement.

The page is a CTE (the usual SELECT with its WHERE, ORDER BY, LIMIT and OFFSET); the
outer SELECT turns its rows, in their order, into one JSON array with the cells the
caller builds over that CTE (the field types' `json_expression`s, which may add CTEs of
their own over the page's ids: links), counts them, and adds the caller's extra columns
once (schema and data versions, see `handlers.rows`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.storage.direct import can_read_directly, read_directly
from gridbase.storage.json_sql import JsonRowsText, json_object
from gridbase.storage.rows import page_query

__all__ = ["MAX_KEYS", "Cells", "select_json_page", "select_json_row"]

Cells = list[tuple[str, sa.ColumnElement[Any]]]
"""A row's JSON keys and their values as SQL over the page's CTE, in key order."""

# PostgreSQL functions take at most 100 arguments: a key and a value each.
MAX_KEYS = 50

# Statements of plain pages (no WHERE, default order) and of rows by id, built once per
# table object (one per schema version) and what else shapes them: their compiled form
# is then reused (`storage.direct`). None records pages the database cannot build.
_plain: weakref.WeakKeyDictionary[sa.Table, dict[Hashable, sa.Select[Any] | None]] = (
    weakref.WeakKeyDictionary())
_PLAIN_PER_TABLE = 64


def _statement(page: sa.CTE, cells_of: Callable[[sa.CTE], Cells | None],
               extra: Sequence[sa.Label[Any]]) -> sa.Select[Any] | None:
    cells = cells_of(page)
    if cells is None or len(cells) > MAX_KEYS:
        return None
    return sa.select(JsonRowsText(json_object(cells)).label("page"),
                     sa.func.count().label("rows"), *extra).select_from(page)


def _page(table: sa.Table, columns: Sequence[str], where: sa.ColumnElement[bool] | None,
          order_by: Sequence[sa.ColumnElement[Any]], limit: Any, offset: Any) -> sa.CTE:
    return page_query(table, columns, where=where, order_by=order_by, limit=limit,
                      offset=offset).cte("page")


async def select_json_page(
    conn: AsyncConnection, table: sa.Table, cells_of: Callable[[sa.CTE], Cells | None],
    *, where: sa.ColumnElement[bool] | None, order_by: Sequence[sa.ColumnElement[Any]],
    limit: int, offset: int, columns: Sequence[str], extra: Sequence[sa.Label[Any]],
    shape: Hashable,
) -> dict[str, Any] | None:
    """The page as one row: `page` (its rows' JSON array as text), `rows` (how many)
    and the `extra` columns; None when `cells_of` has no cells for it (or too many).
    `shape` names everything else the statement depends on (the fields shown, and so
    the columns; key names; linked tables' schemas), for the statements kept of plain
    pages."""
    if where is not None or order_by:
        page = _page(table, columns, where, order_by, limit, offset)
        statement = _statement(page, cells_of, extra)
        if statement is None:
            return None
        result = await conn.execute(statement)
        return dict(result.mappings().one())
    plain = _kept(table, ("page", shape, tuple(e.name for e in extra)),
                  lambda: _statement(_page(table, columns, None, (),
                                           sa.bindparam("page_limit"),
                                           sa.bindparam("page_offset")),
                                     cells_of, extra))
    return await _run_kept(conn, plain, {"page_limit": limit, "page_offset": offset})


async def select_json_row(
    conn: AsyncConnection, table: sa.Table, cells_of: Callable[[sa.CTE], Cells | None],
    row_id: int, *, columns: Sequence[str], extra: Sequence[sa.Label[Any]], shape: Hashable,
) -> dict[str, Any] | None:
    """`select_json_page` for the row of one id (a page of one row, or none)."""
    if not 0 < row_id < 2**31:  # beyond the id column: no such row (and no overflow)
        row_id = 0
    by_id = _kept(table, ("row", shape, tuple(e.name for e in extra)),
                  lambda: _statement(_page(table, columns,
                                           table.c.id == sa.bindparam("row_id"), (), 1, 0),
                                     cells_of, extra))
    return await _run_kept(conn, by_id, {"row_id": row_id})


def _kept(table: sa.Table, key: Hashable, build: Callable[[], sa.Select[Any] | None]
          ) -> sa.Select[Any] | None:
    kept = _plain.setdefault(table, {})
    if key not in kept:
        if len(kept) >= _PLAIN_PER_TABLE:
            kept.clear()
        kept[key] = build()
    return kept[key]


async def _run_kept(conn: AsyncConnection, statement: sa.Select[Any] | None,
                    params: dict[str, Any]) -> dict[str, Any] | None:
    if statement is None:
        return None
    if can_read_directly(conn):
        return (await read_directly(conn, statement, params))[0]
    return dict((await conn.execute(statement, params)).mappings().one())
