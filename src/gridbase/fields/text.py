"""Text-like field types: text, long_text, url, email and phone_number."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.base import CellError, FieldType, PropSpec
from gridbase.fields.model import FieldSpec, TableSchema

__all__ = ["EmailFieldType", "LongTextFieldType", "PhoneNumberFieldType", "TextFieldType",
           "UrlFieldType"]


def _as_string(value: Any) -> str:
    """DRF's CharField rules: strings and numbers are text, anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CellError("Not a valid string.", "invalid")
    return str(value)


class TextFieldType(FieldType):
    type = "text"
    props: ClassVar[dict[str, PropSpec]] = {"text_default": PropSpec("", (str,))}

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else _as_string(value)

    def default_value(self, spec: FieldSpec) -> Any:
        return spec.props.get("text_default") or None

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        return text or None

    def sort_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        return sa.func.lower(table.sa_table.c[spec.column_name])


class LongTextFieldType(TextFieldType):
    type = "long_text"
    props: ClassVar[dict[str, PropSpec]] = {
        "long_text_enable_rich_text": PropSpec(None, (bool,), nullable=True)
    }

    def default_value(self, spec: FieldSpec) -> Any:
        return None


class _PatternTextFieldType(FieldType):
    """Text checked against a pattern; the empty value is "" as Baserow answers it."""

    pattern: ClassVar[re.Pattern[str]]
    message: ClassVar[str] = "Enter a valid value."
    max_length: ClassVar[int] = 254

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or value == "":
            return ""
        text = _as_string(value)
        if len(text) > self.max_length:
            raise CellError(
                f"Ensure this field has no more than {self.max_length} characters.", "max_length"
            )
        if not self.pattern.fullmatch(text):
            raise CellError(self.message, "invalid")
        return text

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return "" if value is None else value

    def default_value(self, spec: FieldSpec) -> Any:
        return ""

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        try:
            return self.to_db(spec, text.strip())
        except CellError:
            return ""


class UrlFieldType(_PatternTextFieldType):
    type = "url"
    pattern = re.compile(r"\S+(\.|//)\S+")
    message = "Enter a valid URL."
    max_length = 2000

    def example(self, spec: FieldSpec) -> Any:
        return "https://example.com"


class EmailFieldType(_PatternTextFieldType):
    type = "email"
    pattern = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
    message = "Enter a valid email address."

    def example(self, spec: FieldSpec) -> Any:
        return "name@example.com"


class PhoneNumberFieldType(_PatternTextFieldType):
    type = "phone_number"
    pattern = re.compile(r"[0-9NnXx,+._*()#=;/ \-]{1,100}")
    message = "Enter a valid phone number."
    max_length = 100

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, sa.String(100), nullable=True)

    def example(self, spec: FieldSpec) -> Any:
        return "+1-541-754-3010"
