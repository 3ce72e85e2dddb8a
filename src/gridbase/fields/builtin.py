"""The field types gridbase ships, registered through the same registry a plugin would use."""

from __future__ import annotations

from gridbase.fields.base import FieldType
from gridbase.fields.boolean import BooleanFieldType
from gridbase.fields.date import DateFieldType
from gridbase.fields.duration import DurationFieldType
from gridbase.fields.generated import (
    AutonumberFieldType,
    CreatedOnFieldType,
    LastModifiedFieldType,
    UuidFieldType,
)
from gridbase.fields.link_row import LinkRowFieldType
from gridbase.fields.number import NumberFieldType, RatingFieldType
from gridbase.fields.select import MultipleSelectFieldType, SingleSelectFieldType
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
    SingleSelectFieldType(),
    MultipleSelectFieldType(),
    LinkRowFieldType(),
    DateFieldType(),
    DurationFieldType(),
    CreatedOnFieldType(),
    LastModifiedFieldType(),
    AutonumberFieldType(),
    UuidFieldType(),
]
