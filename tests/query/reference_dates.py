"""The reference semantics of the date filters (see reference.py): multi-step values
`<timezone>?<value>?<operator>`, the legacy `[<timezone>?]<date>` and relative ones.
Days are calendar days in the filter's timezone; weeks start on Monday."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from tests.query.reference_cells import (
    EVERYTHING,
    NOTHING,
    ZONES,
    Field,
    Predicate,
    Row,
    instant,
    parse_int,
)

__all__ = ["legacy_exact", "legacy_relative", "multi_step"]


# -- dates ----------------------------------------------------------------------------------


class _Bad(Exception):
    """An unreadable date value."""


def _zone(name: str) -> tzinfo:
    if name not in ZONES:
        raise _Bad(name)
    return ZoneInfo(name)


def _day_of(field: Field, cell: str, zone: tzinfo) -> date:
    if len(cell) == 10:
        return date.fromisoformat(cell)
    return instant(cell).astimezone(zone).date()


def _plus_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = total // 12, total % 12 + 1
    if not 1 <= year <= 9999:
        raise _Bad("year")
    last = 31
    while True:
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            last -= 1


def _plus_days(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except (OverflowError, ValueError):
        raise _Bad("range") from None


def _monday(day: date) -> date:
    return _plus_days(day, -day.weekday())


def _month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, _plus_months(first, 1)


def _year_of(day: date) -> tuple[date, date]:
    first = day.replace(month=1, day=1)
    return first, _plus_months(first, 12)


def _week_of(day: date) -> tuple[date, date]:
    return _monday(day), _plus_days(_monday(day), 7)


def _one_day(day: date) -> tuple[date, date]:
    return day, _plus_days(day, 1)


def _period(operator: str, text: str, today: date) -> tuple[date, date]:
    """The days [first, end) an operator names (weeks start on Monday)."""
    simple = {
        "today": lambda: _one_day(today),
        "yesterday": lambda: _one_day(_plus_days(today, -1)),
        "tomorrow": lambda: _one_day(_plus_days(today, 1)),
        "one_week_ago": lambda: _week_of(_plus_days(today, -7)),
        "this_week": lambda: _week_of(today),
        "next_week": lambda: _week_of(_plus_days(today, 7)),
        "one_month_ago": lambda: _month_of(_plus_months(today, -1)),
        "this_month": lambda: _month_of(today),
        "next_month": lambda: _month_of(_plus_months(today, 1)),
        "one_year_ago": lambda: _year_of(_plus_months(today, -12)),
        "this_year": lambda: _year_of(today),
        "next_year": lambda: _year_of(_plus_months(today, 12)),
    }
    if operator in simple:
        return simple[operator]()
    count = 0 if text == "" else parse_int(text)
    if count is None:
        raise _Bad(text)
    unit, direction = operator[3:].rsplit("_", 1) if operator.endswith("_ago") else (
        operator[3:-len("_from_now")], "from_now")
    sign = -1 if direction == "ago" else 1
    if unit == "days":
        return _one_day(_plus_days(today, sign * count))
    if unit == "weeks":
        return _week_of(_plus_days(today, sign * 7 * count))
    if unit == "months":
        return _month_of(_plus_months(today, sign * count))
    return _year_of(_plus_months(today, sign * 12 * count))


OPERATORS = {
    "today", "yesterday", "tomorrow", "one_week_ago", "one_month_ago", "one_year_ago",
    "this_week", "this_month", "this_year", "next_week", "next_month", "next_year",
    "nr_days_ago", "nr_weeks_ago", "nr_months_ago", "nr_years_ago", "nr_days_from_now",
    "nr_weeks_from_now", "nr_months_from_now", "nr_years_from_now", "exact_date",
}
WITHIN_OPERATORS = {"tomorrow", "next_week", "next_month", "next_year", "nr_days_from_now",
                    "nr_weeks_from_now", "nr_months_from_now", "nr_years_from_now",
                    "exact_date"}


def _parse_moment(text: str, zone: tzinfo) -> date | datetime:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise _Bad(text) from None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Bad(text) from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _span_test(field: Field, zone: tzinfo, first: Any, end: Any) -> Predicate:
    """Rows with a date in [first, end); bounds are days, or instants for datetimes."""

    def test(row: Row) -> bool:
        cell = row[field.name]
        if cell is None:
            return False
        probe: Any = _day_of(field, cell, zone)
        if isinstance(first or end, datetime):
            probe = instant(cell)
        return (first is None or probe >= first) and (end is None or probe < end)
    return test


def multi_step(kind: str) -> Callable[..., Predicate | None]:
    negated = kind == "date_is_not"

    def build(field: Field, value: str, now: datetime) -> Predicate | None:
        try:
            parts = value.strip().split("?")
            if len(parts) != 3:
                raise _Bad(value)
            zone_name, text, operator = parts
            zone = _zone(zone_name) if zone_name else UTC
            allowed = WITHIN_OPERATORS if kind == "date_is_within" else OPERATORS
            if operator not in allowed:
                raise _Bad(operator)
            if text == "" and operator in ("exact_date", "nr_days_ago", "nr_days_from_now"):
                return None
            today = now.astimezone(zone).date()
            first: Any
            end: Any
            if operator == "exact_date":
                moment = _parse_moment(text, zone)
                if isinstance(moment, datetime) and field.with_time:
                    first, end = moment, (moment.astimezone(zone) + timedelta(days=1))
                else:
                    day = moment.astimezone(zone).date() if isinstance(moment, datetime) \
                        else moment
                    first, end = _one_day(day)
            else:
                first, end = _period(operator, text, today)
            starts = {"date_is": first, "date_is_not": first, "date_is_before": None,
                      "date_is_on_or_before": None, "date_is_after": end,
                      "date_is_on_or_after": first, "date_is_within": today}[kind]
            ends = {"date_is": end, "date_is_not": end, "date_is_before": first,
                    "date_is_on_or_before": end, "date_is_after": None,
                    "date_is_on_or_after": None, "date_is_within": end}[kind]
            if isinstance(starts, date) and not isinstance(starts, datetime) and isinstance(
                    ends, datetime):
                starts = datetime(starts.year, starts.month, starts.day, tzinfo=zone)
        except (_Bad, OverflowError):
            return EVERYTHING if negated else NOTHING
        test = _span_test(field, zone, starts, ends)
        if negated:
            return lambda row: row[field.name] is None or not test(row)
        return test
    return build


def _legacy_split(field: Field, value: str) -> tuple[tzinfo, str]:
    text = value.strip()
    if "?" not in text:
        return (_zone(text), "") if text in ZONES else (field.zone, text)
    pieces = text.split("?")
    if len(pieces) > 2:
        return UTC, ""
    return _zone(pieces[0]), pieces[1]


def legacy_exact(kind: str) -> Callable[..., Predicate | None]:
    negated = kind == "date_not_equal"

    def build(field: Field, value: str, now: datetime) -> Predicate | None:
        try:
            zone, text = _legacy_split(field, value)
            if text == "":
                return None
            moment = _parse_moment(text, zone)
        except _Bad:
            return EVERYTHING if negated else NOTHING
        if isinstance(moment, datetime) and field.with_time:
            exact: dict[str, Callable[[datetime], bool]] = {
                "date_equal": lambda t: t == moment, "date_not_equal": lambda t: t == moment,
                "date_before": lambda t: t < moment, "date_before_or_equal": lambda t: t <= moment,
                "date_after": lambda t: t > moment, "date_after_or_equal": lambda t: t >= moment}
            check = exact[kind]
            test: Predicate = lambda row: row[field.name] is not None and check(  # noqa: E731
                instant(row[field.name]))
        else:
            day = moment.astimezone(zone).date() if isinstance(moment, datetime) else moment
            by_day: dict[str, Callable[[date], bool]] = {
                "date_equal": lambda d: d == day, "date_not_equal": lambda d: d == day,
                "date_before": lambda d: d < day, "date_before_or_equal": lambda d: d <= day,
                "date_after": lambda d: d > day, "date_after_or_equal": lambda d: d >= day}
            on_day = by_day[kind]
            test = lambda row: row[field.name] is not None and on_day(  # noqa: E731
                _day_of(field, row[field.name], zone))
        if negated:
            return lambda row: row[field.name] is None or not test(row)
        return test
    return build


def legacy_relative(kind: str) -> Callable[..., Predicate | None]:
    """The legacy filters counted from today: the value is a timezone, maybe `?N`."""

    def build(field: Field, value: str, now: datetime) -> Predicate | None:
        try:
            zone, text = _legacy_split(field, value)
            today = now.astimezone(zone).date()
            if kind in ("date_equals_today", "date_before_today", "date_after_today",
                        "date_equals_week", "date_equals_month", "date_equals_year"):
                periods: dict[str, Callable[[], tuple[date | None, date | None]]] = {
                    "date_equals_today": lambda: _one_day(today),
                    "date_before_today": lambda: (None, today),
                    "date_after_today": lambda: (_plus_days(today, 1), None),
                    "date_equals_week": lambda: _week_of(today),
                    "date_equals_month": lambda: _month_of(today),
                    "date_equals_year": lambda: _year_of(today),
                }
                first, end = periods[kind]()
            else:
                if text == "" or (kind == "date_after_days_ago" and text == "0"):
                    return None
                count = parse_int(text)
                if count is None:
                    raise _Bad(text)
                if kind == "date_equals_day_of_month":
                    if not 1 <= count <= 31:
                        raise _Bad(text)
                    return lambda row: row[field.name] is not None and _day_of(
                        field, row[field.name], zone).day == count
                if kind in ("date_within_weeks", "date_within_months") and count == 0:
                    raise _Bad(text)
                target = {
                    "date_within_days": lambda: _plus_days(today, count),
                    "date_within_weeks": lambda: _plus_days(today, 7 * count),
                    "date_within_months": lambda: _plus_months(today, count),
                    "date_after_days_ago": lambda: _plus_days(today, -count),
                    "date_equals_days_ago": lambda: _plus_days(today, -count),
                    "date_equals_months_ago": lambda: _plus_months(today, -count),
                    "date_equals_years_ago": lambda: _plus_months(today, -12 * count),
                }[kind]()
                if kind.startswith("date_within"):
                    first, end = min(today, target), _plus_days(max(today, target), 1)
                elif kind == "date_after_days_ago":
                    first, end = target, None
                elif kind == "date_equals_days_ago":
                    first, end = _one_day(target)
                elif kind == "date_equals_months_ago":
                    first, end = _month_of(target)
                else:
                    first, end = _year_of(target)
        except (_Bad, OverflowError):
            return NOTHING
        return _span_test(field, zone, first, end)
    return build


