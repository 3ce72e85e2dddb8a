"""Builds a table's search index whole, when a search finds it stale or missing.

A table below `search_index_sync_rows` rows (its highest id) is built inside the search
that needs it, in one write transaction: small tables behave the same every time. A
bigger table is built in the background (`background_builds`: one build per table, one
after another) while searches scan the rows, in steps of STEP_ROWS rows, each its own
short write transaction: writers wait for a step (a fraction of a second), never for
the whole build (tens of seconds for a million rows on SQLite, whose FTS5 table cannot
be built aside). Writes between steps keep the entries of their rows in step
(`search_sync` writes an index being built as a built one), and a step rewrites the
entries of its rows from what they are then, so no write is lost. On PostgreSQL the
trigram index is added once the entries are complete, concurrently with writes.

Each step takes the same locks as a whole build (the rows' table, and the linked and
join tables the entries read, against writers), checks that the table's searchable
fields are still those the build began with, and renews the build's mark (see
`storage.search_index.BUILDING`): a build stops when the fields changed or another
build took over, and a build found with a mark older than MARK_FRESH_FOR (its process
died) is started afresh.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.link_relation import relation_of
from gridbase.fields.model import TableSchema
from gridbase.handlers.related import with_related
from gridbase.handlers.search import index_ready, index_rows, signature
from gridbase.handlers.services import Services
from gridbase.storage import search_index as store
from gridbase.storage.auto_indexes import row_estimate
from gridbase.storage.table_versions import bump_data_version
from gridbase.storage.user_tables import table_name

__all__ = ["MARK_FRESH_FOR", "STEP_ROWS", "build", "keep_trigram"]

log = logging.getLogger(__name__)

STEP_ROWS = 20_000
MARK_FRESH_FOR = timedelta(seconds=60)


def _read_tables(table: TableSchema) -> list[str]:
    """The other tables a row's entry reads: linked tables and their join tables."""
    names: set[str] = set()
    for spec in table.fields:
        if spec.type == "link_row" and spec.props.get("relation_table"):
            names.add(str(relation_of(spec).table.name))
            target = int(spec.props.get("link_row_table_id") or 0)
            if target in table.related and target != table.id:
                names.add(table_name(target))
    return sorted(names)


async def _locked_schema(svc: Services, conn: AsyncConnection, table_id: int) -> TableSchema:
    """Lock the rows' table for a build (`lock_for_build`), then read its schema."""
    await store.lock_for_build(conn, table_name(table_id))
    return await with_related(svc.schemas, conn, await svc.schemas.get(conn, table_id))


async def build(svc: Services, table_id: int) -> bool:
    """Build the table's index unless it is up to date; True when it is ready now: False
    while it is built in the background, or when it cannot be built."""
    key = ("search_index", table_id)
    builds = svc.indexes.builds
    if builds.busy(key):
        return False
    svc.indexes.trigrams_checked.discard(table_id)  # the new index is checked afresh
    async with svc.db.read() as conn:
        big = await row_estimate(conn, table_id) >= svc.settings.search_index_sync_rows
    if not big:
        return await _build_inline(svc, table_id)
    builds.start(key, lambda: _build_in_steps(svc, table_id))
    return False


def keep_trigram(svc: Services, table_id: int) -> None:
    """PostgreSQL: the first search in this process that reads a table's index has a
    background check that the index has its trigram index, and adds it if not. A build
    in steps adds it last, concurrently: a process that died meanwhile (or a failed
    build of it) left the index built without it, and every search of a common term
    then read the whole side table."""
    checked = svc.indexes.trigrams_checked
    if svc.db.dialect != "postgresql" or table_id in checked:
        return
    checked.add(table_id)
    svc.indexes.builds.start(("search_trigram", table_id),
                             lambda: _ensure_trigram(svc, table_id))


async def _ensure_trigram(svc: Services, table_id: int) -> None:
    if not await store.has_trigram_index(svc.db, table_id):
        log.info("adding the missing trigram index of table %s's search index", table_id)
        await store.add_trigram_index(svc.db, table_id)


async def _build_inline(svc: Services, table_id: int) -> bool:
    try:
        async with svc.db.write() as conn:
            table = await _locked_schema(svc, conn, table_id)
            if await index_ready(conn, table):
                return True  # another search built it meanwhile
            await store.rebuild_index(conn, table.id, index_rows(table, svc.db.dialect),
                                      signature(table), _read_tables(table))
            # Counts of searches read the index: cached ones must not outlive it.
            await bump_data_version(conn, table.id)
            return True
    except sa.exc.DBAPIError:
        # A missing pg_trgm or a lock conflict must not fail the search itself.
        log.exception("could not build the search index of table %s", table_id)
        return False


class _Stopped(Exception):
    """The build's fields changed, or another build took the table over."""


async def _build_in_steps(svc: Services, table_id: int) -> None:
    mark = store.BUILDING + uuid.uuid4().hex
    try:
        async with svc.db.write() as conn:
            table = await _locked_schema(svc, conn, table_id)
            wanted = signature(table)
            if await index_ready(conn, table) or not await store.begin_build(
                    conn, table_id, mark, _read_tables(table), fresh_for=MARK_FRESH_FOR):
                return  # built meanwhile, or being built by another process
            last = await row_estimate(conn, table_id)
        for first in range(1, last + 1, STEP_ROWS):
            async with svc.db.write() as conn:
                table = await _locked_schema(svc, conn, table_id)
                ids = range(first, min(first + STEP_ROWS, last + 1))
                if signature(table) != wanted or not await store.fill_entries(
                        conn, table_id, mark, index_rows(table, svc.db.dialect, ids),
                        ids.start, ids.stop - 1, _read_tables(table)):
                    raise _Stopped
        async with svc.db.write() as conn:
            table = await _locked_schema(svc, conn, table_id)
            if signature(table) != wanted or not await store.finish_build(
                    conn, table_id, mark, wanted):
                raise _Stopped
            # Counts of searches read the index: cached ones must not outlive it.
            await bump_data_version(conn, table_id)
        await store.add_trigram_index(svc.db, table_id)
        log.info("built the search index of table %s", table_id)
    except _Stopped:
        log.info("stopped building the search index of table %s", table_id)
        await _abandon(svc, table_id, mark)
    except Exception:
        await _abandon(svc, table_id, mark)
        raise


async def _abandon(svc: Services, table_id: int, mark: str) -> None:
    """Leave no half-built index behind, so that the next search starts afresh."""
    async with svc.db.write() as conn:
        await store.lock_for_build(conn, table_name(table_id))
        await store.abandon_build(conn, table_id, mark)
