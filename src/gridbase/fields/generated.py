"""Read-only field types whose values gridbase makes, never the client.

`created_on` and `last_modified` show the row's own timestamps and store nothing;
`autonumber` and `uuid` keep a column that is filled for new rows as they are
inserted and for existing rows when the field is created or converted.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.base import FieldType
from gridbase.fields.date import BaseDateFieldType, datetime_json, field_zone
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.storage.date_sql import LocalDate
from gridbase.storage.json_sql import UtcIsoText

if TYPE_CHECKING:
    from gridbase.fields.context import FieldContext

__all__ = [
    "AutonumberFieldType",
    "CreatedOnFieldType",
    "LastModifiedFieldType",
    "UuidFieldType",
]

# First key of the PostgreSQL advisory lock that serialises autonumber handouts per field.
_AUTONUMBER_LOCK = 0x6762_6E6F


class _RowTimestampFieldType(BaseDateFieldType):
    """A date shown from one of the row's own timestamp columns."""

    read_only = True
    has_column = False
    row_column: ClassVar[str] = ""

    def source_column(self, spec: FieldSpec) -> str:
        return self.row_column

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        if self.include_time(spec):
            return datetime_json(value)
        return value.astimezone(field_zone(spec)).date().isoformat()

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        return None

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        column = table.sa_table.c[self.row_column]
        if self.include_time(spec):
            return UtcIsoText(column)
        return LocalDate(column, str(getattr(field_zone(spec), "key", "UTC")))


class CreatedOnFieldType(_RowTimestampFieldType):
    type = "created_on"
    row_column = "created_on"


class LastModifiedFieldType(_RowTimestampFieldType):
    type = "last_modified"
    row_column = "updated_on"


class _GeneratedColumnFieldType(FieldType):
    """A column only gridbase writes; converting to it discards the old values."""

    label_in_sql = True

    read_only = True
    exact_column = True  # integers, UUID text

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        return None

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        return table.sa_table.c[spec.column_name]

    def generate(self, count: int) -> list[Any]:
        """Values for `count` rows, in their order, when existing rows are filled."""
        raise NotImplementedError

    async def _fill_existing(self, ctx: FieldContext, spec: FieldSpec, table: TableSchema) -> None:
        rows = table.sa_table
        ids = (await ctx.conn.scalars(
            sa.select(rows.c.id).order_by(rows.c.order, rows.c.id))).all()
        params = [{"row_id": row_id, "generated": value}
                  for row_id, value in zip(ids, self.generate(len(ids)), strict=True)]
        if params:
            await ctx.conn.execute(
                rows.update().where(rows.c.id == sa.bindparam("row_id"))
                .values({spec.column_name: sa.bindparam("generated")}),
                params,
            )

    async def after_save(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, raw: dict[str, Any],
        old: FieldSpec | None,
    ) -> list[int]:
        if old is None:
            await self._fill_existing(ctx, spec, table)
        return []


class AutonumberFieldType(_GeneratedColumnFieldType):
    """Numbers rows 1, 2, 3 ... in their order when created; new rows get the next one.
    A number freed by deleting the highest row may be handed out again."""

    type = "autonumber"

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, sa.Integer, nullable=True)

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else int(value)

    async def fill_new_rows(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, count: int
    ) -> list[Any] | None:
        if ctx.dialect == "postgresql":
            # Two writers must not both read the same maximum; SQLite writes are serial.
            await ctx.conn.execute(sa.text("SELECT pg_advisory_xact_lock(:space, :key)"),
                                   {"space": _AUTONUMBER_LOCK, "key": spec.id})
        column = table.sa_table.c[spec.column_name]
        highest = await ctx.conn.scalar(sa.select(sa.func.max(column)))
        start = int(highest or 0) + 1
        return list(range(start, start + count))

    def generate(self, count: int) -> list[Any]:
        return list(range(1, count + 1))

    def example(self, spec: FieldSpec) -> Any:
        return 1


class UuidFieldType(_GeneratedColumnFieldType):
    """A random UUID (version 4) per row, as its canonical 36-character text."""

    type = "uuid"

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, sa.String(36), nullable=True)

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else str(value)

    async def fill_new_rows(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, count: int
    ) -> list[Any] | None:
        return self.generate(count)

    def generate(self, count: int) -> list[Any]:
        return [str(uuid.uuid4()) for _ in range(count)]

    def example(self, spec: FieldSpec) -> Any:
        return "f5b5c1b2-6c1e-4a8e-9f4b-0d6d2d0c7a31"
