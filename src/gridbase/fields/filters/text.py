"""Text-like filters: equal, contains, whole words and length."""

from __future__ import annotations

from decimal import ROUND_FLOOR
from typing import Any

import sqlalchemy as sa

from gridbase.fields.filters.base import (
    NO_MATCH,
    FilterContext,
    FilterType,
    negate_keeping_empty,
    parse_decimal_or_none,
    truthy,
)
from gridbase.fields.filters.numeric import in_column_range, on_grid
from gridbase.fields.model import FieldSpec
from gridbase.storage.sql_functions import HasWord, icontains

__all__ = ["FILTERS"]

TEXTUAL = frozenset({"text", "long_text", "url", "email", "phone_number"})
NUMERIC = frozenset({"number", "rating", "autonumber", "duration"})


def _contains(ctx: FilterContext, spec: FieldSpec, value: str) -> sa.ColumnElement[bool]:
    return icontains(ctx.text(spec), value)


def _equal_value(spec: FieldSpec, value: str) -> Any:
    """The value `equal` compares with, or NO_MATCH-worthy None when it cannot match."""
    if spec.type in NUMERIC:
        number = parse_decimal_or_none(value)
        whole_only = spec.type in ("rating", "autonumber")
        if number is None or not in_column_range(spec, number) or (
                on_grid(number, ROUND_FLOOR) != number) or (
                whole_only and number != number.to_integral_value()):
            return None  # no column holds that value (nor could the database bind it)
        return number
    if spec.type == "boolean":
        return truthy(value)
    return value


class EqualFilter(FilterType):
    type = "equal"
    field_types = TEXTUAL | NUMERIC | frozenset({"boolean", "uuid"})

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        if value == "":
            return None
        target = _equal_value(spec, value)
        if target is None or (isinstance(target, str) and "\x00" in target):
            return NO_MATCH
        condition: sa.ColumnElement[bool] = ctx.value(spec) == target
        return condition


class NotEqualFilter(EqualFilter):
    type = "not_equal"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        matched = super().build(ctx, spec, value)
        if matched is None:
            return None
        return negate_keeping_empty(ctx, spec, matched)


class ContainsFilter(FilterType):
    type = "contains"
    field_types = TEXTUAL | frozenset({"date", "last_modified", "created_on", "single_select",
                                       "multiple_select", "number", "autonumber"})

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        return None if value == "" else _contains(ctx, spec, value)


class ContainsNotFilter(ContainsFilter):
    type = "contains_not"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        if value == "":
            return None
        return sa.or_(sa.not_(_contains(ctx, spec, value)), ctx.text(spec).is_(None))


class ContainsWordFilter(FilterType):
    type = "contains_word"
    field_types = frozenset({"text", "long_text", "url", "email", "single_select",
                             "multiple_select"})

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        if value.strip() == "":
            return None
        if "\x00" in value:
            return NO_MATCH
        return sa.func.coalesce(HasWord(ctx.text(spec), sa.literal(value.strip())), False)


class DoesntContainWordFilter(ContainsWordFilter):
    type = "doesnt_contain_word"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        matched = super().build(ctx, spec, value)
        return None if matched is None else sa.not_(matched)


class LengthIsLowerThanFilter(FilterType):
    type = "length_is_lower_than"
    field_types = TEXTUAL
    example = "5"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        if value.strip() == "":
            return None
        try:
            # Clamped to what a SQL integer holds; no stored text is that long anyway.
            length = max(-(2**31), min(int(value), 2**31 - 1))
        except ValueError:
            return NO_MATCH
        column = ctx.value(spec)
        return sa.and_(column.is_not(None), sa.func.length(column) < length)


FILTERS: list[FilterType] = [
    EqualFilter(), NotEqualFilter(), ContainsFilter(), ContainsNotFilter(),
    ContainsWordFilter(), DoesntContainWordFilter(), LengthIsLowerThanFilter(),
]
