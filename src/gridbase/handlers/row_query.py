"""What a row listing asks for, and its translation into SQL pieces.

The API layer fills a `RowQuery` from query parameters; `compile_query` resolves field
names against the table and returns the WHERE clause, ORDER BY and selected fields.
Filters and search plug in here.

`kept_query` keeps the compiled query of each listing asked for, per table object (one
per schema version): the same listing asked again (the first page of a shared view,
a client polling) reuses its SQL pieces, and what was built from them
(`CompiledQuery.derived`: the page's statement, the index plans), rather than building
SQLAlchemy's trees and cache keys again (a third of the server's time in a filtered
page). A query whose filters read today's date is not kept.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from gridbase.clock import now
from gridbase.errors import ApiError
from gridbase.fields.filters.base import FilterContext
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.handlers.filter_tree import compile_filters, parse_filter_params
from gridbase.handlers.index_plans import SORT, IndexUse, filter_uses
from gridbase.handlers.search import search_clause
from gridbase.handlers.sort_bounds import sort_bounds
from gridbase.storage.kept import kept_for

__all__ = ["CompiledQuery", "RowQuery", "compile_query", "kept_query", "split_names"]

# Compiled queries kept per table object; all are let go when there are this many more.
_KEPT_PER_TABLE = 32


@dataclass
class RowQuery:
    page: int = 1
    size: int = 100
    user_field_names: bool = False
    include: str | None = None
    exclude: str | None = None
    order_by: str | None = None
    search: str | None = None
    search_mode: str | None = None
    exclude_count: bool = False
    filter_params: list[tuple[str, str]] = field(default_factory=list)
    view_id: int | None = None
    # `(link field, target fields)` of the `{link_field}__join` parameters
    joins: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CompiledQuery:
    where: sa.ColumnElement[bool] | None
    order_by: list[sa.ColumnElement[Any]]
    fields: list[FieldSpec]
    # When a search from the index is the only condition: the matching ids, which count
    # faster than the rows they select (whoever adds a condition must drop it).
    count_from: sa.Select[Any] | None = None
    # fields the filters and sorts used, for the automatic indexes
    uses: list[IndexUse] = field(default_factory=list)
    # conditions implied by `where` that let an index serve the page (see `sort_bounds`)
    hint: sa.ColumnElement[bool] | None = None
    # the filters read today's date: the conditions hold it, so they are not kept
    dated: bool = False
    # what callers build from this query, kept with it (new with every copy)
    derived: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False,
                                         compare=False)

    @property
    def page_where(self) -> sa.ColumnElement[bool] | None:
        """`where` for the page query; counting uses `where` alone."""
        if self.hint is None:
            return self.where
        return self.hint if self.where is None else sa.and_(self.where, self.hint)


def split_names(raw: str) -> list[str]:
    """Split a comma-separated list where names with commas are "quoted" (\\ escapes)."""
    names: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in raw:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [n.strip() for n in names if n.strip()]


def _resolve(table: TableSchema, name: str, user_field_names: bool) -> FieldSpec | None:
    spec = table.lookup(name, user_field_names)
    if spec is None and user_field_names:
        spec = table.lookup(name, False)
    return spec


def _selected(table: TableSchema, query: RowQuery) -> list[FieldSpec]:
    fields = table.fields
    if query.include:
        wanted = {s.id for n in split_names(query.include)
                  if (s := _resolve(table, n, query.user_field_names)) is not None}
        fields = [f for f in fields if f.id in wanted]
    if query.exclude:
        unwanted = {s.id for n in split_names(query.exclude)
                    if (s := _resolve(table, n, query.user_field_names)) is not None}
        fields = [f for f in fields if f.id not in unwanted]
    return fields


def _order_by(table: TableSchema, query: RowQuery, uses: list[IndexUse]
              ) -> list[sa.ColumnElement[Any]]:
    clauses: list[sa.ColumnElement[Any]] = []
    for token in split_names(query.order_by or ""):
        descending = token.startswith("-")
        name = token[1:] if token[:1] in "+-" else token
        spec = table.lookup(name, query.user_field_names)
        if spec is None:
            raise ApiError("ERROR_ORDER_BY_FIELD_NOT_FOUND",
                           f"The field {name} was not found in the table.")
        field_type = field_type_registry.get(spec.type)
        expression = field_type.sort_expression(spec, table)
        if expression is None:
            raise ApiError("ERROR_ORDER_BY_FIELD_NOT_POSSIBLE",
                           f"It is not possible to order by {name} because the field type "
                           f"{spec.type} does not support filtering.")
        clauses.append(expression.desc().nulls_last() if descending
                       else expression.asc().nulls_first())
        uses.append(IndexUse(spec, SORT))
        tiebreak = field_type.sort_tiebreak(spec, table)
        if tiebreak is not None:
            clauses.append(tiebreak.asc() if descending else tiebreak.desc())
    return clauses


def compile_query(table: TableSchema, query: RowQuery, dialect: str,
                  indexed: bool = False, walk: bool = False) -> CompiledQuery:
    """`indexed`: the table's search index is up to date, so search may read it;
    `walk`: the search checks each row's entry (`search.walk_rows`)."""
    group = parse_filter_params(table, query.filter_params, query.user_field_names)
    context = FilterContext(table, dialect, now())
    filters = compile_filters(context, group)
    searched = search_clause(table, query.search, query.search_mode, dialect, indexed, walk)
    conditions = [c for c in (filters, searched.where if searched else None) if c is not None]
    uses = filter_uses(group)
    order_by = _order_by(table, query, uses)
    first_sort = next((u.field for u in uses if u.purpose == SORT), None)
    hint = sort_bounds(table, group, first_sort) if dialect == "sqlite" else None
    return CompiledQuery(where=sa.and_(*conditions) if conditions else None,
                         order_by=order_by, fields=_selected(table, query), uses=uses,
                         hint=hint, dated=context.read_clock,
                         count_from=searched.index_ids if searched and filters is None
                         else None)


def kept_query(table: TableSchema, query: RowQuery, dialect: str, indexed: bool = False,
               walk: bool = False) -> CompiledQuery:
    """`compile_query`, kept for this table object (module docstring). Callers must not
    change what it returns."""
    kept: dict[Hashable, CompiledQuery] = kept_for(table.sa_table, "queries")
    key = (tuple(query.filter_params), query.user_field_names, query.order_by,
           query.search, query.search_mode, query.include, query.exclude, dialect,
           indexed, walk,
           tuple((t, related.version) for t, related in sorted(table.related.items())))
    found = kept.get(key)
    if found is None:
        found = compile_query(table, query, dialect, indexed, walk)
        if not found.dated:
            if len(kept) >= _KEPT_PER_TABLE:
                kept.clear()
            kept[key] = found
    return found
