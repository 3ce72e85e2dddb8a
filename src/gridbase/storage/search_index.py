"""SQL of a user table's search index: a side table holding, per row, the text search reads.

`database_table_<id>_search` holds one entry per row: the row's searchable cells, each
lower-cased, joined by SEPARATOR. A term without SEPARATOR (the only kind asked here)
is a substring of the entry exactly when it is a substring of one cell. On PostgreSQL the
side table is plain, with a pg_trgm GIN index that serves `LIKE '%term%'`; on SQLite it
is an FTS5 table with the trigram tokenizer, asked for the term as a phrase: its
trigrams one after the other, which is exactly "the term is a substring" because the
tokenizer keeps case (the entries and terms are folded already). Terms shorter than a
trigram scan the side table, which is still much smaller than the rows. A term common
enough on a big SQLite table is checked row by row instead, in the page's order, which
stops once the page is full (`walk_rows`).

`gridbase_search_index` records which tables have an index and the signature of the
fields it was built for (or the mark of a build in steps under way, see BUILDING);
without that row there is no side table to keep.
"""

from __future__ import annotations

import functools
import time
import weakref
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import now
from gridbase.storage import schema as meta
from gridbase.storage.auto_indexes import create_concurrently, index_valid
from gridbase.storage.engine import Database

__all__ = [
    "BUILDING",
    "SEPARATOR",
    "TRIGRAM",
    "Term",
    "abandon_build",
    "add_trigram_index",
    "begin_build",
    "building",
    "built_signature",
    "count_matching",
    "drop_index",
    "entries_hold",
    "fill_entries",
    "finish_build",
    "has_trigram_index",
    "indexed_tables",
    "lock_for_build",
    "matching_entries",
    "matching_ids",
    "rebuild_index",
    "refresh_entries",
    "row_text",
    "side_table_name",
    "signature_column",
    "walk_rows",
]

SEPARATOR = "\x1f"
TRIGRAM = 3
_CHUNK = 500


@dataclass(frozen=True)
class Term:
    """One search term, already case-folded; `row_id` when the term may also be a row id."""

    text: str
    row_id: int | None = None


def side_table_name(table_id: int) -> str:
    return f"database_table_{table_id}_search"


def _side(table_id: int, dialect: str) -> sa.TableClause:
    key = "rowid" if dialect == "sqlite" else "id"
    return sa.table(side_table_name(table_id), sa.column(key, sa.Integer),
                    sa.column("cells", sa.Text))


def _key(side: sa.TableClause) -> sa.ColumnClause[Any]:
    return side.c.rowid if "rowid" in side.c else side.c.id


def _quote(conn: AsyncConnection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _ddl(statement: str) -> sa.ExecutableDDLElement:
    """DDL rather than text, so asyncpg drops its cached prepared statements."""
    return sa.DDL(statement)  # type: ignore[no-untyped-call]


def row_text(cells: Sequence[sa.ColumnElement[str]]) -> sa.ColumnElement[str]:
    """A row's index entry: its cells (empty when NULL) joined by SEPARATOR, lower-cased.
    Case folds one character at a time, so folding the whole entry once is folding
    each cell (and on SQLite, whose lower() is a Python function, a call, not one per
    cell)."""
    parts = [sa.func.coalesce(cell, "") for cell in cells]
    if not parts:
        return sa.literal("", sa.Text)
    text: sa.ColumnElement[str] = parts[0]
    for part in parts[1:]:
        text = text + sa.literal(SEPARATOR, sa.Text) + part
    return sa.func.lower(text)


async def built_signature(conn: AsyncConnection, table_id: int) -> str | None:
    """The signature the table's index was built for; None when it has none."""
    found: str | None = await conn.scalar(sa.select(meta.search_indexes.c.signature).where(
        meta.search_indexes.c.table_id == table_id))
    return found


@functools.lru_cache(maxsize=1024)
def signature_column(table_id: int) -> sa.Label[str]:
    """What `built_signature` reads (NULL for no index), as a column another statement
    can return: a write reads it with its last statement instead of one of its own.
    The same object each time, so statements carrying it keep their cache keys."""
    return (sa.select(meta.search_indexes.c.signature)
            .where(meta.search_indexes.c.table_id == table_id)
            .scalar_subquery().label(f"search_signature_{table_id}"))


async def indexed_tables(conn: AsyncConnection, table_ids: Iterable[int]) -> set[int]:
    wanted = sorted(set(table_ids))
    if not wanted:
        return set()
    return set((await conn.scalars(sa.select(meta.search_indexes.c.table_id).where(
        meta.search_indexes.c.table_id.in_(wanted)))).all())


async def drop_index(conn: AsyncConnection, table_id: int) -> None:
    """Forget a table's index; the next search builds it again."""
    await conn.execute(meta.search_indexes.delete().where(
        meta.search_indexes.c.table_id == table_id))
    await conn.execute(_ddl(f"DROP TABLE IF EXISTS {_quote(conn, side_table_name(table_id))}"))


async def lock_for_build(conn: AsyncConnection, rows_table: str) -> None:
    """Before deciding to build an index (PostgreSQL; SQLite has one writer anyway):
    lock its rows' table against writers and against another build, which then finds
    this build done instead of doing it again. Readers go on."""
    if conn.dialect.name == "postgresql":
        await conn.execute(sa.text(
            f"LOCK TABLE {_quote(conn, rows_table)} IN SHARE ROW EXCLUSIVE MODE"))


async def _lock_read_tables(conn: AsyncConnection, read_tables: Sequence[str]) -> None:
    """On PostgreSQL lock `read_tables` (the other tables the entries read: linked tables,
    join tables) against writers, so that a write racing a build either lands before it
    (and is read) or after it (and sees the index to keep)."""
    if conn.dialect.name == "postgresql" and read_tables:
        locked = ", ".join(_quote(conn, name) for name in read_tables)
        await conn.execute(sa.text(f"LOCK TABLE {locked} IN SHARE MODE"))


async def _create_side(conn: AsyncConnection, table_id: int, *, primary_key: bool) -> None:
    """An empty side table in place of any other (on PostgreSQL with its primary key now,
    or for the caller to add once it is filled, which is faster)."""
    quoted = _quote(conn, side_table_name(table_id))
    await conn.execute(_ddl(f"DROP TABLE IF EXISTS {quoted}"))
    if conn.dialect.name == "sqlite":
        await conn.execute(_ddl(
            f"CREATE VIRTUAL TABLE {quoted} USING fts5(cells, "
            "tokenize='trigram case_sensitive 1', detail=full, columnsize=0)"))
    else:
        key = " PRIMARY KEY" if primary_key else " NOT NULL"
        await conn.execute(_ddl(f"CREATE TABLE {quoted} (id integer{key}, "
                                "cells text NOT NULL)"))


async def _record(conn: AsyncConnection, table_id: int, signature: str) -> None:
    await conn.execute(meta.search_indexes.delete().where(
        meta.search_indexes.c.table_id == table_id))
    await conn.execute(meta.search_indexes.insert().values(
        table_id=table_id, signature=signature, built_on=now()))


async def rebuild_index(
    conn: AsyncConnection, table_id: int, entries: sa.Select[Any], signature: str,
    read_tables: Sequence[str] = (),
) -> None:
    """Build the side table afresh from `entries` (every row's id and entry), in one go,
    and record `signature`, after `lock_for_build` (`read_tables`: see
    `_lock_read_tables`)."""
    side = side_table_name(table_id)
    quoted = _quote(conn, side)
    await _lock_read_tables(conn, read_tables)
    await _create_side(conn, table_id, primary_key=False)
    target = _side(table_id, conn.dialect.name)
    await conn.execute(target.insert().from_select([_key(target).name, "cells"], entries))
    if conn.dialect.name == "postgresql":
        await conn.execute(_ddl(f"ALTER TABLE {quoted} ADD PRIMARY KEY (id)"))
        await conn.execute(_ddl(f"CREATE INDEX {_quote(conn, side + '_trgm')} "
                                f"ON {quoted} USING gin (cells gin_trgm_ops)"))
        await conn.execute(_ddl(f"ANALYZE {quoted}"))
    await _record(conn, table_id, signature)


# A build in steps (`begin_build`, `fill_entries`, `finish_build`) records a mark of its
# own in place of a signature while it runs: writes keep the entries of their rows in
# step as for a built index, searches do not read it yet, and another build leaves the
# table to it while the mark is fresh (each step renews it).
BUILDING = "building:"


def building(signature: str | None) -> bool:
    """Whether `signature` is the mark of a build in steps under way."""
    return signature is not None and signature.startswith(BUILDING)


async def begin_build(conn: AsyncConnection, table_id: int, mark: str,
                      read_tables: Sequence[str], *, fresh_for: timedelta) -> bool:
    """Start a build in steps, after `lock_for_build`: an empty side table, and `mark`
    (BUILDING and something unique) recorded. False, and nothing done, while another
    build's mark is younger than `fresh_for`."""
    row = (await conn.execute(sa.select(meta.search_indexes).where(
        meta.search_indexes.c.table_id == table_id))).mappings().first()
    if row is not None and building(row["signature"]) and row["signature"] != mark \
            and row["built_on"] > now() - fresh_for:
        return False
    await _lock_read_tables(conn, read_tables)
    await _create_side(conn, table_id, primary_key=True)
    await _record(conn, table_id, mark)
    return True


async def _renew(conn: AsyncConnection, table_id: int, mark: str,
                 signature: str | None = None) -> bool:
    """Renew the build's mark (or replace it with `signature`); False when it is gone:
    the index was dropped, or another build took the table over."""
    values: dict[str, Any] = {"built_on": now()}
    if signature is not None:
        values["signature"] = signature
    result = await conn.execute(meta.search_indexes.update().where(
        meta.search_indexes.c.table_id == table_id,
        meta.search_indexes.c.signature == mark).values(**values))
    return bool(result.rowcount)


async def fill_entries(conn: AsyncConnection, table_id: int, mark: str,
                       entries: sa.Select[Any], first: int, last: int,
                       read_tables: Sequence[str]) -> bool:
    """One step, after `lock_for_build`: the entries of rows `first`..`last` (`entries`)
    replace those the side table has for them (written by writes since the build
    began). False when the build's mark is gone, and nothing done."""
    await _lock_read_tables(conn, read_tables)
    if not await _renew(conn, table_id, mark):
        return False
    target = _side(table_id, conn.dialect.name)
    key = _key(target)
    await conn.execute(target.delete().where(key.between(first, last)))
    await conn.execute(target.insert().from_select([key.name, "cells"], entries))
    return True


async def finish_build(conn: AsyncConnection, table_id: int, mark: str, signature: str
                       ) -> bool:
    """Record `signature` in place of the build's mark: searches read the index from
    now on (on PostgreSQL before `add_trigram_index`, reading all of the side table,
    still far less than the rows). False when the mark is gone."""
    return await _renew(conn, table_id, mark, signature)


async def abandon_build(conn: AsyncConnection, table_id: int, mark: str) -> None:
    """Drop the side table and the mark of a build that stops, unless another build
    took the table over."""
    if await built_signature(conn, table_id) == mark:
        await drop_index(conn, table_id)


async def has_trigram_index(db: Database, table_id: int) -> bool:
    """Whether the side table has a valid trigram index (PostgreSQL)."""
    async with db.read() as conn:
        return bool(await index_valid(conn, f"{side_table_name(table_id)}_trgm"))


async def add_trigram_index(db: Database, table_id: int) -> None:
    """The trigram index of a side table built in steps (PostgreSQL), built concurrently:
    about 20 s for a million rows, while writes go on."""
    if db.dialect != "postgresql":
        return
    side = side_table_name(table_id)
    await create_concurrently(
        db, f"{side}_trgm", f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{side}_trgm" '
        f'ON "{side}" USING gin (cells gin_trgm_ops)', side, trigram=True)


async def refresh_entries(
    conn: AsyncConnection, table_id: int, entries: Callable[[list[int]], sa.Select[Any]],
    ids: Iterable[int], *, new: Collection[int] = (),
) -> None:
    """Rewrite the entries of these rows from their current cells (a deleted row's entry
    just goes); `entries(ids)` selects the id and entry of the rows of `ids` that exist.
    Rows in `new` were just created, so they have no entry to delete."""
    target = _side(table_id, conn.dialect.name)
    key = _key(target)
    ordered = sorted(set(ids))
    created = set(new)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        existing = [row_id for row_id in chunk if row_id not in created]
        if existing:
            await conn.execute(target.delete().where(key.in_(existing)))
        await conn.execute(target.insert().from_select([key.name, "cells"], entries(chunk)))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_match(table_name: str, texts: Iterable[str]) -> sa.ColumnElement[bool]:
    """`<fts table> MATCH '"text" AND ...'`: each text a phrase of its trigrams."""
    query = " AND ".join('"' + text.replace('"', '""') + '"' for text in texts)
    return sa.literal_column(table_name).op("MATCH")(query)  # type: ignore[no-any-return]


def _pg_term(side: sa.FromClause, term: Term) -> sa.ColumnElement[bool]:
    found = side.c.cells.like(f"%{_escape_like(term.text)}%", escape="\\")
    return found if term.row_id is None else sa.or_(found, side.c.id == term.row_id)


def _sqlite_term(side: sa.TableClause, table_id: int, term: Term) -> sa.ColumnElement[bool]:
    """An id-like term: its phrase (or, too short for one, instr()) or the row id."""
    if len(term.text) < TRIGRAM:
        found: sa.ColumnElement[bool] = sa.func.instr(side.c.cells, term.text) > 0
    else:
        # A second reference to the FTS5 table (it cannot MATCH through an alias); the
        # subquery's own reference hides the outer one.
        other = _side(table_id, "sqlite")
        found = side.c.rowid.in_(sa.select(other.c.rowid).where(
            _fts_match(side_table_name(table_id), [term.text])).correlate(None))
    return sa.or_(found, side.c.rowid == term.row_id)


def matching_ids(table_id: int, dialect: str, terms: Sequence[Term]) -> sa.Select[Any]:
    """SELECT the ids of the rows whose entry holds every term (or whose id is the term)."""
    side = _side(table_id, dialect)
    if dialect != "sqlite":
        return sa.select(side.c.id).where(*[_pg_term(side, term) for term in terms])
    plain = [t.text for t in terms if t.row_id is None]
    phrases = [text for text in plain if len(text) >= TRIGRAM]
    conditions = [sa.func.instr(side.c.cells, text) > 0 for text in plain
                  if len(text) < TRIGRAM]
    conditions += [_sqlite_term(side, table_id, t) for t in terms if t.row_id is not None]
    if phrases:
        conditions.insert(0, _fts_match(side_table_name(table_id), phrases))
    return sa.select(side.c.rowid).where(*conditions)


def entries_hold(rows: sa.Table, table_id: int, terms: Sequence[Term]
                 ) -> sa.ColumnElement[bool]:
    """SQLite: `matching_ids` as a check of each row's own entry (read by row id), for
    a page that walks the rows in its order and stops once full (see `walk_rows`).
    The full-text index's phrase of a term matches exactly where the entry holds the
    term, as instr() tells."""
    side = _side(table_id, "sqlite")
    conditions = []
    for term in terms:
        found: sa.ColumnElement[bool] = sa.func.instr(side.c.cells, term.text) > 0
        conditions.append(found if term.row_id is None
                          else sa.or_(found, rows.c.id == term.row_id))
    return sa.exists().where(side.c.rowid == rows.c.id, *conditions)


# Entries (by row id) whose share holding the terms estimates how common they are.
_SAMPLE = 2000
# Tables of at most this many entries list their matches from the full-text index in
# about the time the estimate itself takes (its statement cost a small table's search a
# fifth of its rate): they never walk.
_SMALL_TABLE = _SAMPLE
# The highest entry id each table's estimate last saw (about its size), and when, per
# database (engine): a table known to be small skips the estimate's statement. Only the
# plan hangs on it, never the rows found: a stale size costs time alone, and it is read
# again after `_MEMO_SECONDS`.
_last_entries: weakref.WeakKeyDictionary[Engine, dict[int, tuple[int, float]]] = (
    weakref.WeakKeyDictionary())
_MEMO_SECONDS = 30.0
# Each estimate's answer, per database, by table, terms and rows wanted, for as long:
# the estimate is a statement of its own (1.6 ms of a 5 ms search of a million rows),
# and its answer, like the size, only picks the plan.
_walk_choices: weakref.WeakKeyDictionary[
    Engine, dict[tuple[int, tuple[Term, ...], int], tuple[bool, float]]] = (
    weakref.WeakKeyDictionary())
_CHOICES_KEPT = 1000


async def walk_rows(conn: AsyncConnection, table_id: int, terms: Sequence[Term],
                    wanted: int) -> bool:
    """SQLite: whether a page of the first `wanted` matching rows is found sooner by
    walking the rows in the page's order, checking each row's entry (`entries_hold`),
    than by listing every match from the full-text index and sorting them. A common
    term matches most of a big table: listing its 600,000 matches took a second where
    the walk reads a few hundred entries. The share of the first entries that match
    estimates how far the walk goes (`wanted` / share) against how many matches the
    index would list (share * entries); the walk is taken when it reads fewer than
    half as many."""
    sizes = _last_entries.setdefault(conn.sync_engine, {})
    choices = _walk_choices.setdefault(conn.sync_engine, {})
    small = max(2 * wanted, _SMALL_TABLE)  # the walk never pays below 2 * wanted either
    known = _fresh(sizes.get(table_id))
    if known is not None and known <= small:
        return False
    key = (table_id, tuple(terms), wanted)
    chosen = _fresh(choices.get(key))
    if chosen is not None:
        return bool(chosen)
    matches, sampled, last = await _sample(conn, table_id, terms)
    sizes[table_id] = (last, time.monotonic())
    walk = False
    if matches and sampled and last > small:
        share = matches / sampled
        walk = wanted / share < share * last / 2
    if len(choices) >= _CHOICES_KEPT:
        choices.clear()
    choices[key] = (walk, time.monotonic())
    return walk


def _fresh(memo: tuple[Any, float] | None) -> Any:
    """A memo's value while it is younger than `_MEMO_SECONDS`, else None."""
    if memo is None or time.monotonic() - memo[1] >= _MEMO_SECONDS:
        return None
    return memo[0]


async def _sample(conn: AsyncConnection, table_id: int, terms: Sequence[Term]
                  ) -> tuple[int, int, int]:
    """Of the first `_SAMPLE` entries: how many hold the terms and how many there are;
    and the highest entry id (about the table's size)."""
    side = _side(table_id, "sqlite")
    ids = matching_ids(table_id, "sqlite", terms)
    matching = ids.where(ids.selected_columns[0] <= _SAMPLE).subquery()
    found = (await conn.execute(sa.select(
        sa.select(sa.func.count()).select_from(matching).scalar_subquery(),
        sa.select(sa.func.count()).select_from(side).where(side.c.rowid <= _SAMPLE)
        .scalar_subquery(),
        sa.select(side.c.rowid).order_by(side.c.rowid.desc()).limit(1).scalar_subquery(),
    ))).one()
    matches, sampled, last = (int(value or 0) for value in found)
    return matches, sampled, last


def matching_entries(entries: sa.Subquery, terms: Sequence[Term]) -> sa.Select[Any]:
    """`matching_ids` over entries computed on the fly (`id`, `cells`, as the side table
    would hold them) rather than read from the side table, on PostgreSQL."""
    return sa.select(entries.c.id).where(*[_pg_term(entries, term) for term in terms])


async def count_matching(conn: AsyncConnection, ids: sa.Select[Any]) -> int:
    """How many rows `matching_ids` finds: the index alone, without the rows' table."""
    return int(await conn.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0)
