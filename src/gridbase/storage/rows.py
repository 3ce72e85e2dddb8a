"""SQL for the rows of a user table: select a page, count, insert, update, delete, order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import now
from gridbase.storage import batch_sql
from gridbase.storage.direct import can_read_directly, read_directly, run_directly
from gridbase.storage.kept import kept_for, kept_value
from gridbase.storage.table_versions import Bump, bump_params

__all__ = [
    "Inserted",
    "count_rows",
    "delete_rows",
    "existing_ids",
    "id_in",
    "ids_param",
    "insert_columns",
    "insert_rows",
    "orders_before",
    "page_query",
    "renumber",
    "select_by_ids",
    "select_rows",
    "update_rows",
]

MIN_GAP = Decimal("1e-12")


def id_in(column: sa.ColumnElement[Any], ids: Sequence[int], dialect: str
          ) -> sa.ColumnElement[bool]:
    """`column IN ids`. On PostgreSQL the ids travel as one array parameter, so the SQL is
    the same for any number of ids: compiled and prepared once, not once per count."""
    if dialect == "postgresql":
        return column == sa.any_(sa.literal(list(ids), ARRAY(sa.Integer)))
    return column.in_(list(ids))


def ids_param(column: sa.ColumnElement[Any], name: str, dialect: str
              ) -> sa.ColumnElement[bool]:
    """`column IN :name`, the ids given at execution (one array on PostgreSQL, an
    expanding list on SQLite): for statements built once and run many times."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=ARRAY(sa.Integer)))
    return column.in_(sa.bindparam(name, expanding=True))


def _selected(table: sa.Table, columns: Sequence[str] | None) -> sa.Select[Any]:
    if columns is None:
        return sa.select(table)
    return sa.select(*(table.c[name] for name in columns))


def page_query(table: sa.Table, columns: Sequence[str] | None, *,
               where: sa.ColumnElement[bool] | None = None,
               order_by: Sequence[sa.ColumnElement[Any]] = (), limit: Any = None,
               offset: Any = 0) -> sa.Select[Any]:
    """The SELECT of a page: `columns` (all when None) of the rows matching `where`,
    sorted by `order_by` and then the default order ("order", id)."""
    query = _selected(table, columns)
    if where is not None:
        query = query.where(where)
    query = query.order_by(*order_by, table.c.order, table.c.id)
    return query if limit is None else query.limit(limit).offset(offset)


def _plain_page(table: sa.Table, columns: Sequence[str] | None,
                extra: Sequence[sa.Label[Any]]) -> sa.Select[Any]:
    # built once per table object (`kept_for`) and column choice: SQLAlchemy then
    # reuses its cache key instead of walking it each time
    by_columns = kept_for(table, "plain_pages")
    key = (tuple(columns) if columns is not None else (), tuple(e.name for e in extra))
    statement = by_columns.get(key)
    if statement is None:
        statement = page_query(table, columns, limit=sa.bindparam("page_limit"),
                               offset=sa.bindparam("page_offset")).add_columns(*extra)
        by_columns[key] = statement
    return statement


async def select_rows(
    conn: AsyncConnection, table: sa.Table, *, where: sa.ColumnElement[bool] | None = None,
    order_by: Sequence[sa.ColumnElement[Any]] = (), limit: int | None = None, offset: int = 0,
    columns: Sequence[str] | None = None, extra: Sequence[sa.Label[Any]] = (),
) -> list[dict[str, Any]]:
    """Rows as dicts by column name; `columns` limits what is read (default: all);
    `extra` adds labelled columns to every row (values read with the rows)."""
    if where is None and not order_by and limit is not None:
        page = _plain_page(table, columns, extra)
        params = {"page_limit": limit, "page_offset": offset}
        if can_read_directly(conn):
            return await read_directly(conn, page, params)
        result = await conn.execute(page, params)
    else:
        result = await conn.execute(page_query(
            table, columns, where=where, order_by=order_by, limit=limit, offset=offset,
        ).add_columns(*extra))
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


async def select_by_ids(
    conn: AsyncConnection, table: sa.Table, ids: Sequence[int],
    extra: Sequence[sa.Label[Any]] = (), *, lock: bool = False,
) -> list[dict[str, Any]]:
    """The rows of these ids (within the id column's range), every column, with `extra`
    labelled columns; one statement built per table for any number of ids. `lock`:
    PostgreSQL locks the rows read until the transaction ends (FOR UPDATE)."""
    storable = [i for i in ids if 0 < i < 2**31]
    if not storable:
        return []
    one = len(storable) == 1
    by_extra = kept_for(table, "by_ids")
    key = (one, lock, *(e.name for e in extra))
    statement = by_extra.get(key)
    if statement is None:
        statement = sa.select(table).add_columns(*extra).where(
            table.c.id == sa.bindparam("row_id") if one
            else ids_param(table.c.id, "row_ids", conn.dialect.name))
        if lock:
            statement = statement.with_for_update()
        by_extra[key] = statement
    params: dict[str, Any] = {"row_id": storable[0]} if one else {"row_ids": storable}
    if can_read_directly(conn) and (one or conn.dialect.name == "postgresql"):
        # SQLite's list of ids is an expanding parameter, rendered per execution.
        return await read_directly(conn, statement, params)
    result = await conn.execute(statement, params)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


async def count_rows(
    conn: AsyncConnection, table: sa.Table, where: sa.ColumnElement[bool] | None = None
) -> int:
    if where is None:
        query = kept_value(table, "count",
                           lambda: sa.select(sa.func.count()).select_from(table))
    else:
        query = sa.select(sa.func.count()).select_from(table).where(where)
    return int(await conn.scalar(query) or 0)


async def existing_ids(conn: AsyncConnection, table: sa.Table, ids: Iterable[int]) -> set[int]:
    """The ids among `ids` that name rows of `table`. PostgreSQL answers them as one
    array (one row to read however many ids, on the driver), joining the ids given as
    rows: run often, the statement gets a generic plan, where `id = ANY(ids)` on a
    small table becomes a scan comparing each row with every id (0.67 ms for 200 ids
    and 1,000 rows; the join 0.18 ms, and an index probe per id on a big table)."""
    # Ids beyond the 32-bit id column name no row (and would overflow the driver).
    storable = [i for i in ids if 0 < i < 2**31]
    if not storable:
        return set()
    if conn.dialect.name != "postgresql":
        return set((await conn.scalars(sa.select(table.c.id).where(
            id_in(table.c.id, storable, conn.dialect.name)))).all())
    statement = kept_value(table, "existing_ids", lambda: _existing_ids_statement(table))
    [found] = await run_directly(conn, statement, {"row_ids": storable})
    return set(found["ids"] or ())


def _existing_ids_statement(table: sa.Table) -> sa.Select[Any]:
    given = sa.func.unnest(sa.bindparam("row_ids", type_=ARRAY(sa.Integer))
                           ).table_valued("id").render_derived(name="given")
    return sa.select(sa.func.array_agg(table.c.id, type_=ARRAY(sa.Integer)).label("ids")
                     ).select_from(given.join(table, table.c.id == given.c.id))


async def renumber(conn: AsyncConnection, table: sa.Table) -> None:
    """Give every row a whole-number order again, keeping the current sequence."""
    ids = (await conn.scalars(sa.select(table.c.id).order_by(table.c.order, table.c.id))).all()
    if ids:
        await conn.execute(
            table.update().where(table.c.id == sa.bindparam("row_id"))
            .values(order=sa.bindparam("new_order")),
            [{"row_id": row_id, "new_order": Decimal(i)} for i, row_id in enumerate(ids, 1)],
        )


async def orders_before(
    conn: AsyncConnection, table: sa.Table, before_id: int | None, count: int
) -> list[Decimal]:
    """`count` increasing order values placed before `before_id`, or at the end."""
    if before_id is None:
        highest = await conn.scalar(sa.select(sa.func.max(table.c.order)))
        start = int(Decimal(highest or 0)) + 1
        return [Decimal(start + i) for i in range(count)]
    upper = Decimal(str(await conn.scalar(
        sa.select(table.c.order).where(table.c.id == before_id))))
    lower = await conn.scalar(sa.select(sa.func.max(table.c.order)).where(table.c.order < upper))
    lower = Decimal(lower) if lower is not None else upper - 1
    step = (upper - lower) / (count + 1)
    if step < MIN_GAP:
        await renumber(conn, table)
        return await orders_before(conn, table, before_id, count)
    return [(lower + step * (i + 1)).quantize(Decimal("1e-20")) for i in range(count)]


def _as_dicts(result: sa.CursorResult[Any]) -> list[dict[str, Any]]:
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


@dataclass
class Inserted:
    """Rows as stored, and what a bump carried by the insert returned (None when the
    insert carried none: the caller bumps on its own)."""

    rows: list[dict[str, Any]]
    bumped: dict[str, Any] | None = None


async def insert_columns(
    conn: AsyncConnection, table: sa.Table, columns: dict[str, list[Any]], count: int, *,
    at_end: bool = False, read_back: bool = True, bump: Bump | None = None,
    ids_only: bool = False,
) -> Inserted:
    """Insert `count` rows given by column (every list `count` long) and return them as
    stored (every column, as a select would read them) in the same sequence: no second
    query reads them back. The rows bring their `order`, or with `at_end` they are
    placed after the table's last row. `read_back=False` promises that the values given
    for every other column read back as they are (see `FieldType.exact_column`): the
    rows are then made of them, and only their ids and orders come back. `ids_only`:
    the caller wants nothing but the ids (it reads the rows' JSON afterwards), and on
    PostgreSQL the rows hold only those.

    On PostgreSQL the batch is one `unnest` statement, with one parameter per column,
    which also makes the `bump` asked for, if any (`Inserted.bumped`); on SQLite it is
    one compiled statement executed for all rows (multi-row inserts), and the caller
    bumps."""
    if not count:
        return Inserted([])
    stamp = now()
    if conn.dialect.name == "postgresql":
        return await _insert_batch(conn, table, columns, stamp, at_end,
                                   "ids" if ids_only else read_back, bump)
    stamps = [stamp] * count
    columns = {**columns, "created_on": stamps, "updated_on": stamps}
    values = [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    if at_end:
        orders = await orders_before(conn, table, None, count)
        for value, order in zip(values, orders, strict=True):
            value["order"] = order
    # SQLAlchemy can only keep SQLite's RETURNING in parameter order by inserting row by
    # row. The batch holds the write lock and ids are assigned in VALUES order,
    # ascending (AUTOINCREMENT), so sorting by id restores the pairing.
    result = await conn.execute(table.insert().returning(*table.c), values)
    stored = [dict(row) for row in result.mappings().all()]
    return Inserted(sorted(stored, key=lambda row: int(row["id"])))


async def _insert_batch(
    conn: AsyncConnection, table: sa.Table, columns: dict[str, list[Any]], stamp: datetime,
    at_end: bool, read_back: bool | Literal["ids"], bump: Bump | None,
) -> Inserted:
    """PostgreSQL's `insert_columns`: one statement (see `batch_sql.insert_statement`)."""
    keys = tuple(columns)
    stamped = {*keys, "id", "order", "created_on", "updated_on"}
    if read_back != "ids":
        read_back = read_back or not set(table.c.keys()) <= stamped
    params = {"stamp": stamp, **batch_sql.batch_params(conn, table, keys,
                                                       list(columns.values()))}
    if bump is not None:
        params.update(bump_params())
    returned = await run_directly(
        conn, batch_sql.insert_statement(conn, table, keys, at_end, read_back, bump), params)
    extra = bump.names if bump is not None else ()
    if read_back == "ids":
        bumped = {name: returned[0][name] for name in extra} if bump is not None else None
        return Inserted(sorted(({"id": row["id"]} for row in returned),
                               key=lambda row: int(row["id"])), bumped)
    if read_back:
        stored = sorted(returned, key=lambda row: int(row["id"]))
        bumped = {name: stored[0][name] for name in extra} if bump is not None else None
        for row in stored if extra else ():
            for name in extra:
                del row[name]
        return Inserted(stored, bumped)
    placed = sorted(returned, key=lambda row: int(row["id"]))
    bumped = {name: placed[0][name] for name in extra} if bump is not None else None
    rows = [dict(zip(keys, values, strict=True))
            for values in zip(*columns.values(), strict=True)]
    for row, returned_row in zip(rows, placed, strict=True):
        row["id"] = returned_row["id"]
        row["order"] = returned_row["order"]
        row["created_on"] = row["updated_on"] = stamp
    return Inserted(rows, bumped)


async def insert_rows(
    conn: AsyncConnection, table: sa.Table, rows: list[dict[str, Any]], *,
    at_end: bool = False,
) -> list[dict[str, Any]]:
    """`insert_columns` for rows given as dicts; rows that do not all bring the same
    columns are inserted one by one."""
    if not rows:
        return []
    keys = rows[0].keys()
    if all(len(row) == len(keys) and row.keys() == keys for row in rows):
        return (await insert_columns(conn, table, {key: [row[key] for row in rows]
                                                   for key in keys}, len(rows),
                                     at_end=at_end)).rows
    stamp = now()
    values = [{**row, "created_on": stamp, "updated_on": stamp} for row in rows]
    if at_end:
        orders = await orders_before(conn, table, None, len(values))
        for value, order in zip(values, orders, strict=True):
            value["order"] = order
    inserted: list[dict[str, Any]] = []
    for value in values:
        result = await conn.execute(table.insert().values(value).returning(*table.c))
        inserted.append(dict(result.mappings().one()))
    return inserted


async def update_rows(
    conn: AsyncConnection, table: sa.Table, changes: dict[int, dict[str, Any]], *,
    stamp: datetime | None = None, returning: Sequence[str] | None = None,
) -> list[dict[str, Any]] | None:
    """Set the given columns of each row, and its `updated_on` to `stamp` (default:
    now). On PostgreSQL rows changing the same columns share one statement, which can
    return the rows as stored afterwards (the `returning` columns, in any order);
    elsewhere they share one statement executed for many parameter sets. None when
    nothing was returned."""
    stamp = stamp or now()
    groups: dict[tuple[str, ...], list[int]] = {}
    for row_id, values in changes.items():
        groups.setdefault(tuple(sorted(values)), []).append(row_id)
    if conn.dialect.name == "postgresql":
        stored: list[dict[str, Any]] = []
        for columns, ids in groups.items():
            params = batch_sql.batch_params(
                conn, table, columns, [[changes[i][column] for i in ids] for column in columns],
                ids)
            result = await conn.execute(batch_sql.update_statement(
                conn, table, columns, tuple(returning) if returning is not None else None),
                {"stamp": stamp, **params})
            if returning is not None:
                stored += _as_dicts(result)
        return stored if returning is not None else None
    for columns, ids in groups.items():
        statement = (table.update().where(table.c.id == sa.bindparam("v_row_id"))
                     .values({column: sa.bindparam(f"v_{column}") for column in columns})
                     .values(updated_on=stamp))
        await conn.execute(statement, [
            {"v_row_id": i, **{f"v_{column}": changes[i][column] for column in columns}}
            for i in ids])
    return None


async def delete_rows(conn: AsyncConnection, table: sa.Table, ids: Sequence[int]) -> None:
    await conn.execute(table.delete().where(table.c.id.in_(ids)))
