"""Link filters: by linked row id (`link_row_has`) or by the linked rows' primary text
(`link_row_contains`), and their negations, which keep rows without links.

A value that is not a row id filters nothing; so does an empty text.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.fields.filters.base import NO_MATCH, FilterContext, FilterType
from gridbase.fields.filters.select import MAX_ID, parse_id
from gridbase.fields.link_relation import links_exist
from gridbase.fields.link_sql import any_linked_text
from gridbase.fields.model import FieldSpec
from gridbase.storage.sql_functions import icontains

__all__ = ["FILTERS"]

LINK = frozenset({"link_row"})


class LinkRowHasFilter(FilterType):
    type = "link_row_has"
    field_types = LINK
    example = "1"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        row_id = parse_id(value)
        if row_id is None:
            return None
        if not 0 < row_id <= MAX_ID:
            return NO_MATCH
        return links_exist(spec, ctx.table, [row_id])


class LinkRowHasNotFilter(LinkRowHasFilter):
    type = "link_row_has_not"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        matched = super().build(ctx, spec, value)
        return None if matched is None else sa.not_(matched)


class LinkRowContainsFilter(FilterType):
    type = "link_row_contains"
    field_types = LINK
    example = "text"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        if value == "":
            return None
        return any_linked_text(spec, ctx.table, lambda text: icontains(text, value))


class LinkRowNotContainsFilter(LinkRowContainsFilter):
    type = "link_row_not_contains"

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        matched = super().build(ctx, spec, value)
        return None if matched is None else sa.not_(matched)


FILTERS: list[FilterType] = [
    LinkRowHasFilter(), LinkRowHasNotFilter(), LinkRowContainsFilter(),
    LinkRowNotContainsFilter(),
]
