"""On SQLite, numeric range filters restated on the sort key, so one index serves both.

SQLite sorts numbers by `CAST(column AS REAL)` (see `number_column`), which an automatic
index covers, but the range filters compare the column itself. When a listing sorts by a
number field first and its top-level AND filters bound that field, the same bounds are
added on the sort key, rounded outwards to the nearest float so that they never drop a
row the filters keep. The planner then walks the index from the bound in sort order and
stops after a page, instead of scanning past every row outside the range. Only the page
query gets them: for a count the planner would pick that index even for a wide range,
which is slower than reading the table.
"""

from __future__ import annotations

import math
from decimal import Decimal

import sqlalchemy as sa

from gridbase.fields.filters.base import parse_decimal_or_none
from gridbase.fields.filters.numeric import in_column_range
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.number_column import numeric_sort_key
from gridbase.handlers.filter_tree import FilterGroup

__all__ = ["sort_bounds"]

_LOWER = frozenset({"higher_than", "higher_than_or_equal"})
_UPPER = frozenset({"lower_than", "lower_than_or_equal"})


def _float_below(number: Decimal) -> float:
    value = float(number)
    return math.nextafter(value, -math.inf) if Decimal(value) > number else value


def _float_above(number: Decimal) -> float:
    value = float(number)
    return math.nextafter(value, math.inf) if Decimal(value) < number else value


def sort_bounds(table: TableSchema, group: FilterGroup | None, sorted_by: FieldSpec | None
                ) -> sa.ColumnElement[bool] | None:
    """Bounds on the sort key implied by the filters, or None."""
    if group is None or sorted_by is None or sorted_by.type != "number":
        return None
    if group.filter_type != "AND":
        return None
    key = numeric_sort_key(table.sa_table.c[sorted_by.column_name])
    bounds: list[sa.ColumnElement[bool]] = []
    for leaf in group.filters:
        if leaf.field is None or leaf.field.id != sorted_by.id:
            continue
        number = parse_decimal_or_none(leaf.value)
        if number is None or not in_column_range(sorted_by, number):
            continue
        if leaf.type in _LOWER:
            bounds.append(key >= sa.literal(_float_below(number), sa.Float()))
        elif leaf.type in _UPPER:
            bounds.append(key <= sa.literal(_float_above(number), sa.Float()))
    return sa.and_(*bounds) if bounds else None
