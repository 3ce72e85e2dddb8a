"""The older date filters, still sent by existing clients: `date_equal` and friends
(value `[<timezone>?]<ISO date or datetime>`), and the relative ones whose value is a
timezone or `<timezone>?<number>`.

Without a timezone the field's own (forced) timezone applies, else UTC. An empty value
filters nothing, an unreadable one matches nothing, and the negated `date_not_equal`
keeps rows without a date.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.date import field_zone
from gridbase.fields.filters.base import FilterContext, FilterType
from gridbase.fields.filters.date_values import (
    BadDateValue,
    Moment,
    Period,
    add_months,
    parse_moment,
    split_legacy,
)
from gridbase.fields.filters.dates import DateFilter, has_time, within
from gridbase.fields.model import FieldSpec
from gridbase.storage.date_sql import DayOfMonth, LocalDate

__all__ = ["FILTERS"]



def _shift(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except (OverflowError, ValueError):
        raise BadDateValue("out of range") from None


def _number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BadDateValue(f"not a whole number: {text!r}") from None


class _ExactDateFilter(DateFilter):
    """Compares with one date (the whole day in the zone) or one exact instant."""

    example = "2024-01-31"
    # (start, end) of the matching days around the value's day `d`, as day offsets
    # from d (None = open); and the instant comparison for a datetime value.
    days: ClassVar[tuple[int | None, int | None]] = (0, 1)
    instant: ClassVar[Callable[[Any, Any], Any]]

    def condition(self, ctx: FilterContext, spec: FieldSpec, value: str
                  ) -> sa.ColumnElement[bool] | None:
        zone, text = split_legacy(value, field_zone(spec))
        if text == "":
            return None
        moment = parse_moment(text, zone)
        if isinstance(moment, datetime):
            if has_time(spec):
                column = ctx.value(spec)
                return sa.and_(column.is_not(None), type(self).instant(column, moment))
            moment = moment.date()
        first, last = self.days
        return within(ctx, spec, zone, None if first is None else _shift(moment, first),
                      None if last is None else _shift(moment, last))


class DateEqualFilter(_ExactDateFilter):
    type = "date_equal"
    deprecated = True
    instant = operator.eq


class DateNotEqualFilter(DateEqualFilter):
    type = "date_not_equal"
    negated = True


class DateBeforeFilter(_ExactDateFilter):
    type = "date_before"
    deprecated = True
    days = (None, 0)
    instant = operator.lt


class DateBeforeOrEqualFilter(_ExactDateFilter):
    type = "date_before_or_equal"
    deprecated = True
    days = (None, 1)
    instant = operator.le


class DateAfterFilter(_ExactDateFilter):
    type = "date_after"
    deprecated = True
    days = (1, None)
    instant = operator.gt


class DateAfterOrEqualFilter(_ExactDateFilter):
    type = "date_after_or_equal"
    deprecated = True
    days = (0, None)
    instant = operator.ge


class _RelativeFilter(DateFilter):
    """Compares with a period counted from today in the value's timezone."""

    deprecated = True
    example = "UTC?1"
    # Whether an empty number filters nothing (else the value is only a timezone).
    takes_number: ClassVar[bool] = True

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        raise NotImplementedError

    def condition(self, ctx: FilterContext, spec: FieldSpec, value: str
                  ) -> sa.ColumnElement[bool] | None:
        zone, text = split_legacy(value, field_zone(spec))
        number = 0
        if self.takes_number:
            if self.ignores(text):
                return None
            number = _number(text)
        start, end = self.period(ctx.today(zone), number)
        return within(ctx, spec, zone, start, end)

    def ignores(self, text: str) -> bool:
        return text == ""


class DateAfterDaysAgoFilter(_RelativeFilter):
    type = "date_after_days_ago"
    example = "UTC?7"

    def ignores(self, text: str) -> bool:
        return text in ("", "0")

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        return _shift(today, -number), None


class _TodayFilter(_RelativeFilter):
    example = "UTC"
    takes_number = False


class DateEqualsTodayFilter(_TodayFilter):
    type = "date_equals_today"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        return today, _shift(today, 1)


class DateBeforeTodayFilter(_TodayFilter):
    type = "date_before_today"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        return None, today


class DateAfterTodayFilter(_TodayFilter):
    type = "date_after_today"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        return _shift(today, 1), None


def _months_period(day: date) -> Period:
    first = day.replace(day=1)
    return Period(first, add_months(first, 1))


def _year_period(day: date) -> Period:
    if day.year == 9999:
        raise BadDateValue("year out of range")
    return Period(date(day.year, 1, 1), date(day.year + 1, 1, 1))


class DateEqualsWeekFilter(_TodayFilter):
    """This week, Monday to Sunday."""

    type = "date_equals_week"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        monday = _shift(today, -today.weekday())
        return monday, _shift(monday, 7)


class DateEqualsMonthFilter(_TodayFilter):
    type = "date_equals_month"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        month = _months_period(today)
        return month.start, month.end


class DateEqualsYearFilter(_TodayFilter):
    type = "date_equals_year"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        year = _year_period(today)
        return year.start, year.end


def _between(today: date, target: date) -> tuple[Moment | None, Moment | None]:
    """Today and the target day, both included, whichever comes first."""
    first, last = min(today, target), max(today, target)
    return first, _shift(last, 1)


class DateWithinDaysFilter(_RelativeFilter):
    type = "date_within_days"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        return _between(today, _shift(today, number))


class DateWithinWeeksFilter(_RelativeFilter):
    type = "date_within_weeks"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        if number == 0:
            raise BadDateValue("zero weeks")
        return _between(today, _shift(today, 7 * number))


class DateWithinMonthsFilter(_RelativeFilter):
    type = "date_within_months"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        if number == 0:
            raise BadDateValue("zero months")
        return _between(today, add_months(today, number))


class DateEqualsDaysAgoFilter(_RelativeFilter):
    type = "date_equals_days_ago"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        day = _shift(today, -number)
        return day, _shift(day, 1)


class DateEqualsMonthsAgoFilter(_RelativeFilter):
    type = "date_equals_months_ago"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        month = _months_period(add_months(today, -number))
        return month.start, month.end


class DateEqualsYearsAgoFilter(_RelativeFilter):
    type = "date_equals_years_ago"

    def period(self, today: date, number: int) -> tuple[Moment | None, Moment | None]:
        year = _year_period(add_months(today, -12 * number))
        return year.start, year.end


def _zone_key(zone: tzinfo) -> str:
    return str(getattr(zone, "key", "UTC"))


class DateEqualsDayOfMonthFilter(DateFilter):
    """The day of the month, 1 to 31 (of the day in the zone for datetimes)."""

    type = "date_equals_day_of_month"
    example = "15"

    def condition(self, ctx: FilterContext, spec: FieldSpec, value: str
                  ) -> sa.ColumnElement[bool] | None:
        zone, text = split_legacy(value, field_zone(spec))
        if text == "":
            return None
        day = _number(text)
        if not 1 <= day <= 31:
            raise BadDateValue("no such day of the month")
        column = ctx.value(spec)
        local = LocalDate(column, _zone_key(zone)) if has_time(spec) else column
        return sa.and_(column.is_not(None), DayOfMonth(local) == day)


FILTERS: list[FilterType] = [
    DateEqualFilter(), DateNotEqualFilter(), DateBeforeFilter(), DateBeforeOrEqualFilter(),
    DateAfterFilter(), DateAfterOrEqualFilter(), DateAfterDaysAgoFilter(),
    DateEqualsTodayFilter(), DateBeforeTodayFilter(), DateAfterTodayFilter(),
    DateEqualsWeekFilter(), DateEqualsMonthFilter(), DateEqualsYearFilter(),
    DateWithinDaysFilter(), DateWithinWeeksFilter(), DateWithinMonthsFilter(),
    DateEqualsDaysAgoFilter(), DateEqualsMonthsAgoFilter(), DateEqualsYearsAgoFilter(),
    DateEqualsDayOfMonthFilter(),
]
