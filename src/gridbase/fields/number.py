"""Numeric field types: number (exact decimals, strings in JSON) and rating (0..max stars).

Both validate the way Baserow's serializers do, with the same messages and codes: a number
may have at most `number_decimal_places` decimals and 50 digits before the point, and it is
never rounded on the way in; a rating is an integer between 0 and `max_value`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import partial
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.errors import body_error, field_error
from gridbase.fields.base import CellError, CellJson, CellParser, FieldType, PropSpec
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.number_column import ExactDecimal, numeric_sort_key
from gridbase.storage.sql_functions import FormatDecimal

__all__ = ["NumberFieldType", "RatingFieldType", "parse_decimal"]

MAX_WHOLE_DIGITS = 50
MAX_PLACES = 10
MAX_STRING_LENGTH = 1000
SEPARATORS = ("", "SPACE_COMMA", "SPACE_PERIOD", "COMMA_PERIOD", "PERIOD_COMMA")
# Thousands and decimal separator of each `number_separator` choice.
_SEPARATOR_CHARS = {
    "SPACE_COMMA": (" ", ","), "SPACE_PERIOD": (" ", "."), "COMMA_PERIOD": (",", "."),
    "PERIOD_COMMA": (".", ","),
}
NUMBER_TYPE_REMOVED = (
    "The number_type option has been removed and can no longer be provided. Instead set "
    "number_decimal_places to 0 for an integer or 1-5 for a decimal."
)
_INTEGRAL_TAIL = re.compile(r"\.0*\s*$")
# Room for every digit a number field holds; the default context keeps only 28.
_EXACT = Context(prec=MAX_WHOLE_DIGITS + MAX_PLACES + 10)


def _stars(value: Any) -> int:
    return int(value or 0)


def _quantize(number: Decimal, places: int) -> Decimal:
    """`number` with exactly `places` decimals, rounded half away from zero if needed."""
    return number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, _EXACT)


def parse_decimal(value: Any) -> Decimal:
    """A JSON number or numeric string as an exact decimal; anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise CellError("A valid number is required.", "invalid")
    text = str(value).strip()
    if len(text) > MAX_STRING_LENGTH:
        raise CellError("String value too large.", "max_string_length")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("A valid number is required.", "invalid") from None
    if not number.is_finite():
        raise CellError("A valid number is required.", "invalid")
    return number


def check_precision(number: Decimal, places: int) -> None:
    """Refuse more decimals than `places` (trailing zeros count) or too many digits."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0:
        total, whole, decimals = len(digits) + exponent, len(digits) + exponent, 0
    elif len(digits) > -exponent:
        total, whole, decimals = len(digits), len(digits) + exponent, -exponent
    else:
        total, whole, decimals = -exponent, 0, -exponent
    if total > MAX_WHOLE_DIGITS + places:
        raise CellError(
            f"Ensure that there are no more than {MAX_WHOLE_DIGITS + places} digits in total.",
            "max_digits",
        )
    if decimals > places:
        raise CellError(
            f"Ensure that there are no more than {places} decimal places.", "max_decimal_places"
        )
    if whole > MAX_WHOLE_DIGITS:
        raise CellError(
            f"Ensure that there are no more than {MAX_WHOLE_DIGITS} digits before the decimal "
            "point.",
            "max_whole_digits",
        )


def _unformat(spec: FieldSpec, text: str) -> str:
    """Text written the way the field displays numbers, without prefix, suffix and
    thousands separators, so it can be parsed."""
    text = text.strip()
    prefix = spec.props.get("number_prefix") or ""
    suffix = spec.props.get("number_suffix") or ""
    if prefix and text.startswith(prefix):
        text = text[len(prefix):].strip()
    if suffix and text.endswith(suffix):
        text = text[: -len(suffix)].strip()
    thousands, point = _SEPARATOR_CHARS.get(spec.props.get("number_separator") or "", ("", "."))
    if point == ",":
        if text.count(",") != 1:
            return text
        text = text.replace(thousands, "").replace(",", ".")
    elif thousands:
        text = text.replace(thousands, "")
    return text


class NumberFieldType(FieldType):
    type = "number"
    label_in_sql = True
    exact_column = True  # the column keeps more places; `to_json` rounds to the field's
    props: ClassVar[dict[str, PropSpec]] = {
        "number_decimal_places": PropSpec(0, (int,), choices=tuple(range(MAX_PLACES + 1))),
        "number_negative": PropSpec(False, (bool,)),
        "number_prefix": PropSpec("", (str,)),
        "number_suffix": PropSpec("", (str,)),
        "number_separator": PropSpec("", (str,), choices=SEPARATORS),
        "number_default": PropSpec(None, (str, int, float), nullable=True),
    }

    def clean_props(self, raw: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        if "number_type" in raw:
            message = ("This field may not be null.", "null") if raw["number_type"] is None \
                else (NUMBER_TYPE_REMOVED, "invalid")
            raise body_error({"number_type": field_error(*message)})
        props = super().clean_props(raw, current)
        default = props.get("number_default")
        if default is None:
            return props
        spec = self._props_spec(props)
        if "number_default" in raw:
            try:
                number = self.to_db(spec, default)
            except CellError as error:
                raise body_error({"number_default": error.entry()}) from None
        else:
            number = self.from_text(spec, str(default))
        props["number_default"] = None if number is None else self._format(spec, number)
        return props

    @staticmethod
    def _props_spec(props: dict[str, Any]) -> FieldSpec:
        return FieldSpec(0, 0, "", "number", 0, False, None, False, props)

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, ExactDecimal(MAX_WHOLE_DIGITS + MAX_PLACES, MAX_PLACES),
                         nullable=True)

    def _places(self, spec: FieldSpec) -> int:
        return int(spec.props.get("number_decimal_places", 0))

    def _format(self, spec: FieldSpec, number: Decimal) -> str:
        rounded = _quantize(number, self._places(spec))
        return f"{abs(rounded) if rounded.is_zero() else rounded:f}"

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = _unformat(spec, value)
        number = parse_decimal(value)
        places = self._places(spec)
        check_precision(number, places)
        if number < 0 and not spec.props.get("number_negative", False):
            raise CellError("Ensure this value is greater than or equal to 0.", "min_value")
        number = _quantize(number, places)
        return abs(number) if number.is_zero() else number

    def parser(self, spec: FieldSpec) -> CellParser:
        """Plain non-negative numbers that fit the places skip `to_db`'s checks (they
        pass them all) and quantize exactly; the rest goes through `to_db`."""
        slow = self.to_db
        places = self._places(spec)
        if spec.props.get("number_prefix") or spec.props.get("number_suffix"):
            return partial(slow, spec)
        plain = re.compile(rf"[0-9]{{1,{MAX_WHOLE_DIGITS}}}"
                           + (rf"(?:\.[0-9]{{1,{places}}})?" if places else "")).fullmatch
        quantum = Decimal(1).scaleb(-places)
        largest = 10**MAX_WHOLE_DIGITS

        def parse(value: Any) -> Any:
            cls = value.__class__
            if (cls is str and plain(value) is not None) or (cls is int and 0 <= value < largest):
                return Decimal(value).quantize(quantum, ROUND_HALF_UP, _EXACT)
            return slow(spec, value)

        return parse

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else self._format(spec, Decimal(value))

    def json_of(self, spec: FieldSpec) -> CellJson:
        quantum = Decimal(1).scaleb(-self._places(spec))

        def convert(value: Any) -> Any:
            if value is None:
                return None
            rounded = Decimal(value).quantize(quantum, ROUND_HALF_UP, _EXACT)
            return f"{abs(rounded) if rounded.is_zero() else rounded:f}"

        return convert

    def default_value(self, spec: FieldSpec) -> Any:
        default = spec.props.get("number_default")
        return None if default is None else self.from_text(spec, str(default))

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        """Like a PostgreSQL cast: rounded to the places, negatives become 0 when they are
        not allowed, and text that is not a number becomes empty."""
        try:
            number = parse_decimal(text.strip())
        except CellError:
            return None
        if number.adjusted() >= MAX_WHOLE_DIGITS:
            return None
        number = _quantize(number, self._places(spec))
        if number.adjusted() >= MAX_WHOLE_DIGITS:
            return None
        if number < 0 and not spec.props.get("number_negative", False):
            number = Decimal(0)
        return abs(number) if number.is_zero() else number

    def needs_conversion(self, old: FieldSpec, new: FieldSpec) -> bool:
        fewer_places = self._places(new) < self._places(old)
        lost_negative = bool(old.props.get("number_negative")) and not new.props.get(
            "number_negative")
        return fewer_places or lost_negative

    def sort_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        return numeric_sort_key(table.sa_table.c[spec.column_name])

    def text_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[str]:
        """The number as it reads in JSON ("3.50"), for `contains` and search."""
        return FormatDecimal(table.sa_table.c[spec.column_name], self._places(spec))

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        return self.text_expression(spec, table)

    def example(self, spec: FieldSpec) -> Any:
        places = self._places(spec)
        return "1." + "0" * places if places else "1"


class RatingFieldType(FieldType):
    type = "rating"
    exact_column = True
    props: ClassVar[dict[str, PropSpec]] = {
        "max_value": PropSpec(5, (int,)),
        "color": PropSpec("dark-orange", (str,)),
        "style": PropSpec("star", (str,)),
    }

    def check_props(self, props: dict[str, Any]) -> dict[str, Any]:
        maximum = props["max_value"]
        if maximum < 1:
            raise body_error({"max_value": field_error(
                "Ensure this value is greater than or equal to 1.", "min_value")})
        if maximum > 10:
            raise body_error({"max_value": field_error(
                "Ensure this value is less than or equal to 10.", "max_value")})
        return props

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, sa.Integer, nullable=False, server_default="0")

    def _maximum(self, spec: FieldSpec) -> int:
        return int(spec.props.get("max_value", 5))

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            raise CellError("This field may not be null.", "null")
        if isinstance(value, str) and len(value) > MAX_STRING_LENGTH:
            raise CellError("String value too large.", "max_string_length")
        try:
            number = int(_INTEGRAL_TAIL.sub("", str(value)))
        except ValueError:
            raise CellError("A valid integer is required.", "invalid") from None
        if number < 0:
            raise CellError("Ensure this value is greater than or equal to 0.", "min_value")
        maximum = self._maximum(spec)
        if number > maximum:
            raise CellError(f"Ensure this value is less than or equal to {maximum}.", "max_value")
        return number

    def parser(self, spec: FieldSpec) -> CellParser:
        slow = self.to_db
        maximum = self._maximum(spec)

        def parse(value: Any) -> Any:
            if value.__class__ is int and 0 <= value <= maximum:
                return value
            return slow(spec, value)

        return parse

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return int(value or 0)

    def json_of(self, spec: FieldSpec) -> CellJson:
        return _stars

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        return sa.func.coalesce(table.sa_table.c[spec.column_name], 0)

    def default_value(self, spec: FieldSpec) -> Any:
        return 0

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        """Rounded half away from zero and clamped to 0..max_value; 0 when not a number."""
        try:
            number = parse_decimal(text.strip())
        except CellError:
            return 0
        rounded = int(_quantize(number, 0)) if number.adjusted() < 20 \
            else (0 if number < 0 else self._maximum(spec))
        return max(0, min(rounded, self._maximum(spec)))

    def conversion_text(self, spec: FieldSpec, value: Any, target: FieldSpec) -> str:
        """Any stars make a checked boolean."""
        if target.type == "boolean":
            return "1" if value else "0"
        return self.to_text(spec, value)

    def needs_conversion(self, old: FieldSpec, new: FieldSpec) -> bool:
        return self._maximum(new) < self._maximum(old)

    def example(self, spec: FieldSpec) -> Any:
        return min(3, self._maximum(spec))

    def empty_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[bool]:
        """No stars is the empty rating."""
        return sa.func.coalesce(table.sa_table.c[spec.column_name], 0) == 0
