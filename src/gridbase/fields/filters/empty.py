"""`empty` and `not_empty`: what "empty" means is each field type's own answer."""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.fields.filters.base import FilterContext, FilterType
from gridbase.fields.model import FieldSpec

__all__ = ["FILTERS"]

EMPTY_CAPABLE = frozenset({
    "text", "long_text", "url", "email", "phone_number", "number", "rating", "boolean", "date",
    "last_modified", "created_on", "link_row", "single_select", "multiple_select", "duration",
})


class EmptyFilter(FilterType):
    type = "empty"
    field_types = EMPTY_CAPABLE
    example = ""

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        return ctx.empty(spec)


class NotEmptyFilter(EmptyFilter):
    type = "not_empty"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        return sa.not_(ctx.empty(spec))


FILTERS: list[FilterType] = [EmptyFilter(), NotEmptyFilter()]
