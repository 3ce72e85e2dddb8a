"""The contract every field type implements.

A field type knows everything about one kind of value: its column, how to read it to
JSON and validate it from JSON, its type-specific properties, how to turn it into text
and back (for conversions and link labels), and an example value for the docs.
Types that store nothing in the row's own table (links) override the async hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from gridbase.errors import body_error, field_error
from gridbase.fields.model import FieldSpec, TableSchema

if TYPE_CHECKING:
    from gridbase.fields.context import FieldContext

__all__ = ["READ_ONLY_MESSAGE", "CellError", "CellJson", "CellParser", "FieldType", "PropSpec",
           "same"]

READ_ONLY_MESSAGE = "Field of type {type} is read only and should not be set manually."


CellParser = Callable[[Any], Any]
"""One field's `to_db`: a request value in, the stored value out (or `CellError`)."""

CellJson = Callable[[Any], Any]
"""One field's `to_json`: a stored value in, its JSON out."""


def same(value: Any) -> Any:
    """The `json_of` of types whose stored values are their JSON."""
    return value


class CellError(Exception):
    """A value refused for one cell; the row handler gathers these per field and item."""

    def __init__(self, message: str, code: str = "invalid", *, whole_body: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        # Baserow reports some refusals (unknown select option, unknown link text) as the
        # whole body's string detail, and only when no field has a per-field error.
        self.whole_body = whole_body

    def entry(self) -> list[dict[str, str]]:
        return field_error(self.message, self.code)


@dataclass(frozen=True)
class PropSpec:
    """A type-specific property: its default and the JSON types it accepts."""

    default: Any
    kinds: tuple[type, ...]
    nullable: bool = False
    choices: tuple[Any, ...] | None = None


class FieldType:
    """Base class: a plain column, stored as given, read back as stored."""

    type: ClassVar[str] = ""
    read_only: ClassVar[bool] = False
    can_be_primary: ClassVar[bool] = True
    has_column: ClassVar[bool] = True
    searchable: ClassVar[bool] = True
    # What `to_db` returns (and `fill_new_rows`, `default_value`) reads back from the
    # column unchanged, as far as `to_json` can tell: new rows are then shown from the
    # values written instead of being read back.
    exact_column: ClassVar[bool] = False
    # `load` reads nothing but the row's own columns (`source_column` and the field's
    # column): a write that leaves those alone leaves the field's JSON as it was.
    row_local: ClassVar[bool] = True
    # `text_expression` gives exactly `to_text` of the JSON `load` gives: a link to a
    # table with such a primary field can build its cells in SQL (`json_expression`).
    label_in_sql: ClassVar[bool] = False
    props: ClassVar[dict[str, PropSpec]] = {}

    # -- schema ---------------------------------------------------------------

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        """The SQL column that stores this field in the user table."""
        return sa.Column(spec.column_name, sa.Text, nullable=True)

    def source_column(self, spec: FieldSpec) -> str:
        """Which column of the row holds the value (a few types read the row's own)."""
        return spec.column_name

    def clean_props(self, raw: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        """Validate type-specific properties from a request, merged over `current`."""
        cleaned = dict(current or {})
        errors: dict[str, Any] = {}
        for name, prop in self.props.items():
            if name not in raw:
                cleaned.setdefault(name, prop.default)
                continue
            value = raw[name]
            if value is None and prop.nullable:
                cleaned[name] = None
            elif value is None:
                errors[name] = field_error("This field may not be null.", "null")
            elif not isinstance(value, prop.kinds) or (
                isinstance(value, bool) and bool not in prop.kinds
            ):
                errors[name] = field_error("Not a valid value.", "invalid")
            elif prop.choices is not None and value not in prop.choices:
                errors[name] = field_error(f'"{value}" is not a valid choice.', "invalid_choice")
            elif isinstance(value, str) and "\x00" in value:
                # PostgreSQL text cannot hold NUL (a text default would fail every insert)
                errors[name] = field_error("Null characters are not allowed.",
                                           "null_characters_not_allowed")
            else:
                cleaned[name] = value
        if errors:
            raise body_error(errors)
        return self.check_props(cleaned)

    def check_props(self, props: dict[str, Any]) -> dict[str, Any]:
        """Cross-property checks after the per-key ones; override where needed."""
        return props

    def props_json(self, spec: FieldSpec) -> dict[str, Any]:
        """Type-specific keys of the field's JSON."""
        return {name: spec.props.get(name, prop.default) for name, prop in self.props.items()}

    # -- values -----------------------------------------------------------------

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        """Validate one JSON value from a request and return what is stored."""
        return value

    def parser(self, spec: FieldSpec) -> CellParser:
        """`to_db` for one field, made once per batch: a row write calls it for every
        cell. Types override it with a fast path for the usual values, which must give
        exactly what `to_db` gives, and leave everything else to `to_db`."""
        return partial(self.to_db, spec)

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        """Turn one stored value into its JSON form."""
        return value

    def json_of(self, spec: FieldSpec) -> CellJson:
        """`to_json` for one field, made once per batch of rows: reading rows calls it
        for every cell. Types override it to work out once what they read from the
        field's properties; it must give exactly what `to_json` gives. `same` tells
        `load` that stored values are their own JSON."""
        if type(self).to_json is FieldType.to_json:
            return same
        return partial(self.to_json, spec)

    def default_value(self, spec: FieldSpec) -> Any:
        """Stored when a create request leaves the field out."""
        return None

    def to_text(self, spec: FieldSpec, value: Any) -> str:
        """A JSON value of this type as plain text: link labels, search and conversions."""
        return "" if value is None else str(value)

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        """Best effort conversion of text to a stored value; empty when it does not fit."""
        try:
            return self.to_db(spec, text)
        except CellError:
            return self.to_db(spec, None)

    def conversion_text(self, spec: FieldSpec, value: Any, target: FieldSpec) -> str:
        """The text of one JSON value handed to `target`'s `from_text` when this field is
        converted; `to_text` unless a type has an exact form for some targets."""
        return self.to_text(spec, value)

    def needs_conversion(self, old: FieldSpec, new: FieldSpec) -> bool:
        """Whether a property change of the same type must rewrite the stored values."""
        return False

    def example(self, spec: FieldSpec) -> Any:
        """An example request value for the generated docs."""
        return "string"

    def json_schema(self, spec: FieldSpec) -> dict[str, Any] | None:
        """The JSON schema of this field's value in a row response, for the OpenAPI
        documents; None lets `gridbase.docs` use its own table of built-in types."""
        return None

    def input_json_schema(self, spec: FieldSpec) -> dict[str, Any] | None:
        """The JSON schema of what a request may send for this field; None as above."""
        return None

    # -- async hooks for types that need the database ----------------------------

    async def prepare(
        self, ctx: FieldContext, spec: FieldSpec, values: Sequence[Any]
    ) -> list[Any | CellError]:
        """Validate a batch of values (one per row); each result is a stored value or the
        `CellError` refusing it. Lookups needing SQL happen here, once per batch."""
        parse = self.parser(spec)
        try:
            return [parse(value) for value in values]
        except CellError:
            pass  # some value is refused: go again, keeping each refusal
        results: list[Any | CellError] = []
        for value in values:
            try:
                results.append(parse(value))
            except CellError as error:
                results.append(error)
        return results

    async def extra_json(self, ctx: FieldContext, spec: FieldSpec) -> dict[str, Any]:
        """Type-specific keys of the field's JSON that need the database (link targets)."""
        return {}

    async def load(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, rows: list[dict[str, Any]]
    ) -> None:
        """Put JSON values into `rows` (keyed by the field's column name) in place."""
        source = self.source_column(spec)
        column = spec.column_name
        convert = self.json_of(spec)
        if convert is same and source == column:
            for row in rows:
                row.setdefault(column, None)
            return
        for row in rows:
            row[column] = convert(row.get(source))

    async def load_written(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, rows: list[dict[str, Any]],
        values: Sequence[Any] | None, before: Sequence[Any] | None,
    ) -> None:
        """`load` for rows this request has just written. `values`: each row's stored
        value of this field as `prepare` made it, None for a row not given one (a new
        row then has the default), or None for all when the field was not written;
        `before`: each row's JSON of this field before an update, None for new rows.
        Types storing values elsewhere (links) build the JSON from these instead of
        reading back what they wrote; the others read the row as usual."""
        await self.load(ctx, spec, table, rows)

    async def store(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, values: dict[int, Any],
        *, new_rows: bool = False,
    ) -> None:
        """Write values kept outside the row's own columns (links); nothing by default.
        `new_rows`: the rows were just inserted, so nothing of theirs is stored yet."""

    async def fill_new_rows(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, count: int
    ) -> list[Any] | None:
        """Values for rows being inserted, for generated types (autonumber, uuid)."""
        return None

    async def setup(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, raw: dict[str, Any],
        old: FieldSpec | None,
    ) -> FieldSpec:
        """Runs when a field of this type is created or updated, before any stored value is
        converted to it: sets up what `from_text` and `to_db` need (select options) from the
        request. `old` is the previous field of the same type, else None; `table` is the
        schema as it was before a type change. Returns the spec to go on with."""
        return spec

    async def after_save(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, raw: dict[str, Any],
        old: FieldSpec | None,
    ) -> list[int]:
        """Runs after the field was created (`old` is None), updated or converted to this
        type, inside the same transaction: options, relations, filling generated values.
        Returns the ids of other fields it created or changed (a link's related field)."""
        return []

    async def forget_rows(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, row_ids: list[int]
    ) -> None:
        """Rows are being deleted: drop what this field keeps about them elsewhere."""

    def sort_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        """What `order_by` sorts this field by; None when it cannot be sorted."""
        return table.sa_table.c[self.source_column(spec)]

    def sort_tiebreak(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        """A second key for values `sort_expression` finds equal, sorted the other way
        round: text puts "a" before "A" when ascending. None when there is none."""
        return None

    # -- pages built by the database ------------------------------------------------

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        """The cell's JSON as SQL over the row's columns in `table` (made of
        `storage.json_sql`), exactly what `load` puts in the row: then the database
        builds a whole page's JSON. None when the type has none (the page is then built
        in Python)."""
        return None

    # -- filters: the SQL pieces the filter registry builds on ---------------------

    def value_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any]:
        """The stored value as SQL, for comparisons (numbers, dates, ids)."""
        return table.sa_table.c[self.source_column(spec)]

    def text_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[str]:
        """The value as SQL text, for `contains`-like filters and search."""
        return sa.cast(self.value_expression(spec, table), sa.Text)

    def empty_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[bool]:
        """True where the cell counts as empty for the `empty` / `not_empty` filters."""
        return self.value_expression(spec, table).is_(None)

    async def before_table_delete(self, ctx: FieldContext, table_id: int) -> None:
        """A whole table is being dropped: remove what fields of this type in other tables
        keep pointing at it (a one-way link to it)."""

    async def before_delete(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema
    ) -> list[int]:
        """Drop storage kept outside the row's table, before the field is deleted or
        converted to another type. Returns ids of other fields it deleted (related links)."""
        return []
