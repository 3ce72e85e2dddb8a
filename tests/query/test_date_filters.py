"""Date filters over HTTP with a frozen clock: multi-step operators, the legacy filters,
timezones, datetimes compared by their day in a zone, empty and unreadable values."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from gridbase.handlers import row_query
from tests.conftest import Api

DAYS: list[str | None] = [
    "2024-05-15", "2024-05-14", "2024-05-16", "2024-05-13", "2024-05-19", "2024-05-20",
    "2024-05-06", "2024-04-30", "2024-04-01", "2023-12-31", "2025-01-01", None,
]
MOMENTS: list[str | None] = [
    "2024-05-15T11:00:00Z", "2024-05-14T23:30:00Z", "2024-05-15T23:30:00Z",
    "2024-05-16T09:00:00Z", "2024-05-10T00:00:00Z", None,
]


@pytest.fixture(scope="module")
async def dates_table(module_api: Api, frozen_now: datetime) -> int:
    return await _table(module_api)


async def _table(api: Api) -> int:
    table = await api.table(name="Dates")
    await api.field(table["id"], name="Day", type="date", date_format="ISO")
    await api.field(table["id"], name="At", type="date", date_include_time=True,
                    date_format="EU")
    await api.field(table["id"], name="Local", type="date", date_include_time=True,
                    date_format="US", date_time_format="12",
                    date_force_timezone="Europe/Amsterdam")
    await api.field(table["id"], name="Created", type="created_on")
    items = [{"Name": f"r{i}",
              "Day": DAYS[i] if i < len(DAYS) else None,
              "At": MOMENTS[i] if i < len(MOMENTS) else None,
              "Local": MOMENTS[i] if i < len(MOMENTS) else None}
             for i in range(max(len(DAYS), len(MOMENTS)))]
    await api.ok("POST", f"/api/database/rows/table/{table['id']}/batch/",
                 params={"user_field_names": "true"}, json={"items": items})
    return int(table["id"])


async def _days(api: Api, table_id: int, field: str, **params: Any) -> list[Any]:
    body = await api.rows(table_id, user_field_names="true", size=200, **params)
    return [row[field] for row in body["results"]]


@pytest.mark.parametrize(("filter_type", "value", "expected"), [
    ("date_is", "UTC??today", ["2024-05-15"]),
    ("date_is", "UTC??yesterday", ["2024-05-14"]),
    ("date_is", "UTC??tomorrow", ["2024-05-16"]),
    ("date_is", "Pacific/Kiritimati??today", ["2024-05-16"]),
    ("date_is", "UTC??this_week", ["2024-05-15", "2024-05-14", "2024-05-16", "2024-05-13",
                                   "2024-05-19"]),
    ("date_is", "UTC??one_week_ago", ["2024-05-06"]),
    ("date_is", "UTC??next_week", ["2024-05-20"]),
    ("date_is", "UTC??one_month_ago", ["2024-04-30", "2024-04-01"]),
    ("date_is", "UTC??this_year", ["2024-05-15", "2024-05-14", "2024-05-16", "2024-05-13",
                                   "2024-05-19", "2024-05-20", "2024-05-06", "2024-04-30",
                                   "2024-04-01"]),
    ("date_is", "UTC??one_year_ago", ["2023-12-31"]),
    ("date_is", "UTC??next_year", ["2025-01-01"]),
    ("date_is", "UTC?2?nr_days_ago", ["2024-05-13"]),
    ("date_is", "UTC?1?nr_weeks_ago", ["2024-05-06"]),
    ("date_is", "UTC?1?nr_months_ago", ["2024-04-30", "2024-04-01"]),
    ("date_is", "UTC?4?nr_days_from_now", ["2024-05-19"]),
    ("date_is", "UTC?2024-04-30?exact_date", ["2024-04-30"]),
    ("date_is", "?2024-04-30?exact_date", ["2024-04-30"]),
    ("date_is", "UTC??exact_date", DAYS),
    ("date_is", "UTC?not-a-date?exact_date", []),
    ("date_is", "Mars/Olympus?2024-04-30?exact_date", []),
    ("date_is", "UTC?2024-04-30?someday", []),
    ("date_is", "2024-04-30", []),
    ("date_is", "UTC?x?nr_days_ago", []),
    ("date_is_not", "UTC?2024-04-30?exact_date", [d for d in DAYS if d != "2024-04-30"]),
    ("date_is_not", "UTC?not-a-date?exact_date", DAYS),
    ("date_is_before", "UTC??today", ["2024-05-14", "2024-05-13", "2024-05-06", "2024-04-30",
                                      "2024-04-01", "2023-12-31"]),
    ("date_is_on_or_before", "UTC?2024-04-30?exact_date", ["2024-04-30", "2024-04-01",
                                                          "2023-12-31"]),
    ("date_is_after", "UTC??this_month", ["2025-01-01"]),
    ("date_is_on_or_after", "UTC??next_week", ["2024-05-20", "2025-01-01"]),
    ("date_is_within", "UTC??next_week", ["2024-05-15", "2024-05-16", "2024-05-19",
                                          "2024-05-20"]),
    ("date_is_within", "UTC?1?nr_days_from_now", ["2024-05-15", "2024-05-16"]),
    ("date_is_within", "UTC?2024-04-30?exact_date", []),
    ("date_is_within", "UTC??today", []),
    ("date_equal", "2024-04-30", ["2024-04-30"]),
    ("date_equal", "UTC?2024-04-30", ["2024-04-30"]),
    ("date_equal", "", DAYS),
    ("date_equal", "30/04/2024", []),
    ("date_not_equal", "2024-04-30", [d for d in DAYS if d != "2024-04-30"]),
    ("date_before", "2024-04-30", ["2024-04-01", "2023-12-31"]),
    ("date_before_or_equal", "2024-04-30", ["2024-04-30", "2024-04-01", "2023-12-31"]),
    ("date_after", "2024-05-19", ["2024-05-20", "2025-01-01"]),
    ("date_after_or_equal", "2024-05-19", ["2024-05-19", "2024-05-20", "2025-01-01"]),
    ("date_after_days_ago", "UTC?2", ["2024-05-15", "2024-05-14", "2024-05-16", "2024-05-13",
                                      "2024-05-19", "2024-05-20", "2025-01-01"]),
    ("date_after_days_ago", "UTC?0", DAYS),
    ("date_equals_today", "UTC", ["2024-05-15"]),
    ("date_equals_today", "Pacific/Kiritimati", ["2024-05-16"]),
    ("date_before_today", "UTC", ["2024-05-14", "2024-05-13", "2024-05-06", "2024-04-30",
                                  "2024-04-01", "2023-12-31"]),
    ("date_after_today", "UTC", ["2024-05-16", "2024-05-19", "2024-05-20", "2025-01-01"]),
    ("date_equals_week", "UTC", ["2024-05-15", "2024-05-14", "2024-05-16", "2024-05-13",
                                 "2024-05-19"]),
    ("date_equals_month", "UTC", ["2024-05-15", "2024-05-14", "2024-05-16", "2024-05-13",
                                  "2024-05-19", "2024-05-20", "2024-05-06"]),
    ("date_equals_year", "UTC?", [d for d in DAYS if d and d.startswith("2024")]),
    ("date_within_days", "UTC?1", ["2024-05-15", "2024-05-16"]),
    ("date_within_days", "UTC?-1", ["2024-05-15", "2024-05-14"]),
    ("date_within_weeks", "UTC?0", []),
    ("date_within_weeks", "UTC?1", ["2024-05-15", "2024-05-16", "2024-05-19", "2024-05-20"]),
    ("date_within_months", "UTC?1", ["2024-05-15", "2024-05-16", "2024-05-19",
                                     "2024-05-20"]),
    ("date_equals_days_ago", "UTC?1", ["2024-05-14"]),
    ("date_equals_months_ago", "UTC?1", ["2024-04-30", "2024-04-01"]),
    ("date_equals_years_ago", "UTC?1", ["2023-12-31"]),
    ("date_equals_day_of_month", "1", ["2024-04-01", "2025-01-01"]),
    ("date_equals_day_of_month", "32", []),
    ("date_equals_day_of_month", "", DAYS),
    ("contains", "04-30", ["2024-04-30"]),
])
async def test_date_only_field(module_api: Api, dates_table: int, filter_type: str, value: str,
                               expected: list[Any]) -> None:
    days = await _days(module_api, dates_table, "Day", **{f"filter__Day__{filter_type}": value})
    assert days == expected


# Rows 5 and later have no datetime.
EMPTY = list(range(len(MOMENTS) - 1, len(DAYS)))


@pytest.mark.parametrize(("field", "filter_type", "value", "expected"), [
    ("At", "date_is", "UTC??today", [0, 2]),
    ("At", "date_is", "Europe/Amsterdam??today", [0, 1]),
    ("At", "date_is", "Europe/Amsterdam??tomorrow", [2, 3]),
    ("At", "date_is_not", "Europe/Amsterdam??today", [2, 3, 4, *EMPTY]),
    ("At", "date_is", "UTC?2024-05-15T11:00:00Z?exact_date", [0, 2, 3]),
    ("At", "date_is", "UTC?2024-05-10?exact_date", [4]),
    ("At", "date_is", "America/New_York?2024-05-10?exact_date", []),
    ("At", "date_is", "America/New_York?2024-05-09?exact_date", [4]),
    ("At", "date_is_before", "Europe/Amsterdam??today", [4]),
    ("At", "date_is_on_or_after", "Europe/Amsterdam??tomorrow", [2, 3]),
    ("At", "date_is_within", "Europe/Amsterdam??tomorrow", [0, 1, 2, 3]),
    ("At", "date_equal", "Europe/Amsterdam?2024-05-15", [0, 1]),
    ("At", "date_equal", "2024-05-15", [0, 2]),
    ("At", "date_equal", "2024-05-15T11:00:00Z", [0]),
    ("At", "date_equal", "2024-05-15T13:00:00+02:00", [0]),
    ("At", "date_not_equal", "2024-05-15T11:00:00Z", [1, 2, 3, 4, *EMPTY]),
    ("At", "date_before", "2024-05-15T11:00:00Z", [1, 4]),
    ("At", "date_before_or_equal", "2024-05-15T11:00:00Z", [0, 1, 4]),
    ("At", "date_after", "2024-05-15T11:00:00Z", [2, 3]),
    ("At", "date_after_today", "Europe/Amsterdam", [2, 3]),
    ("At", "date_equals_today", "Europe/Amsterdam", [0, 1]),
    ("At", "date_equals_day_of_month", "Europe/Amsterdam?15", [0, 1]),
    ("At", "date_equals_day_of_month", "UTC?15", [0, 2]),
    ("At", "date_equals_day_of_month", "10", [4]),
    ("At", "date_equals_day_of_month", "America/New_York?9", [4]),
    ("At", "contains", "15/05/2024", [0, 2]),
    ("At", "contains", "23:30", [1, 2]),
    ("At", "contains_not", "23:30", [0, 3, 4, *EMPTY]),
    ("At", "empty", "", EMPTY),
    ("At", "not_empty", "", [0, 1, 2, 3, 4]),
    ("Local", "date_equal", "2024-05-15", [0, 1]),
    ("Local", "date_equals_today", "", [0, 1]),
    ("Local", "date_equals_today", "UTC", [0, 2]),
    ("Local", "contains", "05/15/2024 01:30 AM", [1]),
    ("Local", "contains", "pm", [0]),
    ("Local", "contains", "am", [1, 2, 3, 4]),
])
async def test_datetime_field(module_api: Api, dates_table: int, field: str, filter_type: str,
                              value: str, expected: list[int]) -> None:
    names = await _days(module_api, dates_table, "Name",
                        **{f"filter__{field}__{filter_type}": value})
    assert names == [f"r{i}" for i in expected]


@pytest.mark.parametrize(("leaves", "expected"), [
    # An unreadable value matches nothing, its negation everything; an empty value is
    # left out of the group altogether.
    ([("Day", "date_is", "UTC?nope?exact_date"), ("Name", "equal", "r1")], ["r1"]),
    ([("Day", "date_is_not", "UTC?nope?exact_date"), ("Name", "equal", "r1")], "all"),
    ([("Day", "date_equal", ""), ("Name", "equal", "r1")], ["r1"]),
    ([("Day", "date_is", "UTC??exact_date")], "all"),
])
async def test_date_filters_in_or_groups(module_api: Api, dates_table: int,
                                         leaves: list[tuple[str, str, str]],
                                         expected: list[str] | str) -> None:
    tree = {"filter_type": "OR", "filters": [
        {"field": name, "type": kind, "value": value} for name, kind, value in leaves]}
    names = await _days(module_api, dates_table, "Name", filters=json.dumps(tree))
    assert names == ([f"r{i}" for i in range(len(DAYS))] if expected == "all" else expected)


async def test_row_timestamps(module_api: Api, dates_table: int) -> None:
    """Rows were really created long after the frozen 2024-05-15."""
    everything = [f"r{i}" for i in range(len(DAYS))]
    created_today = datetime.now(UTC).date().isoformat()
    for key in ("filter__Created__date_is_after", "filter__field_created_on__date_is_after",
                "filter__field_updated_on__date_is_after"):
        assert await _days(module_api, dates_table, "Name", **{key: "UTC??today"}) == everything
    assert await _days(module_api, dates_table, "Name",
                       filter__Created__date_is_before="UTC??today") == []
    assert await _days(module_api, dates_table, "Name",
                       filter__Created__date_equals_today="UTC") == []
    assert await _days(module_api, dates_table, "Name",
                       filter__Created__date_is_on_or_before=f"UTC?{created_today}?"
                       "exact_date") == everything
    assert await _days(module_api, dates_table, "Name",
                       filter__Created__empty="") == []


@pytest.mark.parametrize("key, value", [("filter__Day__date_is", "UTC??today"),
                                        ("filter__Day__date_equals_today", "UTC")])
async def test_a_listing_asked_again_the_next_day_follows_the_clock(
        module_api: Api, dates_table: int, monkeypatch: pytest.MonkeyPatch, key: str,
        value: str) -> None:
    """Listings asked again reuse their SQL (`row_query.kept_query`), but not one whose
    filter holds today's date: the same request a day later finds that day's rows."""
    for day, expected in (("2024-05-15", ["r0"]), ("2024-05-16", ["r2"]),
                          ("2024-05-15", ["r0"])):
        moment = datetime.fromisoformat(f"{day}T12:00:00+00:00")
        monkeypatch.setattr(row_query, "now", lambda moment=moment: moment)
        for _ in range(2):
            assert await _days(module_api, dates_table, "Name", **{key: value}) == expected


async def test_a_listing_asked_again_finds_rows_written_since(
        module_api: Api, dates_table: int) -> None:
    """A kept listing keeps its SQL, never its rows."""
    asked = {"filter__Day__date_is": "UTC?2024-05-16?exact_date",
             "order_by": "-Name", "size": 200, "user_field_names": "true"}
    rows = f"/api/database/rows/table/{dates_table}/"
    assert [r["Name"] for r in (await module_api.ok("GET", rows, params=asked))["results"]
            ] == ["r2"]
    added = await module_api.ok("POST", rows, params={"user_field_names": "true"},
                                json={"Name": "r99", "Day": "2024-05-16"})
    try:
        again = await module_api.ok("GET", rows, params=asked)
        assert [r["Name"] for r in again["results"]] == ["r99", "r2"]
        assert again["count"] == 2
    finally:
        await module_api.ok("DELETE", f"{rows}{added['id']}/")
    after = await module_api.ok("GET", rows, params=asked)
    assert [r["Name"] for r in after["results"]] == ["r2"]
