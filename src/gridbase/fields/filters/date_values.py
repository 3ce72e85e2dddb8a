"""Reading date filter values and turning "this month" into a range of days.

Everything here is plain Python over the filter's value and the current time; the SQL
side (dates.py) only ever compares a column with the bounds computed here. Periods are
half-open: a lower bound that is included and an upper bound that is not. Weeks start on
Monday.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = [
    "BadDateValue",
    "Moment",
    "Period",
    "Today",
    "add_months",
    "local_midnight",
    "operator_period",
    "parse_moment",
    "split_legacy",
    "split_multi_step",
    "zone_named",
]

Moment = date | datetime
# Today's date in the filter's zone, asked for only when needed: a filter that reads it
# holds a date that changes (`FilterContext.read_clock`).
Today = Callable[[], date]


class BadDateValue(ValueError):
    """A filter value that cannot be read: the filter matches no row."""


@dataclass(frozen=True)
class Period:
    """Days (or instants) from `start` included to `end` excluded."""

    start: Moment
    end: Moment


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def zone_named(name: str) -> tzinfo:
    """A timezone from its IANA name; unknown names are a bad value."""
    if name not in _zone_names():
        raise BadDateValue(f"unknown timezone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise BadDateValue(str(error)) from None


def split_multi_step(value: str) -> tuple[tzinfo, str, str]:
    """`<timezone>?<value>?<operator>` as (zone, value, operator); no zone means UTC."""
    parts = value.strip().split("?")
    if len(parts) != 3:
        raise BadDateValue("expected timezone?value?operator")
    zone_name, text, operator = parts
    return (zone_named(zone_name) if zone_name else UTC), text, operator


def split_legacy(value: str, field_zone: tzinfo) -> tuple[tzinfo, str]:
    """`<timezone>?<value>`, a bare timezone, or a bare value in the field's zone.

    A value with several `?` reads as empty, as Baserow reads it."""
    text = value.strip()
    if "?" in text:
        parts = text.split("?")
        if len(parts) != 2:
            return UTC, ""
        return zone_named(parts[0]), parts[1]
    if text in _zone_names():
        return zone_named(text), ""
    return field_zone, text


def parse_moment(text: str, zone: tzinfo) -> Moment:
    """An ISO date, or an ISO datetime read in `zone` (naive) or moved to it (aware)."""
    try:
        if len(text) <= 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadDateValue(f"not a date: {text!r}") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    try:
        return moment.astimezone(zone)
    except OverflowError:
        raise BadDateValue("out of range") from None


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise BadDateValue("year out of range")
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise BadDateValue("no such day")  # pragma: no cover - 28 always exists


def _shift(day: date, days: int = 0) -> date:
    try:
        return day + timedelta(days=days)
    except (OverflowError, ValueError):
        raise BadDateValue("out of range") from None


def _week(day: date) -> Period:
    monday = _shift(day, -day.weekday())
    return Period(monday, _shift(monday, 7))


def _month(day: date) -> Period:
    first = day.replace(day=1)
    return Period(first, add_months(first, 1))


def _year(day: date) -> Period:
    first = day.replace(month=1, day=1)
    if first.year == 9999:
        raise BadDateValue("year out of range")
    return Period(first, first.replace(year=first.year + 1))


def _count(text: str) -> int:
    """The N of `nr_days_ago` and friends; empty means 0 (blanks are unreadable)."""
    try:
        return int(text) if text else 0
    except ValueError:
        raise BadDateValue(f"not a whole number: {text!r}") from None


def operator_period(operator: str, text: str, today: Today, zone: tzinfo,
                    with_time: bool) -> Period:
    """The period a multi-step operator names, from today in the filter's zone (asked
    of `today` only when the operator counts from it).

    `exact_date` may name an instant (a datetime value on a datetime column); then the
    period is the day starting at that instant."""
    if operator == "exact_date":
        moment = parse_moment(text, zone)
        if isinstance(moment, datetime):
            if not with_time:
                moment = moment.date()
            else:
                try:
                    return Period(moment, moment + timedelta(days=1))
                except OverflowError:
                    raise BadDateValue("out of range") from None
        return Period(moment, _shift(moment, 1))
    fixed = _FIXED.get(operator)
    if fixed is not None:
        return fixed(today())
    relative = _RELATIVE.get(operator)
    if relative is None:
        raise BadDateValue(f"unknown operator {operator!r}")
    shift, period = relative
    return period(shift(today(), _count(text)))


def _day(day: date) -> Period:
    return Period(day, _shift(day, 1))


_FIXED: dict[str, Callable[[date], Period]] = {
    "today": _day,
    "yesterday": lambda d: _day(_shift(d, -1)),
    "tomorrow": lambda d: _day(_shift(d, 1)),
    "one_week_ago": lambda d: _week(_shift(d, -7)),
    "one_month_ago": lambda d: _month(add_months(d, -1)),
    "one_year_ago": lambda d: _year(add_months(d, -12)),
    "this_week": _week,
    "this_month": _month,
    "this_year": _year,
    "next_week": lambda d: _week(_shift(d, 7)),
    "next_month": lambda d: _month(add_months(d, 1)),
    "next_year": lambda d: _year(add_months(d, 12)),
}


_RELATIVE: dict[str, tuple[Callable[[date, int], date], Callable[[date], Period]]] = {
    "nr_days_ago": (lambda d, n: _shift(d, -n), _day),
    "nr_days_from_now": (lambda d, n: _shift(d, n), _day),
    "nr_weeks_ago": (lambda d, n: _shift(d, -7 * n), _week),
    "nr_weeks_from_now": (lambda d, n: _shift(d, 7 * n), _week),
    "nr_months_ago": (lambda d, n: add_months(d, -n), _month),
    "nr_months_from_now": (lambda d, n: add_months(d, n), _month),
    "nr_years_ago": (lambda d, n: add_months(d, -12 * n), _year),
    "nr_years_from_now": (lambda d, n: add_months(d, 12 * n), _year),
}


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """The UTC instant a day starts in `zone` (the first instant when midnight is
    skipped by a clock change)."""
    try:
        return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    except OverflowError:
        raise BadDateValue("out of range") from None
