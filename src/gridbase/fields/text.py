"""Text-like field types: text, long_text, url, email and phone_number.

Values are read the way Baserow's serializers read them: strings and numbers become text,
surrounding whitespace is trimmed and NUL characters are refused (PostgreSQL cannot store
them). Text and long text keep `null`; url, email and phone number store "" for empty.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.base import CellError, CellJson, CellParser, FieldType, PropSpec
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.storage.sql_functions import FoldedText

__all__ = [
    "CellErrors",
    "EmailFieldType",
    "LongTextFieldType",
    "PhoneNumberFieldType",
    "TextFieldType",
    "UrlFieldType",
    "clean_text",
]

NUL_MESSAGE = "Null characters are not allowed."
# Unicode White_Space, which is what Baserow's patterns mean by `\s`.
_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


class CellErrors(CellError):
    """Several refusals of one value, listed together as Baserow's validators do."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(*errors[0])
        self.errors = errors

    def entry(self) -> list[dict[str, str]]:
        return [{"error": message, "code": code} for message, code in self.errors]


def _empty_for_none(value: Any) -> Any:
    return "" if value is None else value


def clean_text(value: Any) -> str:
    """A request value as trimmed text; refuses what is not a string or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CellError("Not a valid string.", "invalid")
    return str(value).strip()


def _check(text: str, problems: list[tuple[str, str]]) -> str:
    if "\x00" in text:
        problems.append((NUL_MESSAGE, "null_characters_not_allowed"))
    if len(problems) == 1:
        raise CellError(*problems[0])
    if problems:
        raise CellErrors(problems)
    return text


def _case_insensitive(spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any]:
    return FoldedText(table.sa_table.c[spec.column_name])


def _null_or_blank(spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[bool]:
    column = table.sa_table.c[spec.column_name]
    return sa.or_(column.is_(None), column == "")


class TextFieldType(FieldType):
    type = "text"
    label_in_sql = True
    exact_column = True
    props: ClassVar[dict[str, PropSpec]] = {"text_default": PropSpec("", (str,))}

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else _check(clean_text(value), [])

    def parser(self, spec: FieldSpec) -> CellParser:
        slow = self.to_db

        def parse(value: Any) -> Any:
            if value.__class__ is str and "\x00" not in value:
                return value.strip()
            return slow(spec, value)

        return parse

    def default_value(self, spec: FieldSpec) -> Any:
        return spec.props.get("text_default") or None

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        return text.replace("\x00", "") or None

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        return table.sa_table.c[spec.column_name]

    def sort_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        return _case_insensitive(spec, table)

    def sort_tiebreak(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        return table.sa_table.c[spec.column_name]

    def empty_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[bool]:
        return _null_or_blank(spec, table)


class LongTextFieldType(TextFieldType):
    type = "long_text"
    props: ClassVar[dict[str, PropSpec]] = {
        "long_text_enable_rich_text": PropSpec(None, (bool,), nullable=True)
    }

    def default_value(self, spec: FieldSpec) -> Any:
        return None

    def example(self, spec: FieldSpec) -> Any:
        return "A longer text,\nover several lines."


class _PatternTextFieldType(FieldType):
    """Text that must match a pattern; its empty value is "", also when `null` is sent."""

    label_in_sql = True

    pattern: ClassVar[re.Pattern[str]]
    exact_column = True
    max_length: ClassVar[int | None] = None

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        kind = sa.Text() if self.max_length is None else sa.String(self.max_length)
        return sa.Column(spec.column_name, kind, nullable=True)

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return ""
        text = clean_text(value)
        if text == "":
            return ""
        problems: list[tuple[str, str]] = []
        if not self.pattern.fullmatch(text):
            problems.append(("Enter a valid value.", "invalid"))
        if self.max_length is not None and len(text) > self.max_length:
            problems.append((
                f"Ensure this field has no more than {self.max_length} characters.",
                "max_length",
            ))
        return _check(text, problems)

    def parser(self, spec: FieldSpec) -> CellParser:
        slow = self.to_db
        fits = self.pattern.fullmatch
        longest = self.max_length

        def parse(value: Any) -> Any:
            if value.__class__ is str and "\x00" not in value:
                text = value.strip()
                if text == "" or (fits(text) is not None
                                  and (longest is None or len(text) <= longest)):
                    return text
            return slow(spec, value)

        return parse

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return "" if value is None else value

    def json_of(self, spec: FieldSpec) -> CellJson:
        return _empty_for_none

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        return sa.func.coalesce(table.sa_table.c[spec.column_name], "")

    def default_value(self, spec: FieldSpec) -> Any:
        return ""

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        """Text that fits is kept as it is; anything else becomes empty, as in Baserow."""
        fits = self.pattern.fullmatch(text) is not None and "\x00" not in text
        return text if fits and (self.max_length is None or len(text) <= self.max_length) else ""

    def sort_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        return _case_insensitive(spec, table)

    def sort_tiebreak(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        return table.sa_table.c[spec.column_name]

    def empty_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[bool]:
        return _null_or_blank(spec, table)


class UrlFieldType(_PatternTextFieldType):
    type = "url"
    # Lenient on purpose: up to 255 non-space characters, a "." or "//", then more.
    pattern = re.compile(rf"[^{_SPACE}]{{0,255}}(?:\.|//)[^{_SPACE}]+")

    def example(self, spec: FieldSpec) -> Any:
        return "https://example.com"


_EMAIL_PART = r"[-.\[\]!#$&*+/=?^_`{|}~\w]+"


class EmailFieldType(_PatternTextFieldType):
    type = "email"
    max_length = 254
    pattern = re.compile(rf"(?=.{{3,254}}\Z){_EMAIL_PART}@{_EMAIL_PART}", re.IGNORECASE)

    def example(self, spec: FieldSpec) -> Any:
        return "name@example.com"


class PhoneNumberFieldType(_PatternTextFieldType):
    type = "phone_number"
    max_length = 100
    pattern = re.compile(r"[0-9NnXx,+._*()#=;/ \-]{1,100}")

    def example(self, spec: FieldSpec) -> Any:
        return "+1-541-754-3010"
