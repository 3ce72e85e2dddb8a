"""The boolean field type, accepting the same spellings of true and false as Baserow."""

from __future__ import annotations

from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.base import CellError, FieldType, PropSpec
from gridbase.fields.model import FieldSpec

__all__ = ["BooleanFieldType", "parse_boolean"]

TRUE_VALUES = frozenset(
    {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1",
     "checked"}
)
FALSE_VALUES = frozenset(
    {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0",
     "0.0", "unchecked"}
)


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
    raise CellError("Must be a valid boolean.", "invalid")


class BooleanFieldType(FieldType):
    type = "boolean"
    props: ClassVar[dict[str, PropSpec]] = {"boolean_default": PropSpec(False, (bool,))}

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, sa.Boolean, nullable=False, server_default=sa.false())

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            raise CellError("This field may not be null.", "null")
        return parse_boolean(value)

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return bool(value)

    def default_value(self, spec: FieldSpec) -> Any:
        return bool(spec.props.get("boolean_default", False))

    def to_text(self, spec: FieldSpec, value: Any) -> str:
        return "true" if value else "false"

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        return text.strip().lower() in {v.lower() for v in TRUE_VALUES}

    def example(self, spec: FieldSpec) -> Any:
        return True
