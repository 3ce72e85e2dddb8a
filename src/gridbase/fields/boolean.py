"""The boolean field type, accepting the same spellings of true and false as Baserow.

The spellings are matched exactly ("TRUE" and "True" are true, "tRuE" is refused), as
are the numbers 1 and 0 and the text "0.0" (contract section 4); `null` is refused.
Converting text to a boolean is looser: any case of a true spelling is true, anything
else false.
"""

from __future__ import annotations

from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.base import CellError, CellJson, CellParser, FieldType, PropSpec
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.storage.json_sql import JsonBool

__all__ = ["BooleanFieldType", "parse_boolean"]

TRUE_SPELLINGS = frozenset(
    {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1",
     "checked"}
)
FALSE_SPELLINGS = frozenset(
    {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0",
     "0.0", "unchecked"}
)
_TRUE_TEXT = frozenset(s.lower() for s in TRUE_SPELLINGS)


def parse_boolean(value: Any) -> bool:
    """A request value as a boolean: a JSON boolean, 1/0 (also 1.0/0.0) or a spelling."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        if value in TRUE_SPELLINGS:
            return True
        if value in FALSE_SPELLINGS:
            return False
    raise CellError("Must be a valid boolean.", "invalid")


class BooleanFieldType(FieldType):
    label_in_sql = True
    type = "boolean"
    exact_column = True
    # Search looks for text people typed; "true" or "1" finding every checked box
    # would drown the real matches.
    searchable = False
    props: ClassVar[dict[str, PropSpec]] = {"boolean_default": PropSpec(False, (bool,))}

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, sa.Boolean, nullable=False, server_default=sa.false())

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            raise CellError("This field may not be null.", "null")
        return parse_boolean(value)

    def parser(self, spec: FieldSpec) -> CellParser:
        slow = self.to_db

        def parse(value: Any) -> Any:
            return value if value.__class__ is bool else slow(spec, value)

        return parse

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return bool(value)

    def json_of(self, spec: FieldSpec) -> CellJson:
        return bool

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        return JsonBool(table.sa_table.c[spec.column_name])

    def default_value(self, spec: FieldSpec) -> Any:
        return bool(spec.props.get("boolean_default", False))

    def to_text(self, spec: FieldSpec, value: Any) -> str:
        return "true" if value else "false"

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        return text.lower() in _TRUE_TEXT

    def conversion_text(self, spec: FieldSpec, value: Any, target: FieldSpec) -> str:
        """Numbers and ratings get 1 for true and 0 for false."""
        if target.type in ("number", "rating"):
            return "1" if value else "0"
        return self.to_text(spec, value)

    def text_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[str]:
        """"true" / "false" on both backends, as `to_text` writes them (link labels)."""
        column = table.sa_table.c[spec.column_name]
        return sa.case((column, "true"), else_="false")

    def empty_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[bool]:
        """An unchecked box is empty, as for Baserow's `empty` filter."""
        return sa.not_(table.sa_table.c[spec.column_name])

    def example(self, spec: FieldSpec) -> Any:
        return True
