"""Date filters with the multi-step value `<timezone>?<value>?<operator>`.

A datetime is compared by its calendar day in the filter's timezone: every period is
turned into UTC instants in Python (`date_values`), so the SQL is a plain range over the
stored column on both backends. An unreadable value matches nothing; the negated filter
(`date_is_not`) then matches everything, and always keeps rows without a date.
"""

from __future__ import annotations

import functools
from datetime import datetime, tzinfo
from typing import Any, ClassVar

import sqlalchemy as sa

from gridbase.fields.filters.base import NO_MATCH, FilterContext, FilterType, negate_keeping_empty
from gridbase.fields.filters.date_values import (
    BadDateValue,
    Moment,
    Period,
    Today,
    local_midnight,
    operator_period,
    split_multi_step,
)
from gridbase.fields.model import FieldSpec

__all__ = ["DATE_FIELDS", "FILTERS", "DateFilter", "has_time", "within"]

DATE_FIELDS = frozenset({"date", "last_modified", "created_on"})
OPERATORS = frozenset({
    "today", "yesterday", "tomorrow", "one_week_ago", "one_month_ago", "one_year_ago",
    "this_week", "this_month", "this_year", "next_week", "next_month", "next_year",
    "nr_days_ago", "nr_weeks_ago", "nr_months_ago", "nr_years_ago", "nr_days_from_now",
    "nr_weeks_from_now", "nr_months_from_now", "nr_years_from_now", "exact_date",
})
# Operators whose empty value means "no filter" rather than "now".
_EMPTY_MEANS_ALL = frozenset({"exact_date", "nr_days_ago", "nr_days_from_now"})


def has_time(spec: FieldSpec) -> bool:
    """Whether the column holds instants (row timestamps always do) or plain days."""
    return spec.type != "date" or bool(spec.props.get("date_include_time"))


def _bound(spec: FieldSpec, moment: Moment, zone: tzinfo) -> Any:
    """A bound in the column's own terms: a day, or the UTC instant a day starts."""
    if isinstance(moment, datetime):
        return moment if has_time(spec) else moment.date()
    return local_midnight(moment, zone) if has_time(spec) else moment


def within(ctx: FilterContext, spec: FieldSpec, zone: tzinfo, start: Moment | None,
           end: Moment | None) -> sa.ColumnElement[bool]:
    """Rows from `start` (included) to `end` (excluded); days are days in `zone`."""
    column = ctx.value(spec)
    parts: list[sa.ColumnElement[bool]] = [column.is_not(None)]
    if start is not None:
        parts.append(column >= _bound(spec, start, zone))
    if end is not None:
        parts.append(column < _bound(spec, end, zone))
    return sa.and_(*parts)


class DateFilter(FilterType):
    """A date filter: `condition` raises BadDateValue for what cannot be read; negated
    filters keep rows without a date and match everything on a bad value."""

    field_types = DATE_FIELDS
    negated: ClassVar[bool] = False

    def condition(self, ctx: FilterContext, spec: FieldSpec, value: str
                  ) -> sa.ColumnElement[bool] | None:
        raise NotImplementedError

    def build(self, ctx: FilterContext, spec: FieldSpec, value: str
              ) -> sa.ColumnElement[bool] | None:
        try:
            matched = self.condition(ctx, spec, value)
        except BadDateValue:
            return sa.true() if self.negated else NO_MATCH
        if matched is None or not self.negated:
            return matched
        return negate_keeping_empty(ctx, spec, matched)


class _MultiStepFilter(DateFilter):
    example = "UTC?2024-01-31?exact_date"
    operators: ClassVar[frozenset[str]] = OPERATORS

    def span(self, period: Period, today: Today) -> tuple[Moment | None, Moment | None]:
        """Which part of the time line matches, given the operator's period."""
        raise NotImplementedError

    def condition(self, ctx: FilterContext, spec: FieldSpec, value: str
                  ) -> sa.ColumnElement[bool] | None:
        zone, text, operator = split_multi_step(value)
        if operator not in self.operators:
            raise BadDateValue(f"operator {operator!r} not allowed")
        if operator in _EMPTY_MEANS_ALL and text == "":
            return None
        # read only where the period depends on it (not an `exact_date`)
        today = functools.partial(ctx.today, zone)
        period = operator_period(operator, text, today, zone, has_time(spec))
        start, end = self.span(period, today)
        return within(ctx, spec, zone, start, end)


class DateIsFilter(_MultiStepFilter):
    type = "date_is"

    def span(self, period: Period, today: Today) -> tuple[Moment | None, Moment | None]:
        return period.start, period.end


class DateIsNotFilter(DateIsFilter):
    type = "date_is_not"
    negated = True


class DateIsBeforeFilter(_MultiStepFilter):
    type = "date_is_before"

    def span(self, period: Period, today: Today) -> tuple[Moment | None, Moment | None]:
        return None, period.start


class DateIsOnOrBeforeFilter(_MultiStepFilter):
    type = "date_is_on_or_before"

    def span(self, period: Period, today: Today) -> tuple[Moment | None, Moment | None]:
        return None, period.end


class DateIsAfterFilter(_MultiStepFilter):
    type = "date_is_after"

    def span(self, period: Period, today: Today) -> tuple[Moment | None, Moment | None]:
        return period.end, None


class DateIsOnOrAfterFilter(_MultiStepFilter):
    type = "date_is_on_or_after"

    def span(self, period: Period, today: Today) -> tuple[Moment | None, Moment | None]:
        return period.start, None


class DateIsWithinFilter(_MultiStepFilter):
    """From today up to the end of the named period: only future periods make sense."""

    type = "date_is_within"
    operators = frozenset({"tomorrow", "next_week", "next_month", "next_year",
                           "nr_days_from_now", "nr_weeks_from_now", "nr_months_from_now",
                           "nr_years_from_now", "exact_date"})

    def span(self, period: Period, today: Today) -> tuple[Moment | None, Moment | None]:
        return today(), period.end


FILTERS: list[FilterType] = [
    DateIsFilter(), DateIsNotFilter(), DateIsBeforeFilter(), DateIsOnOrBeforeFilter(),
    DateIsAfterFilter(), DateIsOnOrAfterFilter(), DateIsWithinFilter(),
]
