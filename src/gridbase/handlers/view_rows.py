"""Rows seen through a saved view: its filters and sorts added to a row listing.

The saved filters become the same `FilterGroup` tree the `filters` parameter builds,
so they compile through the same filter registry. A saved filter or sort that no longer
fits its field (the field changed type) is left out rather than failing the listing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import now
from gridbase.errors import ApiError
from gridbase.fields.filters import filter_type_registry
from gridbase.fields.filters.base import FilterContext
from gridbase.fields.model import TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.handlers import search
from gridbase.handlers.filter_tree import FilterGroup, FilterLeaf, compile_filters
from gridbase.handlers.index_plans import SORT, IndexUse, filter_uses
from gridbase.handlers.policy import Actor
from gridbase.handlers.related import with_related
from gridbase.handlers.row_query import CompiledQuery, RowQuery, compile_query
from gridbase.handlers.row_values import serialize_rows
from gridbase.handlers.services import Services
from gridbase.handlers.view_field_options import options_json
from gridbase.handlers.view_store import MAX_ID, view_scope
from gridbase.storage import rows as sql
from gridbase.storage import schema as meta

__all__ = ["ViewPage", "apply_view", "list_view_rows", "saved_filters", "saved_order"]


async def saved_filters(conn: AsyncConnection, table: TableSchema, view: Any
                        ) -> FilterGroup | None:
    """The view's filter tree, or None when its filters are switched off."""
    if view["filters_disabled"]:
        return None
    groups = (await conn.execute(sa.select(meta.view_filter_groups).where(
        meta.view_filter_groups.c.view_id == view["id"]).order_by(
        meta.view_filter_groups.c.id))).mappings().all()
    filters = (await conn.execute(sa.select(meta.view_filters).where(
        meta.view_filters.c.view_id == view["id"]).order_by(
        meta.view_filters.c.id))).mappings().all()
    root = FilterGroup(view["filter_type"])
    nodes = {g["id"]: FilterGroup(g["filter_type"]) for g in groups}
    for group in groups:
        parent = nodes.get(group["parent_group_id"], root)
        parent.groups.append(nodes[group["id"]])
    for row in filters:
        spec = table.by_id.get(row["field_id"])
        filter_type = filter_type_registry.get(row["type"])
        if spec is None or filter_type is None or not filter_type.accepts(spec):
            continue
        nodes.get(row["group_id"], root).filters.append(FilterLeaf(spec, row["type"],
                                                                   row["value"]))
    return root


async def saved_order(conn: AsyncConnection, table: TableSchema, view_id: int,
                      uses: list[IndexUse] | None = None) -> list[sa.ColumnElement[Any]]:
    """ORDER BY clauses of the view's sorts, empty values first when ascending; the
    sorted fields are added to `uses`."""
    rows = (await conn.execute(sa.select(meta.view_sorts).where(
        meta.view_sorts.c.view_id == view_id).order_by(meta.view_sorts.c.id))).mappings()
    clauses: list[sa.ColumnElement[Any]] = []
    for row in rows:
        spec = table.by_id.get(row["field_id"])
        if spec is None:
            continue
        field_type = field_type_registry.get(spec.type)
        expression = field_type.sort_expression(spec, table)
        if expression is None:
            continue
        descending = row["order"] == "DESC"
        clauses.append(expression.desc().nulls_last() if descending
                       else expression.asc().nulls_first())
        if uses is not None:
            uses.append(IndexUse(spec, SORT))
        tiebreak = field_type.sort_tiebreak(spec, table)
        if tiebreak is not None:
            clauses.append(tiebreak.asc() if descending else tiebreak.desc())
    return clauses


async def apply_view(conn: AsyncConnection, table: TableSchema, view_id: int,
                     compiled: CompiledQuery, dialect: str) -> CompiledQuery:
    """Add a view's filters (AND the ad-hoc ones) and, unless the listing gave its own
    `order_by`, its sorts. A view of another table does not exist for this listing."""
    if not 0 < view_id <= MAX_ID:
        raise ApiError("ERROR_VIEW_DOES_NOT_EXIST")
    view = (await conn.execute(sa.select(meta.views).where(
        meta.views.c.id == view_id, meta.views.c.table_id == table.id))).mappings().first()
    if view is None:
        raise ApiError("ERROR_VIEW_DOES_NOT_EXIST")
    tree = await saved_filters(conn, table, view)
    saved = compile_filters(FilterContext(table, dialect, now()), tree)
    where = compiled.where
    if saved is not None:
        where = saved if where is None else sa.and_(where, saved)
    uses = [*compiled.uses, *filter_uses(tree)]
    order_by = compiled.order_by or await saved_order(conn, table, view_id, uses)
    count_from = compiled.count_from if saved is None else None
    return replace(compiled, where=where, order_by=order_by, uses=uses, count_from=count_from)


@dataclass
class ViewPage:
    count: int
    results: list[dict[str, Any]]
    field_options: dict[str, dict[str, Any]] | None = None


async def list_view_rows(
    svc: Services, actor: Actor, view_id: int, query: RowQuery, *, limit: int, offset: int,
    count_only: bool = False, with_field_options: bool = False,
) -> ViewPage:
    """One window of the view's rows (`field_N` keys), with its total count."""
    try:
        return await _view_page(svc, actor, view_id, query, limit, offset, count_only,
                                with_field_options, build_index=True)
    except search.IndexNotReady as stale:
        await search.build_index(svc, stale.table_id)
    return await _view_page(svc, actor, view_id, query, limit, offset, count_only,
                            with_field_options, build_index=False)


async def _view_page(
    svc: Services, actor: Actor, view_id: int, query: RowQuery, limit: int, offset: int,
    count_only: bool, with_field_options: bool, build_index: bool,
) -> ViewPage:
    async with svc.db.read() as conn:
        _, table = await view_scope(svc, conn, actor, view_id, "table.rows.read")
        table = await with_related(svc.schemas, conn, table)
        indexed = await search.use_index(svc, conn, table, query.search, query.search_mode,
                                         build=build_index)
        compiled = await apply_view(conn, table, view_id,
                                    compile_query(table, query, svc.db.dialect, indexed),
                                    svc.db.dialect)
        svc.indexes.note(table, compiled.uses)
        count = await svc.counts.count(conn, table, compiled.where, compiled.count_from)
        if count_only:
            return ViewPage(count, [])
        rows = await sql.select_rows(conn, table.sa_table, where=compiled.page_where,
                                     order_by=compiled.order_by, limit=limit, offset=offset)
        results = await serialize_rows(svc.field_context(conn), table, rows, False,
                                       compiled.fields)
        options = await options_json(conn, view_id, table) if with_field_options else None
        return ViewPage(count, results, options)
