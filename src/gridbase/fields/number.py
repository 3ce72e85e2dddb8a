"""Numeric field types: number (exact decimals, kept as strings in JSON) and rating."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.base import CellError, FieldType, PropSpec
from gridbase.fields.model import FieldSpec
from gridbase.storage.types import DecimalType

__all__ = ["NumberFieldType", "RatingFieldType"]

MAX_WHOLE_DIGITS = 50


def parse_decimal(value: Any) -> Decimal:
    """A JSON number or numeric string as an exact decimal; bools and junk are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise CellError("A valid number is required.", "invalid")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise CellError("A valid number is required.", "invalid") from None
    if not number.is_finite():
        raise CellError("A valid number is required.", "invalid")
    return number


class NumberFieldType(FieldType):
    type = "number"
    props: ClassVar[dict[str, PropSpec]] = {
        "number_decimal_places": PropSpec(0, (int,), choices=tuple(range(11))),
        "number_negative": PropSpec(False, (bool,)),
        "number_prefix": PropSpec("", (str,)),
        "number_suffix": PropSpec("", (str,)),
        "number_separator": PropSpec(
            "", (str,), choices=("", "SPACE_COMMA", "SPACE_PERIOD", "COMMA_PERIOD", "PERIOD_COMMA")
        ),
        "number_default": PropSpec(None, (str, int, float), nullable=True),
    }

    def check_props(self, props: dict[str, Any]) -> dict[str, Any]:
        if props.get("number_default") is not None:
            props["number_default"] = str(props["number_default"])
        return props

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, DecimalType(MAX_WHOLE_DIGITS + 10, 10), nullable=True)

    def _places(self, spec: FieldSpec) -> int:
        return int(spec.props.get("number_decimal_places", 0))

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or value == "":
            return None
        number = parse_decimal(value)
        places = self._places(spec)
        sign, digits, exponent = number.as_tuple()
        decimals = max(0, -int(exponent))
        whole = max(0, len(digits) + int(exponent))
        if decimals > places and number != number.quantize(Decimal(1).scaleb(-places)):
            raise CellError(
                f"Ensure that there are no more than {places} decimal places.",
                "max_decimal_places",
            )
        if whole > MAX_WHOLE_DIGITS:
            raise CellError(
                f"Ensure that there are no more than {MAX_WHOLE_DIGITS + places} digits in total.",
                "max_digits",
            )
        if sign and number != 0 and not spec.props.get("number_negative", False):
            raise CellError("Ensure this value is greater than or equal to 0.", "min_value")
        return number.quantize(Decimal(1).scaleb(-places))

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        places = self._places(spec)
        return f"{Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):f}"

    def default_value(self, spec: FieldSpec) -> Any:
        default = spec.props.get("number_default")
        if default is None:
            return None
        try:
            return self.to_db(spec, default)
        except CellError:
            return None

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        try:
            number = parse_decimal(text.replace(",", "").strip())
        except CellError:
            return None
        if number < 0 and not spec.props.get("number_negative", False):
            return None
        places = self._places(spec)
        return number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)

    def example(self, spec: FieldSpec) -> Any:
        return "1." + "0" * self._places(spec) if self._places(spec) else "1"


class RatingFieldType(FieldType):
    type = "rating"
    props: ClassVar[dict[str, PropSpec]] = {
        "max_value": PropSpec(5, (int,), choices=tuple(range(1, 11))),
        "color": PropSpec("dark-orange", (str,)),
        "style": PropSpec("star", (str,)),
    }

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, sa.Integer, nullable=False, server_default="0")

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            raise CellError("This field may not be null.", "null")
        if isinstance(value, bool):
            raise CellError("A valid integer is required.", "invalid")
        try:
            number = int(value) if not isinstance(value, float) else value
        except (TypeError, ValueError):
            raise CellError("A valid integer is required.", "invalid") from None
        if isinstance(number, float):
            if not number.is_integer():
                raise CellError("A valid integer is required.", "invalid")
            number = int(number)
        if number < 0:
            raise CellError("Ensure this value is greater than or equal to 0.", "min_value")
        maximum = int(spec.props.get("max_value", 5))
        if number > maximum:
            raise CellError(f"Ensure this value is less than or equal to {maximum}.", "max_value")
        return number

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return int(value or 0)

    def default_value(self, spec: FieldSpec) -> Any:
        return 0

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        try:
            number = round(float(text.strip()))
        except ValueError:
            return 0
        return max(0, min(number, int(spec.props.get("max_value", 5))))

    def example(self, spec: FieldSpec) -> Any:
        return 3
