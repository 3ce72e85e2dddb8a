"""The date field type, and the date properties and formats it shares with the
generated timestamp types (`created_on`, `last_modified`).

Values with a time are stored as aware UTC datetimes and read back in UTC with a `Z`;
date-only values are plain dates. Text forms (conversions, link labels) follow the
field's `date_format` and `date_time_format` in its forced timezone, or UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo
from functools import lru_cache
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, available_timezones

import sqlalchemy as sa

from gridbase.errors import body_error, field_error
from gridbase.fields.base import CellError, CellJson, CellParser, FieldType, PropSpec
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.storage.date_sql import DateText
from gridbase.storage.json_sql import UtcIsoText
from gridbase.storage.types import UtcDateTime

__all__ = [
    "DATETIME_MESSAGE",
    "DATE_MESSAGE",
    "BaseDateFieldType",
    "DateFieldType",
    "datetime_json",
    "field_zone",
    "parse_date",
    "parse_datetime",
]

DATE_MESSAGE = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
DATETIME_MESSAGE = ("Datetime has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].")

# Lenient ISO forms Python's `fromisoformat` refuses: single-digit parts, a comma
# before the fraction, more than six fraction digits, a space before the offset.
_LOOSE_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_LOOSE_DATETIME = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})"
    r"(?::(\d{1,2})(?:[.,](\d{1,6})\d*)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?"
)
# Human text as `to_text` writes it: 01/05/2024, 05-01-2024 13:30, 1.5.2024 1:30 PM UTC.
_HUMAN = re.compile(
    r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})"
    r"(?:[T ,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?\s*([AaPp][Mm])?)?"
    r"(?:\s+[A-Za-z+\-][A-Za-z0-9_/+\-:]*)?"
)


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def field_zone(spec: FieldSpec) -> tzinfo:
    """The timezone the field shows dates in: its forced zone, else UTC."""
    name = spec.props.get("date_force_timezone")
    if name and name in _zone_names():
        return ZoneInfo(name)
    return UTC


def _to_utc(moment: datetime, zone: tzinfo = UTC) -> datetime:
    """An aware UTC datetime; naive input is read in `zone`. Raises OverflowError when the
    result leaves the years 1..9999."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def parse_date(value: Any) -> date:
    """An ISO date string (YYYY-MM-DD); datetimes and anything else are refused."""
    if not isinstance(value, str):
        raise CellError(DATE_MESSAGE)
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _LOOSE_DATE.fullmatch(text)
    try:
        if match is not None:
            return date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    raise CellError(DATE_MESSAGE)


def _parse_loose_datetime(text: str) -> datetime | None:
    match = _LOOSE_DATETIME.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    parsed = datetime(int(year), int(month), int(day), int(hour), int(minute),
                      int(second or 0), int((fraction or "0").ljust(6, "0")))
    if offset is None:
        return parsed
    if offset == "Z":
        return parsed.replace(tzinfo=UTC)
    digits = offset[1:].replace(":", "")
    suffix = f"{offset[0]}{digits[:2]}:{digits[2:] or '00'}"
    return datetime.fromisoformat(parsed.isoformat() + suffix)


def parse_datetime(value: Any, zone: tzinfo = UTC) -> datetime:
    """An ISO 8601 datetime (or date, meaning midnight) as aware UTC; naive means `zone`."""
    if not isinstance(value, str):
        raise CellError(DATETIME_MESSAGE)
    text = value.strip()
    try:
        try:
            parsed: datetime | None = datetime.fromisoformat(text)
        except ValueError:
            parsed = _parse_loose_datetime(text)
        if parsed is not None:
            return _to_utc(parsed, zone)
    except (ValueError, OverflowError):
        pass
    raise CellError(DATETIME_MESSAGE)


def datetime_json(moment: datetime) -> str:
    """UTC with a `Z`; microseconds (six digits) only when there are any."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def _date_text(day: date, date_format: str) -> str:
    y, m, d = f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"
    if date_format == "US":
        return f"{m}/{d}/{y}"
    if date_format == "ISO":
        return f"{y}-{m}-{d}"
    return f"{d}/{m}/{y}"


def _time_text(moment: datetime, time_format: str) -> str:
    if time_format == "12":
        hour = moment.hour % 12 or 12
        return f"{hour:02d}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _parse_human(text: str, day_first: bool) -> datetime | None:
    """Text in the EU, US or ISO order with an optional time; None when it is not a date."""
    match = _HUMAN.fullmatch(text)
    if match is None:
        return None
    first, second, third, hour, minute, sec, fraction, meridiem = match.groups()
    if len(first) == 4:
        orders = [(int(first), int(second), int(third))]
    elif len(third) == 4:
        eu = (int(third), int(second), int(first))
        us = (int(third), int(first), int(second))
        orders = [eu, us] if day_first else [us, eu]
    else:
        return None
    clock = time()
    if hour is not None:
        hours = int(hour)
        if meridiem is not None:
            if not 1 <= hours <= 12:
                return None
            hours = hours % 12 + (12 if meridiem.lower() == "pm" else 0)
        try:
            clock = time(hours, int(minute), int(sec or 0),
                         int((fraction or "0").ljust(6, "0")))
        except ValueError:
            return None
    for year, month, day in orders:
        try:
            return datetime.combine(date(year, month, day), clock)
        except ValueError:
            continue
    return None


class BaseDateFieldType(FieldType):
    """Date properties, their validation and the text forms of date values."""

    label_in_sql = True

    props: ClassVar[dict[str, PropSpec]] = {
        "date_format": PropSpec("EU", (str,), choices=("EU", "US", "ISO")),
        "date_include_time": PropSpec(False, (bool,)),
        "date_time_format": PropSpec("24", (str,), choices=("24", "12")),
        "date_show_tzinfo": PropSpec(False, (bool,)),
        "date_force_timezone": PropSpec(None, (str,), nullable=True),
    }

    def clean_props(self, raw: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        # The write-only offset asks Baserow to shift stored times; gridbase accepts and
        # ignores it, checking only that it is a whole number of minutes.
        offset = raw.get("date_force_timezone_offset")
        if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int)):
            raise body_error({"date_force_timezone_offset": field_error(
                "A valid integer is required.", "invalid")})
        return super().clean_props(raw, current)

    def check_props(self, props: dict[str, Any]) -> dict[str, Any]:
        zone = props.get("date_force_timezone")
        if zone is not None and zone not in _zone_names():
            raise body_error({"date_force_timezone": field_error(
                f'"{zone}" is not a valid choice.', "invalid_choice")})
        return props

    def include_time(self, spec: FieldSpec) -> bool:
        return bool(spec.props.get("date_include_time", False))

    def to_text(self, spec: FieldSpec, value: Any) -> str:
        """The JSON value as the field shows it: 01/05/2024 13:30 in the field's zone."""
        if value is None or value == "":
            return ""
        zone = field_zone(spec)
        date_format = str(spec.props.get("date_format", "EU"))
        try:
            if len(str(value)) <= 10:
                return _date_text(date.fromisoformat(str(value)), date_format)
            moment = datetime.fromisoformat(str(value)).astimezone(zone)
        except (ValueError, OverflowError):
            return str(value)
        text = f"{_date_text(moment.date(), date_format)} " + _time_text(
            moment, str(spec.props.get("date_time_format", "24")))
        if spec.props.get("date_show_tzinfo"):
            text += f" {moment.tzname() or 'UTC'}"
        return text

    def conversion_text(self, spec: FieldSpec, value: Any, target: FieldSpec) -> str:
        """Between date fields the exact ISO form travels, in this field's zone, so a
        change of `date_format` in the same request cannot swap days and months."""
        if target.type != "date" or value is None:
            return self.to_text(spec, value)
        text = str(value)
        if len(text) <= 10:
            return text
        try:
            return datetime.fromisoformat(text).astimezone(field_zone(spec)).isoformat()
        except (ValueError, OverflowError):
            return ""

    def example(self, spec: FieldSpec) -> Any:
        return "2020-01-01T12:00:00Z" if self.include_time(spec) else "2020-01-01"

    def text_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[str]:
        """The value as the field shows it ("31/01/2024 13:05" in its zone), so that
        `contains` and search find what people see."""
        zone = field_zone(spec)
        include_time = self.include_time(spec)
        return DateText(table.sa_table.c[self.source_column(spec)],
                        str(getattr(zone, "key", "UTC")), str(spec.props.get("date_format", "EU")),
                        str(spec.props.get("date_time_format", "24")) if include_time else None,
                        with_time_column=self.type != "date" or include_time)


class DateFieldType(BaseDateFieldType):
    type = "date"
    exact_column = True  # dates, or aware UTC datetimes to the microsecond

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        kind: Any = UtcDateTime if self.include_time(spec) else sa.Date
        return sa.Column(spec.column_name, kind, nullable=True)

    def to_db(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or value == "":
            return None
        if self.include_time(spec):
            return parse_datetime(value)
        return parse_date(value)

    def parser(self, spec: FieldSpec) -> CellParser:
        """ISO text goes straight to `fromisoformat`, the first thing `to_db` tries."""
        slow = self.to_db
        with_time = self.include_time(spec)

        def parse(value: Any) -> Any:
            if value.__class__ is str:
                try:
                    if with_time:
                        return _to_utc(datetime.fromisoformat(value.strip()))
                    return date.fromisoformat(value.strip())
                except (ValueError, OverflowError):
                    pass
            return slow(spec, value)

        return parse

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, datetime):
            if self.include_time(spec):
                return datetime_json(value)
            return value.astimezone(field_zone(spec)).date().isoformat()
        return value.isoformat() if isinstance(value, date) else str(value)

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        column = table.sa_table.c[spec.column_name]
        return UtcIsoText(column) if self.include_time(spec) else column

    def json_of(self, spec: FieldSpec) -> CellJson:
        """Plain dates, the usual stored value of a date without time, go straight to
        `isoformat`; anything else through `to_json`."""
        slow = self.to_json

        def convert(value: Any) -> Any:
            if value.__class__ is date:
                return value.isoformat()
            return slow(spec, value)

        return convert

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        text = text.strip()
        if not text:
            return None
        zone = field_zone(spec)
        try:
            try:
                parsed: datetime | None = datetime.fromisoformat(text)
            except ValueError:
                parsed = _parse_loose_datetime(text) or _parse_human(
                    text, spec.props.get("date_format", "EU") != "US")
            if parsed is None:
                return None
            if self.include_time(spec):
                return _to_utc(parsed, zone)
            if parsed.tzinfo is not None:
                parsed = parsed.astimezone(zone)
            return parsed.date()
        except (ValueError, OverflowError):
            return None

    def needs_conversion(self, old: FieldSpec, new: FieldSpec) -> bool:
        return self.include_time(old) != self.include_time(new)
