"""SQL for the rows of a user table: select a page, count, insert, update, delete, order."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import now

__all__ = [
    "count_rows",
    "delete_rows",
    "existing_ids",
    "id_in",
    "insert_rows",
    "orders_before",
    "renumber",
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


# Statements for a plain page and count, built once per table object (one per schema
# version) and column choice: SQLAlchemy then reuses their cache keys instead of
# walking them each time.
_plain_pages: weakref.WeakKeyDictionary[sa.Table, dict[tuple[str, ...], sa.Select[Any]]] = (
    weakref.WeakKeyDictionary())
_plain_counts: weakref.WeakKeyDictionary[sa.Table, sa.Select[Any]] = (
    weakref.WeakKeyDictionary())


def _selected(table: sa.Table, columns: Sequence[str] | None) -> sa.Select[Any]:
    if columns is None:
        return sa.select(table)
    return sa.select(*(table.c[name] for name in columns))


def _plain_page(table: sa.Table, columns: Sequence[str] | None) -> sa.Select[Any]:
    by_columns = _plain_pages.setdefault(table, {})
    key = tuple(columns) if columns is not None else ()
    statement = by_columns.get(key)
    if statement is None:
        statement = (_selected(table, columns).order_by(table.c.order, table.c.id)
                     .limit(sa.bindparam("page_limit")).offset(sa.bindparam("page_offset")))
        by_columns[key] = statement
    return statement


async def select_rows(
    conn: AsyncConnection, table: sa.Table, *, where: sa.ColumnElement[bool] | None = None,
    order_by: Sequence[sa.ColumnElement[Any]] = (), limit: int | None = None, offset: int = 0,
    columns: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Rows as dicts by column name; `columns` limits what is read (default: all)."""
    if where is None and not order_by and limit is not None:
        result = await conn.execute(_plain_page(table, columns),
                                    {"page_limit": limit, "page_offset": offset})
    else:
        query = _selected(table, columns)
        if where is not None:
            query = query.where(where)
        query = query.order_by(*order_by, table.c.order, table.c.id)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        result = await conn.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


async def count_rows(
    conn: AsyncConnection, table: sa.Table, where: sa.ColumnElement[bool] | None = None
) -> int:
    if where is None:
        query = _plain_counts.get(table)
        if query is None:
            query = _plain_counts[table] = sa.select(sa.func.count()).select_from(table)
    else:
        query = sa.select(sa.func.count()).select_from(table).where(where)
    return int(await conn.scalar(query) or 0)


async def existing_ids(conn: AsyncConnection, table: sa.Table, ids: Sequence[int]) -> set[int]:
    # Ids beyond the 32-bit id column name no row (and would overflow the driver).
    storable = [i for i in ids if 0 < i < 2**31]
    if not storable:
        return set()
    return set((await conn.scalars(sa.select(table.c.id).where(
        id_in(table.c.id, storable, conn.dialect.name)))).all())


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


async def insert_rows(
    conn: AsyncConnection, table: sa.Table, rows: list[dict[str, Any]]
) -> list[int]:
    """Insert rows (each with its `order`) and return their new ids in the same sequence.

    Rows with the same columns go in as one compiled statement executed for many
    parameter sets (the driver sends them as multi-row inserts), so a batch costs one
    statement compilation, not one per row or per value."""
    if not rows:
        return []
    stamp = now()
    values = [{**row, "created_on": stamp, "updated_on": stamp} for row in rows]
    keys = values[0].keys()
    if all(v.keys() == keys for v in values):
        if conn.dialect.name == "sqlite":
            # SQLAlchemy can only keep SQLite's RETURNING in parameter order by inserting
            # row by row. The batch holds the write lock and ids are assigned in VALUES
            # order, ascending (AUTOINCREMENT), so sorting them restores the pairing.
            statement = table.insert().returning(table.c.id)
            return sorted((await conn.execute(statement, values)).scalars().all())
        statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list((await conn.execute(statement, values)).scalars().all())
    ids: list[int] = []
    for value in values:
        ids.append((await conn.execute(table.insert().values(value).returning(table.c.id))
                    ).scalar_one())
    return ids


async def update_rows(
    conn: AsyncConnection, table: sa.Table, changes: dict[int, dict[str, Any]]
) -> None:
    """Rows changing the same columns share one statement executed for many parameter sets."""
    stamp = now()
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in changes.items():
        columns = tuple(sorted(values))
        row_params = {f"v_{column}": values[column] for column in columns}
        row_params["v_row_id"] = row_id
        groups.setdefault(columns, []).append(row_params)
    for columns, params in groups.items():
        statement = (table.update().where(table.c.id == sa.bindparam("v_row_id"))
                     .values({column: sa.bindparam(f"v_{column}") for column in columns})
                     .values(updated_on=stamp))
        await conn.execute(statement, params)


async def delete_rows(conn: AsyncConnection, table: sa.Table, ids: Sequence[int]) -> None:
    await conn.execute(table.delete().where(table.c.id.in_(ids)))
