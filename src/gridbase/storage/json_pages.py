"""A page of rows as JSON text built by the database, in one statement.

The page is a CTE (the usual SELECT with its WHERE, ORDER BY, LIMIT and OFFSET); the
outer SELECT turns its rows, in their order, into one JSON array with the cells the
caller builds over that CTE (the field types' `json_expression`s, which may add CTEs of
their own over the page's ids: links), counts them, and adds the caller's extra columns
once (schema and data versions, see `handlers.rows`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.cache_key import CacheKey

from gridbase.storage.direct import can_read_directly, read_directly, run_directly
from gridbase.storage.json_sql import JsonArray, JsonRowsText, json_object, with_joins
from gridbase.storage.kept import kept_for
from gridbase.storage.rows import ids_param, page_query

__all__ = ["MAX_KEYS", "Cells", "json_rows_statement", "select_json_page", "select_json_row",
           "select_json_rows"]

Cells = list[tuple[str, sa.ColumnElement[Any]]]
"""A row's JSON keys and their values as SQL over the page's CTE, in key order."""

# PostgreSQL functions take at most 100 arguments: a key and a value each.
MAX_KEYS = 50

# Statements of plain pages (no WHERE, default order), of rows by id and of filtered or
# sorted pages by their shape (`_Shaped`), built once per table object (`kept_for`)
# and what else shapes them: their compiled form is then reused (`storage.direct`).
# None records pages the database cannot build.
_KEPT_PER_TABLE = 64
# Filtered or sorted pages' SELECTs kept per query (`select_json_page`): its first pages.
_KEPT_PAGES = 8
_PAGES = "json_pages.pages"


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
    shape: Hashable, kept: dict[Hashable, Any] | None = None,
) -> dict[str, Any] | None:
    """The page as one row: `page` (its rows' JSON array as text), `rows` (how many)
    and the `extra` columns; None when `cells_of` has no cells for it (or too many).
    `shape` names everything else the statement depends on (the fields shown, and so
    the columns; key names; linked tables' schemas), for the statements kept of plain
    pages. `kept`: a store that lives as long as `where` and `order_by` do (a kept
    query's), where a filtered or sorted page's SELECT is kept, and with it its cache
    key, which SQLAlchemy would otherwise walk its tree for on every page."""
    if where is not None or order_by:
        pages: dict[Hashable, sa.Select[Any]] = (
            kept.setdefault(_PAGES, {}) if kept is not None else {})
        slot = (tuple(columns), limit, offset)
        page = pages.get(slot)
        if page is None:
            page = page_query(table, columns, where=where, order_by=order_by, limit=limit,
                              offset=offset)
            if len(pages) < _KEPT_PAGES:
                pages[slot] = page
        return await _run_shaped(conn, table, page, cells_of, extra, shape)
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


def json_rows_statement(
    conn: AsyncConnection, table: sa.Table, cells_of: Callable[[sa.CTE], Cells | None], *,
    columns: Sequence[str], renamed: Mapping[str, str] | None, shape: Hashable,
) -> sa.Select[Any] | None:
    """PostgreSQL's statement for `select_json_rows`, kept per table object and `shape`
    (as `select_json_page`'s); None when the database cannot build these rows (or on
    SQLite, whose list of ids would be rendered into the statement on each run).
    `renamed`: the rows once more, keyed by these names instead (`named`)."""
    if conn.dialect.name != "postgresql":
        return None

    def build() -> sa.Select[Any] | None:
        # The ids' range as well: a range of the primary key's index however little
        # PostgreSQL knows of the table (a fresh one has no statistics).
        where = sa.and_(table.c.id >= sa.bindparam("first_id"),
                        table.c.id <= sa.bindparam("last_id"),
                        ids_param(table.c.id, "row_ids", "postgresql"))
        page = page_query(table, columns, where=where).cte("page")
        cells = cells_of(page)
        if cells is None or len(cells) > MAX_KEYS:
            return None
        # ordered here, so cells may be joined (`with_joins`)
        source, joined_cells = with_joins(page, cells)
        arrays = [JsonArray(json_object(joined_cells), page.c.order, page.c.id).label("page")]
        if renamed is not None:
            named = [(renamed.get(key, key), value) for key, value in joined_cells]
            arrays.append(JsonArray(json_object(named), page.c.order, page.c.id).label("named"))
        texts: list[sa.ColumnElement[Any]] = [sa.cast(array, sa.Text).label(array.name)
                                              for array in arrays]
        return sa.select(*texts).select_from(source)

    return _kept(table, ("rows", shape, renamed is not None), build)


async def select_json_rows(conn: AsyncConnection, statement: sa.Select[Any],
                           ids: Sequence[int]) -> dict[str, str]:
    """Rows of these ids (which exist), in the table's order, as JSON arrays (text):
    `page` with the statement's cells, and `named` if it renames them (see
    `json_rows_statement`)."""
    params = {"row_ids": list(ids), "first_id": min(ids), "last_id": max(ids)}
    return (await run_directly(conn, statement, params))[0]


@dataclasses.dataclass(frozen=True)
class _Shaped:
    """A page statement kept for every page of one shape (`_run_shaped`), and the names
    its compiled form gives the page's parameters, in the page's cache-key order."""

    statement: sa.Select[Any]
    names: tuple[str, ...]

    def params(self, key: CacheKey) -> dict[str, Any]:
        """The parameters of the page whose cache key this is."""
        return {name: bind.effective_value
                for name, bind in zip(self.names, key.bindparams, strict=True)}


async def _run_shaped(conn: AsyncConnection, table: sa.Table, page: sa.Select[Any],
                      cells_of: Callable[[sa.CTE], Cells | None],
                      extra: Sequence[sa.Label[Any]], shape: Hashable
                      ) -> dict[str, Any] | None:
    """A filtered or sorted page. Its statement (the cells' SQL over the page, a large
    tree) is built and compiled once per shape: what SQLAlchemy's cache key of the page
    SELECT holds apart from its values (filters, sorts, their columns), with the same
    `shape` and extra columns. Later pages of that shape only swap in their values, in
    the order the cache key lists them. A page whose key cannot be made, or whose
    statement renders values into its SQL on each run (expanding IN lists), is built
    and run each time."""
    key = page._generate_cache_key()
    kept = _kept_for(table)
    slot = ("shaped", key.key if key is not None else None, shape,
            tuple(e.name for e in extra))
    if key is not None and slot in kept:
        shaped = kept[slot]
        if shaped is None:  # the database cannot build pages of this shape
            return None
        assert isinstance(shaped, _Shaped)
        return await _run_kept(conn, shaped.statement, shaped.params(key))
    statement = _statement(page.cte("page"), cells_of, extra)
    if statement is None:
        if key is not None:
            _keep(kept, slot, None)
        return None
    compiled = statement.compile(dialect=conn.dialect)
    if key is None or compiled.post_compile_params or compiled.literal_execute_params:
        return dict((await conn.execute(statement)).mappings().one())
    shaped = _Shaped(statement, tuple(compiled.bind_names[bind] for bind in key.bindparams))
    _keep(kept, slot, shaped)
    return await _run_kept(conn, statement, shaped.params(key))


def _kept_for(table: sa.Table) -> dict[Hashable, sa.Select[Any] | _Shaped | None]:
    return kept_for(table, "json_pages")


def _keep(kept: dict[Hashable, Any], key: Hashable, statement: Any) -> None:
    if len(kept) >= _KEPT_PER_TABLE:
        kept.clear()
    kept[key] = statement


def _kept(table: sa.Table, key: Hashable, build: Callable[[], sa.Select[Any] | None]
          ) -> sa.Select[Any] | None:
    kept = _kept_for(table)
    if key not in kept:
        _keep(kept, key, build())
    found = kept[key]
    assert not isinstance(found, _Shaped)
    return found


async def _run_kept(conn: AsyncConnection, statement: sa.Select[Any] | None,
                    params: dict[str, Any]) -> dict[str, Any] | None:
    if statement is None:
        return None
    if can_read_directly(conn):
        return (await read_directly(conn, statement, params))[0]
    # PostgreSQL inside a transaction (a search's)
    return (await run_directly(conn, statement, params))[0]
