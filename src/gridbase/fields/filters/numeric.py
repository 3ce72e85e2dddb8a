"""Numeric comparisons; a value that is not a number matches nothing."""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.filters.base import (
    NO_MATCH,
    FilterContext,
    FilterType,
    parse_decimal_or_none,
    truthy,
)
from gridbase.fields.model import FieldSpec

__all__ = ["FILTERS"]

NUMERIC = frozenset({"number", "rating", "autonumber", "duration"})
# What the columns can hold: 50 digits before the point and 10 after (number), SQL
# integers (rating, autonumber), floats (duration). A bound outside is decided here,
# since the database refuses to even bind it.
_LIMITS = {"number": Decimal(10) ** 50, "rating": Decimal(2**31), "autonumber": Decimal(2**31)}
_FLOAT_LIMIT = Decimal("1e300")
_GRID = Decimal("1e-10")
_WIDE = Context(prec=80)  # room for 50 + 10 digits and more


def in_column_range(spec: FieldSpec, number: Decimal) -> bool:
    return abs(number) < _LIMITS.get(spec.type, _FLOAT_LIMIT)


def on_grid(number: Decimal, rounding: str) -> Decimal:
    """`number` moved to the 10-decimal grid stored numbers live on, in the direction
    that keeps the comparison exact (the database would round half up)."""
    if number == number.quantize(_GRID, rounding=ROUND_FLOOR, context=_WIDE):
        return number
    return number.quantize(_GRID, rounding=rounding, context=_WIDE)


class _CompareFilter(FilterType):
    field_types = NUMERIC
    compare: ClassVar[Callable[[Any, Any], Any]]
    # Greater-than keeps what lies above the bound: a bound far above every value keeps
    # nothing, one far below keeps every number.
    upward: ClassVar[bool]
    # Rounding that keeps the comparison exact: down for > and <=, up for >= and <.
    rounding: ClassVar[str]
    example = "100"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        if value.strip() == "":
            return None
        number = parse_decimal_or_none(value)
        if number is None:
            return NO_MATCH
        column = ctx.value(spec)
        if not in_column_range(spec, number):
            return column.is_not(None) if (number < 0) == self.upward else NO_MATCH
        bound = on_grid(number, self.rounding)
        return sa.and_(column.is_not(None), type(self).compare(column, bound))


class HigherThanFilter(_CompareFilter):
    type = "higher_than"
    compare = operator.gt
    upward = True
    rounding = ROUND_FLOOR


class HigherThanOrEqualFilter(_CompareFilter):
    type = "higher_than_or_equal"
    compare = operator.ge
    upward = True
    rounding = ROUND_CEILING


class LowerThanFilter(_CompareFilter):
    type = "lower_than"
    compare = operator.lt
    upward = False
    rounding = ROUND_CEILING


class LowerThanOrEqualFilter(_CompareFilter):
    type = "lower_than_or_equal"
    compare = operator.le
    upward = False
    rounding = ROUND_FLOOR


class IsEvenAndWholeFilter(FilterType):
    type = "is_even_and_whole"
    field_types = frozenset({"number", "autonumber"})
    example = "1"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        if not truthy(value):
            return None
        column = ctx.value(spec)
        whole = sa.func.floor(column) == column
        return sa.and_(column.is_not(None), whole,
                       sa.func.floor(column) - 2 * sa.func.floor(column / 2) == 0)


FILTERS: list[FilterType] = [
    HigherThanFilter(), HigherThanOrEqualFilter(), LowerThanFilter(), LowerThanOrEqualFilter(),
    IsEvenAndWholeFilter(),
]
