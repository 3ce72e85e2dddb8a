"""Which automatic index would serve a field's use in a filter or a sort.

The answer is read off the very SQL expression the field type gives the filter or sort,
so an index is only proposed where the planner can match it: a bare column, `lower()`
of a text column, or the numeric sort key. Anything else (CASE over select options,
subqueries over links, formatted text) gets no index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import Cast
from sqlalchemy.sql.functions import Function

from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.number_column import sorted_number_column
from gridbase.fields.registry import field_type_registry
from gridbase.handlers.filter_tree import FilterGroup
from gridbase.storage.auto_indexes import IndexPlan
from gridbase.storage.sql_functions import FoldedText

__all__ = ["COMPARE", "CONTAINS", "SORT", "IndexUse", "filter_uses", "leaf_use", "plans_for"]

COMPARE = "compare"
CONTAINS = "contains"
SORT = "sort"

# Filters whose SQL compares the stored value itself with `=`, `<`, `>=`... (negated
# filters add `IS NULL OR NOT`, which no index serves).
_COMPARING = frozenset({
    "equal", "higher_than", "higher_than_or_equal", "lower_than", "lower_than_or_equal",
    "single_select_equal", "single_select_is_any_of", "boolean",
    "date_is", "date_is_before", "date_is_on_or_before", "date_is_after",
    "date_is_on_or_after", "date_is_within",
})
_CONTAINING = frozenset({"contains"})
# Without range statistics (no STAT4 in Python's SQLite) SQLite's planner takes a range
# index even where most rows are in the range, which is slower than reading the table;
# measured on the bench, a date-range index tripled a count. So on SQLite only the
# filters that pick few rows get an index.
_SQLITE_COMPARING = frozenset({"equal", "single_select_equal", "single_select_is_any_of",
                               "date_is"})
# Filters that keep one value of the compared expression: an index led by it walks the
# matching rows in the order of its next column (`_composite_plans`).
_EQUALITY = frozenset({"equal", "single_select_equal", "boolean"})


@dataclass(frozen=True)
class IndexUse:
    """A field used by a listing: compared, searched with `contains`, or sorted by;
    `narrow` when the comparison picks few rows; `equality` when it keeps one value."""

    field: FieldSpec
    purpose: str
    narrow: bool = False
    equality: bool = False


def leaf_use(spec: FieldSpec | None, filter_type: str) -> IndexUse | None:
    """What an index could do for one filter on a field, if anything."""
    if spec is None or spec.id == 0:  # row ids and row timestamps
        return None
    if filter_type in _COMPARING:
        return IndexUse(spec, COMPARE, narrow=filter_type in _SQLITE_COMPARING,
                        equality=filter_type in _EQUALITY)
    if filter_type in _CONTAINING:
        return IndexUse(spec, CONTAINS)
    return None


def filter_uses(group: FilterGroup | None) -> list[IndexUse]:
    """The uses an index could serve in a filter tree."""
    if group is None:
        return []
    uses = [use for leaf in group.filters if (use := leaf_use(leaf.field, leaf.type))]
    for sub in group.groups:
        uses += filter_uses(sub)
    return uses


def _bare_column(expression: Any, table: TableSchema) -> str | None:
    """The column name when `expression` is one of the table's own columns, as is or
    cast to text (a no-op the planner drops), else None."""
    if isinstance(expression, Cast) and isinstance(expression.type, sa.Text):
        expression = expression.clause
    if (isinstance(expression, sa.Column) and expression.table is table.sa_table
            and expression.name.startswith("field_")):
        return expression.name
    return None


def _lowered_column(expression: Any, table: TableSchema) -> str | None:
    if isinstance(expression, Function | FoldedText) and expression.name == "lower":
        arguments = list(expression.clauses)
        if len(arguments) == 1:
            return _bare_column(arguments[0], table)
    return None


def _sort_plan(spec: FieldSpec, table: TableSchema, dialect: str) -> IndexPlan | None:
    expression = field_type_registry.get(spec.type).sort_expression(spec, table)
    if (column := _bare_column(expression, table)) is not None:
        return IndexPlan(table.id, column, "sort")
    if (column := _lowered_column(expression, table)) is not None:
        # SQLite's lower() is gridbase's own Python function: an index built with it would
        # be wrong for any other program writing the file, so only PostgreSQL gets one.
        return IndexPlan(table.id, column, "lower") if dialect == "postgresql" else None
    column = _bare_column(sorted_number_column(expression), table)
    if column is not None:
        return IndexPlan(table.id, column, "real" if dialect == "sqlite" else "sort")
    return None


def _plan(use: IndexUse, table: TableSchema, dialect: str) -> IndexPlan | None:
    spec = use.field
    field_type = field_type_registry.get(spec.type)
    if not field_type.has_column:
        return None
    if use.purpose == SORT:
        return _sort_plan(spec, table, dialect)
    if use.purpose == COMPARE:
        if dialect == "sqlite" and not use.narrow:
            return None
        column = _bare_column(field_type.value_expression(spec, table), table)
        return None if column is None else IndexPlan(table.id, column, "sort")
    if use.purpose == CONTAINS and dialect == "postgresql":
        # `contains` is lower(text) LIKE '%value%': a trigram index on lower(column)
        # serves it where the text is the column itself. SQLite has no such index.
        expression = field_type.text_expression(spec, table)
        column = _bare_column(expression, table)
        if column is not None and isinstance(table.sa_table.c[column].type, sa.Text):
            return IndexPlan(table.id, column, "trgm")
    return None


def _composite_plans(planned: list[tuple[IndexUse, IndexPlan | None]], table_id: int
                     ) -> list[IndexPlan]:
    """Two-column indexes for a listing that filters by equality and sorts: each
    equality's column, then the first sort's key (see `auto_indexes`); `planned` pairs
    each use with its own index."""
    ordered = next((plan for use, plan in planned if use.purpose == SORT), None)
    if ordered is None:
        return []
    return [IndexPlan(table_id, ordered.column, ordered.kind, leading=plan.column)
            for use, plan in planned
            if use.purpose == COMPARE and use.equality and plan is not None
            and plan.kind == "sort" and plan.column != ordered.column]


def plans_for(uses: Iterable[IndexUse], table: TableSchema, dialect: str) -> list[IndexPlan]:
    """The automatic indexes that would serve `uses`, each once, db_index ones left out."""
    planned = [(use, _plan(use, table, dialect)) for use in uses]
    plans: list[IndexPlan] = []
    for use, plan in planned:
        if plan is None or plan in plans:
            continue
        if plan.kind == "sort" and use.purpose == COMPARE and use.field.db_index:
            continue  # the field's own index serves comparisons already
        plans.append(plan)
    for plan in _composite_plans(planned, table.id):
        if plan not in plans:
            plans.append(plan)
    return plans
