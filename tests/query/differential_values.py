"""Filter values for the differential test: mostly taken from the table's own data (so
filters keep some rows and drop others), plus empty, odd and unreadable ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from tests.query.reference_cells import Field, text_of

ZONE_NAMES = ["UTC", "", "Europe/Amsterdam", "America/New_York", "Pacific/Kiritimati",
              "Asia/Kolkata", "Pacific/Pago_Pago", "Bad/Zone"]
OPERATORS = ["today", "yesterday", "tomorrow", "one_week_ago", "one_month_ago", "one_year_ago",
             "this_week", "this_month", "this_year", "next_week", "next_month", "next_year",
             "nr_days_ago", "nr_weeks_ago", "nr_months_ago", "nr_years_ago",
             "nr_days_from_now", "nr_weeks_from_now", "nr_months_from_now",
             "nr_years_from_now", "exact_date", "bogus"]
BOOLEANS = ["1", "0", "true", "FALSE", "yes", "No", "", "abc", "checked", " t ", "on"]
ODD = ["", " ", "abc", "%", "_", "-", "?", "??", "99999999999999999999", "-1", "日本"]


def _pieces(texts: list[str]) -> list[str]:
    """Substrings of the texts, in several cases."""
    found: set[str] = set()
    for text in texts:
        for start in range(len(text)):
            for size in (1, 2, 4):
                piece = text[start:start + size]
                if piece.strip():
                    found.update({piece, piece.upper(), piece.lower()})
    return sorted(found)


@dataclass
class Pools:
    names: list[str]
    name_pieces: list[str]
    words: list[str]
    amounts: list[str]
    days: list[str]
    moments: list[str]
    option_ids: dict[str, list[int]]
    option_pieces: list[str]
    other_ids: list[int]
    other_pieces: list[str]
    date_pieces: list[str]
    search_terms: list[str]

    @classmethod
    def from_rows(cls, fields: list[Field], rows: list[dict[str, Any]], other_ids: list[int]
                  ) -> Pools:
        names = sorted({r["Name"] for r in rows if r["Name"] is not None})
        options = {f.name: f.props["select_options"] for f in fields if "select_options" in f.props}
        option_values = sorted({o["value"] for opts in options.values() for o in opts})
        others = sorted({item["value"] for r in rows for item in r["Link"]})
        words = sorted({w for text in [*names, *option_values, *others] for w in text.split()})
        stamps = [r[k] for r in rows for k in ("At", "Local", "Created") if r[k]]
        days = {r["Day"] for r in rows if r["Day"]} | {s[:10] for s in stamps}
        near = {(date.fromisoformat(d) + timedelta(days=k)).isoformat()
                for d in days for k in (-1, 1)}
        shown = [text for f in fields if f.type in ("date", "created_on")
                 for r in rows if (text := text_of(f, r[f.name]))]
        amounts = sorted({r["Amount"] for r in rows if r["Amount"] is not None})
        return cls(
            names=names + [n.swapcase() for n in names],
            name_pieces=_pieces(names),
            words=words,
            amounts=amounts,
            days=sorted(days | near),
            moments=sorted(set(stamps)),
            option_ids={name: [o["id"] for o in opts] for name, opts in options.items()},
            option_pieces=_pieces(option_values),
            other_ids=other_ids,
            other_pieces=_pieces(others),
            date_pieces=[*_pieces([s[:6] for s in shown]), "AM", "pm", ":00", "/20"],
            search_terms=sorted({*words, *_pieces(names)[:40], *amounts[:5],
                                 *(s[:5] for s in shown[:10]), *option_values,
                                 "1", "2", "3", "nothing", " "}),
        )


def _pick(values: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(values) if values else st.just("")


def _with_odd(values: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(_pick(values), _pick(values), _pick(values), st.sampled_from(ODD))


def _moment_texts(pools: Pools) -> st.SearchStrategy[str]:
    """Datetimes as a client writes them: with Z, an offset or none."""
    def variants(stamp: str) -> list[str]:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        return [stamp, moment.strftime("%Y-%m-%dT%H:%M"),
                moment.astimezone().isoformat(),
                (moment + timedelta(hours=5, minutes=30)).strftime("%Y-%m-%dT%H:%M+05:30")]
    return _pick(pools.moments).flatmap(lambda s: st.sampled_from(variants(s)))


def _date_values(pools: Pools) -> st.SearchStrategy[str]:
    return st.one_of(_pick(pools.days), _moment_texts(pools),
                     st.sampled_from(["", "not-a-date", "2024-13-01", "2024-02-30", "x"]))


def multi_step_value(pools: Pools, operators: list[str]) -> st.SearchStrategy[str]:
    """`<timezone>?<value>?<operator>` with one of `operators`; the value fits the
    operator most of the time."""
    def value_for_operator(op: str) -> st.SearchStrategy[str]:
        if op == "exact_date":
            fitting = _date_values(pools)
        elif op.startswith("nr_"):
            fitting = st.one_of(st.integers(-3, 8).map(str), st.integers(-3, 8).map(str),
                                st.integers(-400, 400).map(str))
        else:
            fitting = st.just("")
        inner = st.one_of(fitting, fitting, fitting, st.sampled_from(["", " 1", "1.5", "x"]))
        zones = st.sampled_from(ZONE_NAMES)
        return st.builds(lambda zone, value: f"{zone}?{value}?{op}", zones, inner)
    return st.sampled_from(operators).flatmap(value_for_operator)


def _multi_step(pools: Pools) -> st.SearchStrategy[str]:
    whole = multi_step_value(pools, OPERATORS)
    return st.one_of(whole, whole, whole, _date_values(pools), st.sampled_from(["", "UTC?x"]))


def _legacy_exact(pools: Pools) -> st.SearchStrategy[str]:
    zoned = st.builds(lambda zone, value: f"{zone}?{value}", st.sampled_from(ZONE_NAMES),
                      _date_values(pools))
    return st.one_of(_date_values(pools), zoned, st.sampled_from(["a?b?c", "UTC", "?"]))


def _legacy_relative(pools: Pools) -> st.SearchStrategy[str]:
    number = st.one_of(st.integers(-60, 400).map(str), st.sampled_from(["", "0", "x", " 2"]))
    zoned = st.builds(lambda zone, value: f"{zone}?{value}", st.sampled_from(ZONE_NAMES), number)
    return st.one_of(zoned, zoned, number, st.sampled_from(ZONE_NAMES))


def _day_of_month() -> st.SearchStrategy[str]:
    number = st.integers(-1, 33).map(str)
    zoned = st.builds(lambda zone, value: f"{zone}?{value}", st.sampled_from(ZONE_NAMES), number)
    return st.one_of(number, zoned, st.sampled_from(["", "x", "UTC"]))


def _id_list(ids: list[int]) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(ids).map(str), st.sampled_from(["x", " 1", "", "0"]))
    return st.lists(piece, min_size=1, max_size=3).map(",".join)


def value_for(spec: Field, kind: str, pools: Pools) -> st.SearchStrategy[str]:
    """Values for one filter type on one field."""
    numeric = spec.type in ("number", "rating")
    if kind in ("empty", "not_empty"):
        return st.sampled_from(["", "x"])
    if kind in ("boolean", "is_even_and_whole") or (spec.type == "boolean"):
        return st.sampled_from(BOOLEANS)
    if kind in ("equal", "not_equal") or kind.startswith(("higher", "lower")):
        if numeric:
            ints = [str(i) for i in range(6)]
            return _with_odd(pools.amounts + ints + ["2.5", "1e2", " 3.5 ", "NaN", "-0"])
        return _with_odd(pools.names)
    if kind in ("contains", "contains_not"):
        if spec.type in ("date", "created_on", "last_modified"):
            return _with_odd(pools.date_pieces)
        if spec.type == "number":
            return _with_odd(["3", ".5", "0.0", "1", "-", "00", *pools.amounts[:5]])
        if spec.type.endswith("select"):
            return _with_odd(pools.option_pieces)
        return _with_odd(pools.name_pieces)
    if kind in ("contains_word", "doesnt_contain_word"):
        return _with_odd([*pools.words, "-a", "a b", "pi"])
    if kind == "length_is_lower_than":
        return st.one_of(st.integers(-1, 12).map(str), st.sampled_from(["", "x", " 4 ", "2.5"]))
    if kind.startswith("single_select") or kind.startswith("multiple_select"):
        ids = pools.option_ids.get(spec.name, [1])
        if kind.endswith(("any_of", "none_of")):
            return st.one_of(_id_list(ids), st.sampled_from(["", "x"]))
        return st.one_of(st.sampled_from(ids).map(str), st.sampled_from(ODD))
    if kind in ("link_row_has", "link_row_has_not"):
        return st.one_of(st.sampled_from(pools.other_ids).map(str), st.sampled_from(ODD))
    if kind.startswith("link_row"):
        return _with_odd(pools.other_pieces)
    if kind.startswith("date_is"):
        return _multi_step(pools)
    if kind in ("date_equal", "date_not_equal", "date_before", "date_before_or_equal",
                "date_after", "date_after_or_equal"):
        return _legacy_exact(pools)
    if kind == "date_equals_day_of_month":
        return _day_of_month()
    if kind.startswith("date_"):
        return _legacy_relative(pools)
    raise AssertionError(f"no values for {kind} on {spec.type}")
