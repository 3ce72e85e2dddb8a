"""The duration field type: a signed number of seconds, rounded to its format's unit.

Requests send seconds (a number or numeric string) or text in one of the formats
(`1:30`, `1d 2h`, `3h 5m 10s`, ...); responses are seconds as a float. A bare number
is always seconds; `A:B` is hours:minutes when the format's smallest unit is minutes or
hours, else minutes:seconds, and a trailing bare number after a day counts in that unit.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.base import CellError, FieldType, PropSpec
from gridbase.fields.model import FieldSpec

__all__ = ["DURATION_FORMATS", "DurationFieldType", "format_duration", "parse_duration"]

# Each format's rounding step in seconds.
DURATION_FORMATS: dict[str, Decimal] = {
    "h:mm": Decimal(60),
    "h:mm:ss": Decimal(1),
    "h:mm:ss.s": Decimal("0.1"),
    "h:mm:ss.ss": Decimal("0.01"),
    "h:mm:ss.sss": Decimal("0.001"),
    "d h": Decimal(3600),
    "d h:mm": Decimal(60),
    "d h:mm:ss": Decimal(1),
    "d h mm": Decimal(60),
    "d h mm ss": Decimal(1),
}
MAX_SECONDS = 86400 * 999_999_999  # what fits in a Python timedelta (Baserow's limit)
_TOO_LARGE = "Value {value} is too large. The maximum is 999999999 days, 23:59:59.999999."

_NUMBER = r"\d+(?:\.\d+)?"
_UNITS = re.compile(
    rf"(?:(\d+)(?:\s*d|\s+(?=\d)))?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:({_NUMBER})\s*s)?"
)
_CLOCK = re.compile(rf"(?:(\d+)(?:\s*d\s*|\s+))?(\d+):({_NUMBER})(?::({_NUMBER}))?")
_DAY_AND_NUMBER = re.compile(rf"(\d+)(?:\s*d\s*|\s+)({_NUMBER})")


def _smallest_unit(duration_format: str) -> int:
    """Seconds in the smallest unit a format shows: hours, minutes or seconds."""
    step = DURATION_FORMATS[duration_format]
    return int(step) if step >= 60 else 1


def _parse_text(text: str, duration_format: str) -> float | None:
    """Seconds for a duration written as text, or None when it is none of the forms."""
    match = _CLOCK.fullmatch(text)
    if match is not None:
        days, first, second, third = match.groups()
        day_seconds = int(days or 0) * 86400
        if third is not None:
            if "." in first + second:
                return None
            return day_seconds + int(first) * 3600 + int(second) * 60 + float(third)
        if "." not in second and _smallest_unit(duration_format) > 1:
            return day_seconds + int(first) * 3600 + int(second) * 60
        return day_seconds + int(first) * 60 + float(second)
    match = _DAY_AND_NUMBER.fullmatch(text)
    if match is not None:
        days, amount = match.groups()
        return int(days) * 86400 + float(amount) * _smallest_unit(duration_format)
    match = _UNITS.fullmatch(text)
    if match is not None and any(match.groups()):
        days, hours, minutes, seconds = match.groups()
        return (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
                + float(seconds or 0))
    return None


def _round(seconds: float, duration_format: str) -> float:
    step = DURATION_FORMATS[duration_format]
    steps = (Decimal(repr(seconds)) / step).quantize(Decimal(1), ROUND_HALF_UP)
    return float(steps * step) + 0.0  # + 0.0 turns -0.0 into 0.0


def parse_duration(value: Any, duration_format: str) -> float | None:
    """Seconds for a request value, rounded to the format; refuses junk with a CellError."""
    if value is None or value == "":
        return None
    invalid = CellError(f"The value {value} is not a valid duration.", "invalid")
    if isinstance(value, bool):
        raise invalid
    if isinstance(value, int | float):
        try:
            seconds: float | None = float(value)
        except OverflowError:
            seconds = math.inf
    elif isinstance(value, str):
        text = value.strip()
        sign = -1.0 if text.startswith("-") else 1.0
        body = text[1:].strip() if sign < 0 else text
        try:
            seconds = float(text)
        except ValueError:
            parsed = _parse_text(body, duration_format)
            seconds = None if parsed is None else sign * parsed
    else:
        raise invalid
    if seconds is None or math.isnan(seconds):
        raise invalid
    if math.isinf(seconds) or abs(seconds) >= MAX_SECONDS:
        raise CellError(_TOO_LARGE.format(value=value), "invalid")
    return _round(seconds, duration_format)


def format_duration(seconds: float, duration_format: str) -> str:
    """Seconds as the format shows them: 1:30, 1d 2h, 1d 2h 03m 04s, -0:05:00.5 ..."""
    step = DURATION_FORMATS[duration_format]
    total = (Decimal(repr(abs(seconds))) / step).quantize(Decimal(1), ROUND_HALF_UP) * step
    sign = "-" if seconds < 0 and total else ""
    whole = int(total)
    fraction = total - whole
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if duration_format == "d h":
        text = f"{days}d {hours}h"
    elif duration_format == "d h:mm":
        text = f"{days}d {hours}:{minutes:02d}"
    elif duration_format == "d h:mm:ss":
        text = f"{days}d {hours}:{minutes:02d}:{secs:02d}"
    elif duration_format == "d h mm":
        text = f"{days}d {hours}h {minutes:02d}m"
    elif duration_format == "d h mm ss":
        text = f"{days}d {hours}h {minutes:02d}m {secs:02d}s"
    else:
        text = f"{days * 24 + hours}:{minutes:02d}"
        if duration_format != "h:mm":
            places = len(duration_format.partition(".")[2])
            width = 3 + places if places else 2
            text += f":{secs + fraction:0{width}.{places}f}"
    return sign + text


class DurationFieldType(FieldType):
    type = "duration"
    exact_column = True  # a float in a double precision column
    props: ClassVar[dict[str, PropSpec]] = {
        "duration_format": PropSpec("h:mm", (str,), choices=tuple(DURATION_FORMATS)),
    }

    def _format(self, spec: FieldSpec) -> str:
        value = spec.props.get("duration_format", "h:mm")
        return value if value in DURATION_FORMATS else "h:mm"

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, sa.Float, nullable=True)

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        return parse_duration(value, self._format(spec))

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else float(value)

    def to_text(self, spec: FieldSpec, value: Any) -> str:
        if value is None:
            return ""
        return format_duration(float(value), self._format(spec))

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        try:
            return parse_duration(text.strip(), self._format(spec))
        except CellError:
            return None

    def needs_conversion(self, old: FieldSpec, new: FieldSpec) -> bool:
        """A coarser format rounds the stored seconds to its unit."""
        return DURATION_FORMATS[self._format(new)] > DURATION_FORMATS[self._format(old)]

    def conversion_text(self, spec: FieldSpec, value: Any, target: FieldSpec) -> str:
        """Seconds travel exactly to durations and numbers; other types get the text."""
        if target.type in ("duration", "number") and value is not None:
            return repr(float(value))
        return self.to_text(spec, value)

    def example(self, spec: FieldSpec) -> Any:
        return 3600
