"""Select filters, by option id: `single_select_equal`, `..._is_any_of`,
`multiple_select_has` and their negations.

A value that is not an option id filters nothing (an empty id list in `is_any_of`
matches nothing); the negations keep rows without a selection.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.fields.filters.base import NO_MATCH, FilterContext, FilterType, negate_keeping_empty
from gridbase.fields.model import FieldSpec
from gridbase.fields.select_sql import HasOption

__all__ = ["FILTERS", "parse_id", "parse_id_list"]

# Ids are SQL integers; anything larger cannot be an id and must not reach the database.
MAX_ID = 2**31 - 1


def parse_id(value: str) -> int | None:
    """A filter value as one row or option id; None when it is not a whole number."""
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number


def parse_id_list(value: str) -> list[int]:
    """Comma-separated ids ("1,2"); pieces that are not plain digits are skipped."""
    return [int(part) for part in value.strip().split(",")
            if part.isascii() and part.isdigit()]


def _possible(ids: list[int]) -> list[int]:
    return [i for i in ids if 0 < i <= MAX_ID]


class SingleSelectEqualFilter(FilterType):
    type = "single_select_equal"
    field_types = frozenset({"single_select"})
    example = "1"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        option_id = parse_id(value)
        if option_id is None:
            return None
        if not _possible([option_id]):
            return NO_MATCH
        condition: sa.ColumnElement[bool] = ctx.value(spec) == option_id
        return condition


class SingleSelectNotEqualFilter(SingleSelectEqualFilter):
    type = "single_select_not_equal"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        matched = super().build(ctx, spec, value)
        if matched is None:
            return None
        return negate_keeping_empty(ctx, spec, matched)


class SingleSelectIsAnyOfFilter(FilterType):
    type = "single_select_is_any_of"
    field_types = frozenset({"single_select"})
    example = "1,2"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        if value.strip() == "":
            return None
        ids = parse_id_list(value)
        if not ids:
            return NO_MATCH
        possible = _possible(ids)
        return ctx.value(spec).in_(possible) if possible else NO_MATCH


class SingleSelectIsNoneOfFilter(SingleSelectIsAnyOfFilter):
    type = "single_select_is_none_of"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        if not parse_id_list(value):
            return None
        matched = super().build(ctx, spec, value)
        if matched is None:
            return None
        return negate_keeping_empty(ctx, spec, matched)


class MultipleSelectHasFilter(FilterType):
    type = "multiple_select_has"
    field_types = frozenset({"multiple_select"})
    example = "1"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        option_id = parse_id(value)
        if option_id is None:
            return None
        if not _possible([option_id]):
            return NO_MATCH
        return HasOption(ctx.value(spec), option_id)


class MultipleSelectHasNotFilter(MultipleSelectHasFilter):
    type = "multiple_select_has_not"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        matched = super().build(ctx, spec, value)
        return None if matched is None else sa.not_(matched)


FILTERS: list[FilterType] = [
    SingleSelectEqualFilter(), SingleSelectNotEqualFilter(), SingleSelectIsAnyOfFilter(),
    SingleSelectIsNoneOfFilter(), MultipleSelectHasFilter(), MultipleSelectHasNotFilter(),
]
