"""SQL over the rows a link points to, as seen from the linking table.

A linked row's primary value is read with the primary field type's own
`text_expression`, over an alias of the linked table (which may be the linking table
itself), so filters, search and sorts read it exactly as the field types define it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

from gridbase.fields.link_relation import Relation, relation_of
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.storage.json_sql import (
    IdArray,
    JoinedValue,
    JsonArray,
    JsonText,
    OrderText,
    json_object,
)

__all__ = ["among", "any_linked_text", "linked_items_json", "linked_text", "linked_texts",
           "target_of"]


def among(column: sa.ColumnElement[int], ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """`column` is one of `ids`: BETWEEN its ends for a `range` (a step of a build)."""
    if isinstance(ids, range) and ids.step == 1:
        return column.between(ids.start, ids.stop - 1)
    return column.in_(list(ids))


def target_of(spec: FieldSpec, table: TableSchema) -> TableSchema | None:
    """The linked table's schema, when the row query loaded it."""
    return table.related.get(int(spec.props.get("link_row_table_id") or 0))


@dataclass(frozen=True)
class _Linked:
    """The join table joined to (an alias of) the linked table, with what a linked row
    shows: its primary text (empty when NULL) and its place in the linked table."""

    source: sa.FromClause
    relation: Relation
    text: sa.ColumnElement[str]
    position: sa.ColumnElement[Any]
    row_id: sa.ColumnElement[int]

    def of_outer_row(self, table: TableSchema) -> sa.Select[Any]:
        """SELECT text, position, row_id of the rows the outer row of `table` links to."""
        return (sa.select(self.text.label("text"), self.position.label("position"),
                          self.row_id.label("row_id"))
                .select_from(self.source)
                .where(self.relation.own_column == table.sa_table.c.id)
                .correlate(table.sa_table))


def _linked(spec: FieldSpec, table: TableSchema) -> _Linked | None:
    """The linked rows of `spec`; None when the linked table is unknown or has no
    primary field."""
    from gridbase.fields.registry import field_type_registry  # the registry imports us

    target = target_of(spec, table)
    primary = None if target is None else target.primary
    if target is None or primary is None:
        return None
    alias = target.sa_table.alias()
    aliased = replace(target, sa_table=cast(sa.Table, alias), related={})
    relation = relation_of(spec)
    text = field_type_registry.get(primary.type).text_expression(primary, aliased)
    return _Linked(relation.table.join(alias, alias.c.id == relation.other_column), relation,
                   sa.func.coalesce(text, ""), alias.c.order, alias.c.id)


def any_linked_text(spec: FieldSpec, table: TableSchema,
                    condition: Any) -> sa.ColumnElement[bool] | None:
    """True where some linked row's primary text satisfies `condition(text)`; None when
    the linked table is unknown or has no primary field."""
    linked = _linked(spec, table)
    if linked is None:
        return None
    return linked.of_outer_row(table).where(condition(linked.text)).exists()


class _JoinTexts(FunctionElement[str]):
    """The texts of a subquery's rows joined by ", " in their (position, row id) order."""

    type = sa.Text()
    inherit_cache = True
    name = "join_texts"


@compiles(_JoinTexts, "postgresql")
def _join_pg(element: _JoinTexts, compiler: SQLCompiler, **kw: Any) -> str:
    text, position, row_id = (compiler.process(c, **kw) for c in element.clauses)
    return f"string_agg({text}, ', ' ORDER BY {position}, {row_id})"


@compiles(_JoinTexts, "sqlite")
def _join_sqlite(element: _JoinTexts, compiler: SQLCompiler, **kw: Any) -> str:
    text = compiler.process(next(iter(element.clauses)), **kw)
    # The subquery is ordered; SQLite's group_concat keeps the order rows arrive in.
    return f"group_concat({text}, ', ')"


def linked_text(spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[str]:
    """The linked rows' primary texts joined by ", " in the linked table's order; NULL
    without links (or when the linked table is unknown)."""
    linked = _linked(spec, table)
    if linked is None:
        return sa.cast(sa.null(), sa.Text)
    rows = linked.of_outer_row(table).order_by(linked.position, linked.row_id).subquery()
    joined = _JoinTexts(rows.c.text, rows.c.position, rows.c.row_id)
    return sa.select(joined).select_from(rows).scalar_subquery()


def linked_items_json(spec: FieldSpec, table: TableSchema, dialect: str
                      ) -> sa.ColumnElement[Any] | None:
    """A link cell as JSON, `[{id, value, order}]` in the linked table's order (`[]`
    without links); None when the linked table is unknown or has no primary field.

    For a page of rows (`table.sa_table` a CTE of them). On PostgreSQL the cells of all
    its rows come from one grouped query over the join table (a CTE too, MATERIALIZED so
    that it runs once, or joined: `JoinedValue`), in which each row finds its own: a
    query per row would be planned per row, and without statistics on a fresh join
    table PostgreSQL scanned the whole linked table for each. SQLite, whose aggregates
    take no ORDER BY (before 3.44), aggregates each row's ordered links, one index
    lookup per row."""
    linked = _linked(spec, table)
    if linked is None:
        return None
    owner = linked.relation.own_column
    item = json_object([("id", linked.row_id), ("value", linked.text),
                        ("order", OrderText(linked.position))])
    if dialect == "sqlite":
        ordered = (linked.of_outer_row(table).add_columns(item.label("item"))
                   .order_by(linked.position, linked.row_id).subquery())
        # json() again: JSON values lose their JSON type leaving a subquery
        cell = (sa.select(JsonArray(JsonText(ordered.c.item))).select_from(ordered)
                .scalar_subquery())
        return JsonText(sa.func.coalesce(cell, "[]"))
    # `= ANY(ARRAY(SELECT id ...))`, not `IN (SELECT ...)`: the join table is then read
    # through its index for the page's ids, whatever the statistics (a semi-join was
    # planned as a scan of the whole join table)
    page_ids = IdArray(sa.select(table.sa_table.c.id).scalar_subquery())
    grouped = (sa.select(owner.label("row_id"),
                         JsonArray(item, linked.position, linked.row_id).label("cells"))
               .select_from(linked.source).where(owner == sa.any_(page_ids))
               .group_by(owner))
    empty = JsonText(sa.literal("[]", sa.Text))
    # One row of two aligned arrays, which each page row looks up by its id: a lookup
    # in a CTE of one row per linked row scanned that CTE for every page row.
    found = grouped.subquery()
    cells = (sa.select(sa.func.array_agg(found.c.row_id, type_=ARRAY(sa.Integer)).label("ids"),
                       sa.func.array_agg(found.c.cells, type_=ARRAY(sa.JSON)).label("cells"))
             .cte(f"cells_{spec.id}").prefix_with("MATERIALIZED"))
    position = sa.func.array_position(cells.c.ids, table.sa_table.c.id)
    cell = (sa.select(cells.c.cells[position]).correlate(table.sa_table).scalar_subquery())
    # A statement that orders its rows itself joins the grouped cells instead: the
    # lookup costs in proportion to the page's size (twice the CPU for 200 rows).
    joined = grouped.subquery(f"links_{spec.id}")
    return JoinedValue(sa.func.coalesce(cell, empty), sa.func.coalesce(joined.c.cells, empty),
                       joined, joined.c.row_id == table.sa_table.c.id)


def linked_texts(spec: FieldSpec, table: TableSchema, dialect: str,
                 ids: Sequence[int] | None = None) -> sa.Subquery | None:
    """What `linked_text` gives every row with links (or those of `ids`, see `among`), as
    (`row_id`, `text`) from ONE grouped query over the join table, to join to many rows.

    None when a row's own subquery is what to use: on SQLite, whose group_concat takes
    no order under GROUP BY, and which runs that subquery as one index lookup per row
    anyway (as fast as grouping, measured on a million rows); and when the linked table
    is unknown or has no primary field (`linked_text` is NULL then). On PostgreSQL the
    per-row subquery's plan hangs on statistics: on a freshly loaded join table it
    probed the join table once per linked-table row, for every row."""
    linked = None if dialect == "sqlite" else _linked(spec, table)
    if linked is None:
        return None
    owner = linked.relation.own_column
    query = (sa.select(owner.label("row_id"),
                       _JoinTexts(linked.text, linked.position, linked.row_id).label("text"))
             .select_from(linked.source).group_by(owner))
    if ids is not None:
        query = query.where(among(owner, ids))
    return query.subquery()
