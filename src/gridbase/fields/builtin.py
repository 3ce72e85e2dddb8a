"""The field types gridbase ships, registered through the same registry a plugin would use."""

from __future__ import annotations

from gridbase.fields.base import FieldType
from gridbase.fields.boolean import BooleanFieldType
from gridbase.fields.number import NumberFieldType, RatingFieldType
from gridbase.fields.text import (
    EmailFieldType,
    LongTextFieldType,
    PhoneNumberFieldType,
    TextFieldType,
    UrlFieldType,
)

__all__ = ["BUILTIN_TYPES"]

BUILTIN_TYPES: list[FieldType] = [
    TextFieldType(),
    LongTextFieldType(),
    UrlFieldType(),
    EmailFieldType(),
    PhoneNumberFieldType(),
    NumberFieldType(),
    RatingFieldType(),
    BooleanFieldType(),
]
