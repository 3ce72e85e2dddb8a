"""Exact row counts kept in memory while the rows they count stay as they were.

Counting every row a filter matches is what makes a filtered page of a big table slow,
and clients ask for the same count again and again. A count is kept under:

- the table and the tables its link fields show (their primary values and the join
  tables are read by link filters and search), with their schema versions;
- the data versions of those tables, read from the database: every transaction that
  writes rows or fields bumps its table's version, so a write by any process makes
  every process miss and count again;
- the WHERE clause compiled for the dialect, with its bound values. Date filters
  relative to today compile to bound instants computed from the clock, so tomorrow's
  "today" is another key and is counted afresh.

A missed count is read in one statement with the versions it belongs to (see
`storage.table_versions`), so the cache holds only exact counts, on PostgreSQL's READ
COMMITTED as on SQLite's snapshots. Requests that miss the same entry while it is
being counted wait for that count instead of each counting (after a write, every
client of a busy view asks at once). Size is bounded by an estimate of the bytes held,
oldest use evicted first.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.model import TableSchema
from gridbase.storage.schemas import link_targets
from gridbase.storage.table_versions import (
    count_at_versions,
    read_versions,
    version_columns,
    versions_in_row,
)

__all__ = ["CountCache"]

# Rough bytes a cached entry costs beyond its SQL text and values (tuples, ints, links).
_ENTRY_OVERHEAD = 400

Key = tuple[Any, ...]


def _frozen(value: Any) -> Any:
    """A bound value as a hashable key part that tells types apart (1, 1.0, True)."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return type(value).__qualname__, repr(value)


def where_key(where: sa.ColumnElement[bool] | None, dialect: Dialect) -> tuple[Any, Any]:
    """The WHERE clause's shape (SQLAlchemy's cache key, the same one its compiled
    statement cache uses, so no compiling) plus its bound values in order; the SQL text
    for a clause that has no cache key."""
    if where is None:
        return "", ()
    cache_key = where._generate_cache_key()
    if cache_key is not None:
        return cache_key.key, tuple(_frozen(b.effective_value) for b in cache_key.bindparams)
    compiled = where.compile(dialect=dialect)
    params = tuple(sorted((name, _frozen(value)) for name, value in compiled.params.items()))
    return str(compiled), params


def _dependencies(table: TableSchema) -> tuple[int, ...]:
    """The table itself first, then the tables its link fields point to."""
    return (table.id, *[t for t in link_targets(table) if t != table.id])


def _older(key: Key, schema: TableSchema) -> bool:
    """Whether the entry counted under an older schema version of this table, its own
    or a linked one."""
    tables, (own, related) = key[0], key[1]
    if tables[0] == schema.id and own < schema.version:
        return True
    return any(t == schema.id and version < schema.version for t, version in related)


class CountCache:
    """Process-local LRU of exact counts; `hits` and `misses` say how it is doing."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Key, tuple[int, int]] = OrderedDict()
        self._bytes = 0
        # The newest schema version seen of each table (`_forget_older`).
        self._schema_versions: dict[int, int] = {}
        # Counts being read, by entry: their result, or None when the count failed
        # (each waiter then counts on its own).
        self._counting: dict[Key, asyncio.Future[int | None]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def version_columns(self, table: TableSchema) -> tuple[sa.Label[int], ...]:
        """Columns for the page's own SELECT that read the data versions `count` needs,
        saving it a statement (none when counts are not cached)."""
        return version_columns(_dependencies(table)) if self.max_bytes > 0 else ()

    def versions_read(self, table: TableSchema, rows: list[dict[str, Any]]
                      ) -> tuple[int, ...] | None:
        """The versions `version_columns` read (None when the page was empty or versions
        were not asked for). The rows keep the extra keys: serializing ignores them."""
        if self.max_bytes <= 0 or not rows:
            return None
        return versions_in_row(rows[0], _dependencies(table))

    async def count(self, conn: AsyncConnection, table: TableSchema,
                    where: sa.ColumnElement[bool] | None,
                    ids: sa.Select[Any] | None = None,
                    versions: tuple[int, ...] | None = None) -> int:
        """The exact number of the table's rows matching `where`. `ids`, when given,
        selects the same rows more cheaply (a search read from its index alone) and is
        what a miss counts; `where` still names the entry. `versions`: the data
        versions, when the caller read them already (`version_columns`)."""
        if self.max_bytes <= 0:
            return (await count_at_versions(conn, table.sa_table, where, (), ids))[0]
        tables = _dependencies(table)
        for schema in (table, *table.related.values()):
            self._forget_older(schema)
        schemas = (table.version, tuple(
            (t, related.version) for t, related in sorted(table.related.items())))
        shape = where_key(where, conn.dialect)
        if versions is None:
            versions = await read_versions(conn, tables)
        key = (tables, schemas, versions, shape)
        cached = self._get(key)
        if cached is not None:
            self.hits += 1
            return cached
        pending = self._counting.get(key)
        if pending is not None:
            shared = await asyncio.shield(pending)
            if shared is not None:
                self.hits += 1
                return shared
        self.misses += 1
        counting: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._counting.setdefault(key, counting)
        count: int | None = None
        try:
            count, read = await count_at_versions(conn, table.sa_table, where, tables, ids)
            self._put((tables, schemas, read, shape), count,
                      _ENTRY_OVERHEAD + len(repr(shape)))
        finally:
            counting.set_result(count)
            if self._counting.get(key) is counting:
                del self._counting[key]
        return count

    def _forget_older(self, schema: TableSchema) -> None:
        """At a table's first count under a newer schema version, drop the entries of
        the older ones: nothing asks for them again, and their keys (SQLAlchemy's cache
        keys) hold the old version's table object, and so all that was kept with it
        (`storage.kept`), until they would be evicted."""
        seen = self._schema_versions.get(schema.id)
        if seen is not None and schema.version <= seen:
            return
        self._schema_versions[schema.id] = schema.version
        if seen is None:
            return
        for key in [key for key in self._entries if _older(key, schema)]:
            self._bytes -= self._entries.pop(key)[1]

    def _get(self, key: Key) -> int | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def _put(self, key: Key, count: int, weight: int) -> None:
        if weight > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._entries[key] = (count, weight)
        self._bytes += weight
        while self._bytes > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= evicted

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
