"""SQL over the rows a link points to, as seen from the linking table.

A linked row's primary value is read with the primary field type's own
`text_expression`, over an alias of the linked table (which may be the linking table
itself), so filters, search and sorts read it exactly as the field types define it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

from gridbase.fields.link_relation import relation_of
from gridbase.fields.model import FieldSpec, TableSchema

__all__ = ["any_linked_text", "linked_text", "target_of"]


def target_of(spec: FieldSpec, table: TableSchema) -> TableSchema | None:
    """The linked table's schema, when the row query loaded it."""
    return table.related.get(int(spec.props.get("link_row_table_id") or 0))


def _linked_rows(spec: FieldSpec, table: TableSchema, target: TableSchema
                 ) -> tuple[sa.Select[Any], TableSchema] | None:
    """SELECT ... FROM the join table and the linked rows of the outer row, and the target
    schema re-pointed at the alias; None when the target has no primary field."""
    from gridbase.fields.registry import field_type_registry  # the registry imports us

    primary = target.primary
    if primary is None:
        return None
    alias = target.sa_table.alias()
    aliased = replace(target, sa_table=cast(sa.Table, alias), related={})
    relation = relation_of(spec)
    text = field_type_registry.get(primary.type).text_expression(primary, aliased)
    query = (sa.select(sa.func.coalesce(text, "").label("text"),
                       alias.c.order.label("position"), alias.c.id.label("row_id"))
             .select_from(relation.table.join(alias, alias.c.id == relation.other_column))
             .where(relation.own_column == table.sa_table.c.id)
             .correlate(table.sa_table))
    return query, aliased


def any_linked_text(spec: FieldSpec, table: TableSchema,
                    condition: Any) -> sa.ColumnElement[bool] | None:
    """True where some linked row's primary text satisfies `condition(text)`; None when
    the linked table is unknown or has no primary field."""
    target = target_of(spec, table)
    found = None if target is None else _linked_rows(spec, table, target)
    if found is None:
        return None
    query, _ = found
    text = query.selected_columns.text
    return query.where(condition(text)).exists()


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
    target = target_of(spec, table)
    found = None if target is None else _linked_rows(spec, table, target)
    if found is None:
        return sa.cast(sa.null(), sa.Text)
    query, _ = found
    rows = query.order_by(query.selected_columns.position,
                          query.selected_columns.row_id).subquery()
    joined = _JoinTexts(rows.c.text, rows.c.position, rows.c.row_id)
    return sa.select(joined).select_from(rows).scalar_subquery()
