"""SQL for the per-table data versions that the count cache keys on.

Every transaction that writes a user table's rows bumps that table's version, so a
version names one state of the table's data across every process sharing the database.

A bump adds 1 to one of `SLOTS` rows of the table, picked at random, and the version is
their sum. Each committed write adds to the sum, so within one database the sum grows
with every commit and never repeats. The slots exist for PostgreSQL: a bump locks its
row until commit, and with one row per table every writer of a table would wait for the
previous one to commit (measured in `bench/version_contention.py`); with several, two
writers wait only when they pick the same slot. The bump is an upsert: a table made
before versions existed has no rows (version 0) until its first write.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.storage.schema import table_data_versions as versions

__all__ = ["SLOTS", "Bump", "bump_cte", "bump_data_version", "bump_params", "count_at_versions",
           "read_versions", "version_columns", "versions_in_row"]

SLOTS = 16


# Bump statements by (dialect, table, returned labels): built once, so SQLAlchemy finds
# their compiled form by a memoized cache key instead of walking a new statement each
# write. The slot is the one parameter.
_bumps: dict[tuple[str, int, tuple[str, ...]], Any] = {}
_MAX_BUMPS = 4096


def _bump_statement(dialect: str, table_id: int, returning: Sequence[sa.Label[Any]]) -> Any:
    key = (dialect, table_id, tuple(label.name for label in returning))
    statement = _bumps.get(key)
    if statement is None:
        if len(_bumps) >= _MAX_BUMPS:
            _bumps.clear()
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(versions).values(
            table_id=table_id, slot=sa.bindparam("bump_slot", type_=sa.SmallInteger),
            version=1,
        ).on_conflict_do_update(index_elements=[versions.c.table_id, versions.c.slot],
                                set_={"version": versions.c.version + 1})
        if returning:
            statement = statement.returning(*returning)
        _bumps[key] = statement
    return statement


async def bump_data_version(conn: AsyncConnection, table_id: int, *,
                            returning: Sequence[sa.Label[Any]] = ()) -> dict[str, Any]:
    """Mark the table's rows as changed by this transaction; `returning` columns
    (uncorrelated subqueries, each label naming one expression) are read by the same
    statement and given back by label.

    On PostgreSQL this locks one slot row until commit, so callers bump after their
    writes, to hold it as briefly as possible (row writes then refresh the search
    index of an indexed table, with the signature the bump read; a create's INSERT
    carries the bump itself, see `bump_cte`)."""
    statement = _bump_statement(conn.dialect.name, table_id, returning)
    params = bump_params()
    if not returning:
        await conn.execute(statement, params)
        return {}
    return dict((await conn.execute(statement, params)).mappings().one())


@dataclass(frozen=True, eq=False)
class Bump:
    """A bump another statement carries (`bump_cte`), and what that statement returns
    with it: labelled uncorrelated subqueries, read by label."""

    table_id: int
    returning: tuple[sa.Label[Any], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.returning)


def bump_cte(table_id: int) -> str:
    """PostgreSQL: the bump as a `WITH` item (`gridbase_bump AS (...)`) that a table's
    row INSERT can carry, saving the bump's round trip; its parameter is
    `bump_params()`. PostgreSQL runs a data-modifying WITH item exactly once whether or
    not the statement reads it. It takes the slot's lock with the insert, so the lock is
    held from then until commit."""
    name = versions.name
    return (f"gridbase_bump AS (INSERT INTO {name} (table_id, slot, version) "
            f"VALUES ({int(table_id)}, CAST(:bump_slot AS SMALLINT), 1) "
            f"ON CONFLICT (table_id, slot) DO UPDATE SET version = {name}.version + 1)")


def bump_params() -> dict[str, Any]:
    """The parameters of a bump (`bump_cte`): the slot, picked at random."""
    return {"bump_slot": random.randrange(SLOTS)}


def _version_of(table_id: int) -> sa.ColumnElement[int]:
    total = sa.select(sa.func.sum(versions.c.version)).where(versions.c.table_id == table_id)
    return sa.func.coalesce(total.scalar_subquery(), 0)


@functools.lru_cache(maxsize=1024)
def version_columns(table_ids: tuple[int, ...]) -> tuple[sa.Label[int], ...]:
    """The tables' data versions as columns another SELECT can carry (uncorrelated
    subqueries, evaluated once per statement), so they are read with its rows. The
    same objects each time, so statements carrying them keep their cache keys."""
    return tuple(_version_of(t).label(f"data_version_{t}") for t in table_ids)


def versions_in_row(row: dict[str, Any], table_ids: Sequence[int]) -> tuple[int, ...]:
    """The versions `version_columns` put in a row."""
    return tuple(int(row[f"data_version_{t}"]) for t in table_ids)


async def read_versions(conn: AsyncConnection, table_ids: Sequence[int]) -> tuple[int, ...]:
    """The data versions of the tables, in the order given (0 for never written)."""
    row = (await conn.execute(sa.select(*[_version_of(t) for t in table_ids]))).one()
    return tuple(int(v) for v in row)


async def count_at_versions(
    conn: AsyncConnection, table: sa.Table, where: sa.ColumnElement[bool] | None,
    table_ids: Sequence[int], ids: sa.Select[Any] | None = None,
) -> tuple[int, tuple[int, ...]]:
    """The matching rows and the tables' data versions, read by one statement, so the
    count belongs to exactly those versions whatever the isolation level. `ids`, when
    given, is counted instead of `table` filtered by `where` (the same rows)."""
    versions_read = [_version_of(t) for t in table_ids]
    if ids is not None:
        query = sa.select(sa.func.count(), *versions_read).select_from(ids.subquery())
    else:
        query = sa.select(sa.func.count(), *versions_read).select_from(table)
        if where is not None:
            query = query.where(where)
    count, *found = (await conn.execute(query)).one()
    return int(count or 0), tuple(int(v) for v in found)
