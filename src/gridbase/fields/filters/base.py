"""The contract of a filter: a field and a string value in, a SQL condition out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.base import CellError, FieldType
from gridbase.fields.boolean import parse_boolean
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry

__all__ = [
    "NO_MATCH",
    "FilterContext",
    "FilterType",
    "negate_keeping_empty",
    "parse_decimal_or_none",
    "truthy",
]

NO_MATCH: sa.ColumnElement[bool] = sa.false()


@dataclass
class FilterContext:
    """What a filter may look at: the table, the SQL dialect and the current time,
    which a filter reads through `today`, so that `read_clock` tells whether the
    conditions built hold a date that changes (and may not be kept for later)."""

    table: TableSchema
    dialect: str
    now: datetime
    read_clock: bool = False

    def today(self, zone: tzinfo) -> date:
        """Today's date in this time zone."""
        self.read_clock = True
        return self.now.astimezone(zone).date()

    def field_type(self, spec: FieldSpec) -> FieldType:
        return field_type_registry.get(spec.type)

    def value(self, spec: FieldSpec) -> sa.ColumnElement[Any]:
        return self.field_type(spec).value_expression(spec, self.table)

    def text(self, spec: FieldSpec) -> sa.ColumnElement[str]:
        return self.field_type(spec).text_expression(spec, self.table)

    def empty(self, spec: FieldSpec) -> sa.ColumnElement[bool]:
        return self.field_type(spec).empty_expression(spec, self.table)


class FilterType:
    """One filter type such as `contains`; `build` returns None when it filters nothing."""

    type: ClassVar[str] = ""
    field_types: ClassVar[frozenset[str]] = frozenset()
    deprecated: ClassVar[bool] = False
    example: ClassVar[str] = "string"

    def accepts(self, spec: FieldSpec) -> bool:
        return spec.type in self.field_types

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        raise NotImplementedError


def parse_decimal_or_none(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def truthy(value: str) -> bool:
    """A filter value read as a boolean; anything unreadable is false."""
    try:
        return parse_boolean(value.strip())
    except CellError:
        return value.strip().lower() in ("true", "yes", "on", "checked")


def negate_keeping_empty(ctx: FilterContext, spec: FieldSpec, matched: sa.ColumnElement[bool]
                         ) -> sa.ColumnElement[bool]:
    """The negation Baserow's `not` filters use: rows that do not match, empty ones included
    (NOT of a NULL comparison is NULL in SQL, so empty cells need asking for)."""
    return sa.or_(ctx.value(spec).is_(None), sa.not_(matched))
