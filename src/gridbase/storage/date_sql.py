"""Date SQL that needs a timezone, written once for both backends.

PostgreSQL converts with `AT TIME ZONE`; SQLite knows no timezones, so its compilations
call small Python functions installed on each connection. Range filters never need
these (their bounds are turned into UTC instants in Python); only per-row questions do:
the day of the month in a zone, and a date's text as the field shows it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from gridbase.storage.sql_functions import dialect_templates

__all__ = ["DateText", "DayOfMonth", "LocalDate", "register_sqlite_date_functions"]

# Zone names reach the SQL text itself (PostgreSQL cannot bind them everywhere); the
# callers validate them against the zone database, this is a second guard.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-/]+")
_PG_DATE = {"EU": "DD/MM/YYYY", "US": "MM/DD/YYYY", "ISO": "YYYY-MM-DD"}
_PG_TIME = {"24": "HH24:MI", "12": "HH12:MI AM"}


def _zone_literal(zone: str) -> str:
    if not _ZONE_NAME.fullmatch(zone):
        raise ValueError(f"not a timezone name: {zone!r}")
    return f"'{zone}'"


class LocalDate(FunctionElement[date]):
    """The calendar date of a UTC datetime column in the named zone."""

    type = sa.Date()
    inherit_cache = True
    name = "local_date"
    # The zone changes the SQL, so it is part of the statement cache key.
    _traverse_internals = [*FunctionElement._traverse_internals,
                           ("zone", InternalTraversal.dp_string)]

    def __init__(self, column: ColumnElement[Any], zone: str) -> None:
        self.zone = zone
        super().__init__(column)


@compiles(LocalDate, "postgresql")
def _local_date_pg(element: LocalDate, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"CAST(({inner} AT TIME ZONE {_zone_literal(element.zone)}) AS DATE)"


@compiles(LocalDate, "sqlite")
def _local_date_sqlite(element: LocalDate, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"gridbase_local_date({inner}, {_zone_literal(element.zone)})"


class DayOfMonth(FunctionElement[int]):
    """The day of the month (1-31) of a date expression."""

    type = sa.Integer()
    inherit_cache = True
    name = "day_of_month"


dialect_templates(DayOfMonth, postgresql="CAST(EXTRACT(DAY FROM {0}) AS INTEGER)",
                  sqlite="CAST(strftime('%d', {0}) AS INTEGER)")


class DateText(FunctionElement[str]):
    """A date or UTC datetime column as a date field shows it ("31/01/2024 13:05"), in
    the named zone; `time_format` None leaves the time out."""

    type = sa.Text()
    inherit_cache = True
    name = "date_text"
    _traverse_internals = [*FunctionElement._traverse_internals,
                           ("zone", InternalTraversal.dp_string),
                           ("date_format", InternalTraversal.dp_string),
                           ("time_format", InternalTraversal.dp_plain_obj),
                           ("with_time_column", InternalTraversal.dp_boolean)]

    def __init__(self, column: ColumnElement[Any], zone: str, date_format: str,
                 time_format: str | None, with_time_column: bool) -> None:
        self.zone = zone
        self.date_format = date_format if date_format in _PG_DATE else "EU"
        self.time_format = time_format if time_format in _PG_TIME else None
        self.with_time_column = with_time_column
        super().__init__(column)


@compiles(DateText, "postgresql")
def _date_text_pg(element: DateText, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    pattern = _PG_DATE[element.date_format]
    if element.time_format is not None:
        pattern += " " + _PG_TIME[element.time_format]
    if element.with_time_column:
        inner = f"({inner} AT TIME ZONE {_zone_literal(element.zone)})"
    return f"to_char({inner}, '{pattern}')"


@compiles(DateText, "sqlite")
def _date_text_sqlite(element: DateText, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    return (f"gridbase_date_text({inner}, {_zone_literal(element.zone)}, "
            f"'{element.date_format}', '{element.time_format or ''}')")


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _local(stored: str, zone: str) -> datetime | date:
    """A stored SQLite value: "YYYY-MM-DD" stays a date, a UTC datetime moves to `zone`."""
    if len(stored) <= 10:
        return date.fromisoformat(stored)
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(_zone(zone))


def _sqlite_local_date(stored: str | None, zone: str) -> str | None:
    if stored is None:
        return None
    moment = _local(stored, zone)
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()


def _sqlite_date_text(stored: str | None, zone: str, date_format: str, time_format: str
                      ) -> str | None:
    if stored is None:
        return None
    moment = _local(stored, zone)
    y, m, d = f"{moment.year:04d}", f"{moment.month:02d}", f"{moment.day:02d}"
    text = {"US": f"{m}/{d}/{y}", "ISO": f"{y}-{m}-{d}"}.get(date_format, f"{d}/{m}/{y}")
    if time_format and isinstance(moment, datetime):
        if time_format == "12":
            hour = moment.hour % 12 or 12
            text += f" {hour:02d}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
        else:
            text += f" {moment.hour:02d}:{moment.minute:02d}"
    return text


def register_sqlite_date_functions(dbapi_connection: Any) -> None:
    """Install the Python functions the SQLite compilations above call."""
    dbapi_connection.create_function("gridbase_local_date", 2, _sqlite_local_date,
                                     deterministic=True)
    dbapi_connection.create_function("gridbase_date_text", 4, _sqlite_date_text,
                                     deterministic=True)
