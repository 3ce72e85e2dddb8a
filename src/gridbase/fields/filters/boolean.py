"""The `boolean` filter: rows whose checkbox equals the (leniently parsed) value."""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.fields.filters.base import FilterContext, FilterType, truthy
from gridbase.fields.model import FieldSpec

__all__ = ["FILTERS"]


class BooleanFilter(FilterType):
    type = "boolean"
    field_types = frozenset({"boolean"})
    example = "1"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        wanted = truthy(value)
        return ctx.value(spec) == wanted


FILTERS: list[FilterType] = [BooleanFilter()]
