"""Row search: the `search` parameter as SQL, answered from the table's search index.

Default mode: every whitespace-separated word is inside some searchable cell (or a
number is the row's id); `compat` mode: the whole text is inside one cell. Both ignore
case, folded one character at a time as PostgreSQL's lower() does.

A table's index (see `storage.search_index`) is up to date when it was built for the
signature of the table's current searchable fields. Row writes keep it in step
(`search_sync`); a field change alters the signature, which leaves the index stale.
The first search that finds a table's index stale or missing (a table made before
indexes existed) has it rebuilt (`search_build`): inline on a table below
GRIDBASE_SEARCH_INDEX_SYNC_ROWS rows, which the search then reads, else in the
background, while searches read the cells themselves (a full scan of the rows), as they
do when a build fails.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.link_sql import among, linked_texts
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.handlers.services import Services
from gridbase.storage import search_index as store
from gridbase.storage.sql_functions import fold_case, icontains

__all__ = [
    "IndexNotReady",
    "SearchClause",
    "build_index",
    "index_ready",
    "index_rows",
    "search_clause",
    "search_terms",
    "signature",
    "use_index",
    "walk_rows",
]

# Part of every signature: bump it when the indexed text changes meaning, so that
# indexes built by older code are rebuilt.
INDEX_FORMAT = "1"


def search_terms(text: str | None, mode: str | None) -> list[str]:
    """The terms a search asks for: the whole text in compat mode, else each word."""
    stripped = (text or "").strip()
    if not stripped:
        return []
    return [stripped] if mode == "compat" else stripped.split()


def _row_id(term: str) -> int | None:
    return int(term) if term.isascii() and term.isdigit() and len(term) < 10 else None


def _searchable(table: TableSchema) -> list[FieldSpec]:
    """Searchable fields by id: their order in the table does not change what matches."""
    return sorted((f for f in table.fields if field_type_registry.get(f.type).searchable),
                  key=lambda f: f.id)


def index_rows(table: TableSchema, dialect: str, ids: Sequence[int] | None = None
               ) -> sa.Select[Any]:
    """SELECT the id and index entry of every row, or of the rows of `ids` (a list, or a
    `range` of ids), over `table` with its related schemas. Each cell is its field
    type's `text_expression`, but a link's text comes from one grouped query over its
    join table (`linked_texts`), joined to the rows, where the backend does that better
    than a subquery per row."""
    rows = table.sa_table
    source: sa.FromClause = rows
    cells: list[sa.ColumnElement[str]] = []
    for spec in _searchable(table):
        grouped = (linked_texts(spec, table, dialect, ids) if spec.type == "link_row"
                   else None)
        if grouped is None:
            cells.append(field_type_registry.get(spec.type).text_expression(spec, table))
        else:
            source = source.outerjoin(grouped, grouped.c.row_id == rows.c.id)
            cells.append(grouped.c.text)
    query = sa.select(rows.c.id, store.row_text(cells).label("cells")).select_from(source)
    return query if ids is None else query.where(among(rows.c.id, ids))


def _spec_key(spec: FieldSpec | None) -> Any:
    if spec is None:
        return None
    return [spec.id, spec.type, spec.props, [[o.id, o.value] for o in spec.options]]


def signature(table: TableSchema) -> str:
    """What a row's entry is made of: the searchable fields with their properties and
    options, and for links the linked table's primary field. Names and order do not
    count; any other field change does, and leaves the index stale."""
    parts: list[Any] = [INDEX_FORMAT]
    for spec in _searchable(table):
        parts.append(_spec_key(spec))
        if spec.type == "link_row":
            target = table.related.get(int(spec.props.get("link_row_table_id") or 0))
            parts.append(None if target is None else [target.id, _spec_key(target.primary)])
    encoded = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


async def index_ready(conn: AsyncConnection, table: TableSchema) -> bool:
    """Whether the table's index is built for its current fields (`table` with related)."""
    return await store.built_signature(conn, table.id) == signature(table)


class IndexNotReady(Exception):
    """A search needs the table's index built first, in a write transaction of its own."""

    def __init__(self, table_id: int) -> None:
        super().__init__(table_id)
        self.table_id = table_id


async def use_index(svc: Services, conn: AsyncConnection, table: TableSchema,
                    text: str | None, mode: str | None, *, build: bool) -> bool:
    """Whether this search reads the index (`table` with its related schemas). With
    `build`, an index that is not up to date raises IndexNotReady: the caller builds it
    with `build_index` and asks again without `build`, scanning if that failed. An
    index read for the first time in this process has its trigram index checked
    (`search_build.keep_trigram`)."""
    if not search_terms(text, mode):
        return False
    if await index_ready(conn, table):
        from gridbase.handlers.search_build import keep_trigram  # it reads our SQL

        keep_trigram(svc, table.id)
        # Searches read on connections that plan each statement for its values
        # (`Database.read`): a rare term's best plan is a bitmap scan of the trigram
        # index, a common term's a walk of the rows in order.
        return True
    if build:
        raise IndexNotReady(table.id)
    return False


async def walk_rows(conn: AsyncConnection, table: TableSchema, text: str | None,
                    mode: str | None, wanted: int) -> bool:
    """Whether a search that reads the index finds its page (the first `wanted` rows)
    by checking the rows' entries in the page's order (SQLite; `store.walk_rows`)."""
    terms = search_terms(text, mode)
    if conn.dialect.name != "sqlite" or not terms or any(
            "\x00" in term or store.SEPARATOR in term for term in terms):
        return False
    return await store.walk_rows(conn, table.id, _wanted(terms), wanted)


def _wanted(terms: list[str]) -> list[store.Term]:
    return [store.Term(fold_case(term), _row_id(term)) for term in terms]


async def build_index(svc: Services, table_id: int) -> bool:
    """Have the table's index built unless it is up to date (see `search_build`); True
    when the search may read it now, False when it scans."""
    from gridbase.handlers.search_build import build  # the builder reads our SQL

    return await build(svc, table_id)


def _scan_condition(table: TableSchema, terms: list[str]) -> sa.ColumnElement[bool]:
    """Every term in some cell, read from the rows themselves. A page of a common term
    stops early; a count reads every row (15-20 s for a million rows with a link)."""
    searchable = _searchable(table)

    def matches(term: str) -> sa.ColumnElement[bool]:
        cells = [icontains(field_type_registry.get(f.type).text_expression(f, table), term)
                 for f in searchable]
        row_id = _row_id(term)
        if row_id is not None:
            cells.append(table.sa_table.c.id == row_id)
        return sa.or_(*cells) if cells else sa.false()

    return sa.and_(*[matches(term) for term in terms])


@dataclass(frozen=True)
class SearchClause:
    """A search's WHERE clause and, when the index answers it (or entries computed as it
    would hold them), the SELECT of the matching ids alone, to count them."""

    where: sa.ColumnElement[bool]
    index_ids: sa.Select[Any] | None = None


def search_clause(table: TableSchema, text: str | None, mode: str | None,
                  dialect: str, indexed: bool, walk: bool = False) -> SearchClause | None:
    """The search as SQL; from the index when `indexed` (it is up to date), each row's
    entry checked on its own when `walk` (`walk_rows`); counted from the index."""
    terms = search_terms(text, mode)
    if not terms:
        return None
    if any("\x00" in term for term in terms):
        return SearchClause(sa.false())  # stored text never holds NUL
    if any(store.SEPARATOR in term for term in terms):
        return SearchClause(_scan_condition(table, terms))
    wanted = _wanted(terms)
    if not indexed:
        return SearchClause(_scan_condition(table, terms), _scan_count(table, dialect, wanted))
    ids = store.matching_ids(table.id, dialect, wanted)
    if walk and dialect == "sqlite":
        return SearchClause(store.entries_hold(table.sa_table, table.id, wanted), ids)
    return SearchClause(table.sa_table.c.id.in_(ids), ids)


def _scan_count(table: TableSchema, dialect: str, terms: list[store.Term]
                ) -> sa.Select[Any] | None:
    """The ids a scan finds, to count them, from the entries the index would hold,
    computed in one pass (`index_rows`) on PostgreSQL: 8 s rather than 17 for a million
    rows with a link, and no subquery per row, whose plan for a freshly loaded join
    table (no statistics yet) took over ten minutes. SQLite counts the scan itself."""
    if dialect != "postgresql":
        return None
    return store.matching_entries(index_rows(table, dialect).subquery(), terms)
