"""Differential test of row listing: random filter trees, legacy filter parameters,
searches and sorts over a table of random typed rows. The ids gridbase returns over HTTP
must equal what the plain-Python reference (reference.py) computes from the same rows.

The clock is frozen per query at a random moment near the data, so relative date
filters (today, this week, nr_days_ago ...) land on and around the stored dates.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import strategies as st

from gridbase.handlers import row_query
from tests.conftest import Api
from tests.examples import draw
from tests.query import reference as ref
from tests.query.differential_values import OPERATORS, Pools, multi_step_value, value_for
from tests.query.reference import Field, Group, Leaf

WORDS = ["apple", "Apple", "APPLE", "banana split", "Élan vital", "élan", "über", "Über-cool",
         "a_b", "100%", "日本", "x", "pie", "Pie"]
TEXT_ALPHABET = "abcABé É-_%ü 日1"
OPTIONS = ["open", "Open", "closed", "Élan", "in progress", "b"]
OTHERS = ["Ada", "bob", "", "Ádám", "Zoë", "ada lovelace"]
FIRST_DAY = date(2023, 12, 20)
SPAN_DAYS = 45
QUERIES = 60


@dataclass
class Model:
    """The table as the reference sees it: its fields and its rows' JSON."""

    table_id: int
    fields: list[Field]
    rows: list[dict[str, Any]]
    pools: Pools
    by_name: dict[str, Field] = field(default_factory=dict)
    queries: list[Query] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.fields}


def _day(offset: int) -> date:
    return FIRST_DAY + timedelta(days=offset)


def _moment(offset: int, minute: int) -> str:
    moment = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=UTC) + timedelta(
        days=offset, minutes=minute)
    return moment.isoformat().replace("+00:00", "Z")


def _row_strategy(option_values: list[str], other_ids: list[int]) -> st.SearchStrategy[Any]:
    # Minutes near midnight and noon make the day depend on the timezone.
    minutes = st.sampled_from([0, 30, 60 * 5, 60 * 11 + 30, 60 * 12, 60 * 22, 60 * 23 + 59])
    moment = st.one_of(st.none(), st.builds(_moment, st.integers(0, SPAN_DAYS), minutes))
    return st.fixed_dictionaries({
        "Name": st.one_of(st.none(), st.sampled_from(WORDS),
                          st.text(alphabet=TEXT_ALPHABET, max_size=8)),
        "Amount": st.one_of(st.none(), st.decimals(-500, 500, places=2).map(str)),
        "Stars": st.integers(0, 5),
        "Done": st.booleans(),
        "Day": st.one_of(st.none(), st.integers(0, SPAN_DAYS).map(
            lambda n: _day(n).isoformat())),
        "At": moment,
        "Local": moment,
        "Status": st.one_of(st.none(), st.sampled_from(option_values)),
        "Tags": st.lists(st.sampled_from(option_values), max_size=3, unique=True),
        "Link": st.lists(st.sampled_from(other_ids), max_size=3, unique=True),
    })


async def _build(api: Api) -> Model:
    database = await api.database()
    others = await api.table(database["id"], name="Others")
    created = await api.ok("POST", f"/api/database/rows/table/{others['id']}/batch/",
                           params={"user_field_names": "true"},
                           json={"items": [{"Name": name} for name in OTHERS]})
    other_ids = [row["id"] for row in created["items"]]
    table = await api.table(database["id"], name="Items")
    table_id = int(table["id"])
    options = [{"value": v, "color": "blue"} for v in OPTIONS]
    for body in (
        {"name": "Amount", "type": "number", "number_decimal_places": 2,
         "number_negative": True},
        {"name": "Stars", "type": "rating", "max_value": 5},
        {"name": "Done", "type": "boolean"},
        {"name": "Day", "type": "date", "date_format": "ISO"},
        {"name": "At", "type": "date", "date_include_time": True, "date_format": "EU"},
        {"name": "Local", "type": "date", "date_include_time": True, "date_format": "US",
         "date_time_format": "12", "date_force_timezone": "America/New_York"},
        {"name": "Created", "type": "created_on", "date_include_time": True},
        {"name": "Status", "type": "single_select", "select_options": options},
        {"name": "Tags", "type": "multiple_select", "select_options": options},
        {"name": "Link", "type": "link_row", "link_row_table_id": others["id"],
         "has_related_field": False},
    ):
        await api.field(table_id, **body)
    # One list per example: its rows are drawn independently (consecutive examples of
    # a single row strategy repeat each other), and the first example is the minimal one.
    items = draw(st.lists(_row_strategy(OPTIONS, other_ids), min_size=40, max_size=40), 3)[-1]
    await api.ok("POST", f"/api/database/rows/table/{table_id}/batch/",
                 params={"user_field_names": "true"}, json={"items": items})
    fields = [Field(f["id"], f["name"], f["type"], f) for f in await api.fields(table_id)]
    rows = (await api.rows(table_id, user_field_names="true", size=200))["results"]
    return Model(table_id, fields, rows, Pools.from_rows(fields, rows, other_ids))


@pytest.fixture(scope="module")
async def model(module_api: Api) -> Model:
    return await _build(module_api)


# -- queries -------------------------------------------------------------------------------


_NOW = st.builds(lambda days, minutes: datetime(
    FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=UTC) + timedelta(
        days=days, minutes=minutes), st.integers(-3, SPAN_DAYS + 3), st.integers(0, 24 * 60 - 1))


@dataclass
class Query:
    params: list[tuple[str, str]]
    now: datetime
    group: Group | None = None
    search: tuple[str, bool] | None = None
    order: list[tuple[Field, bool]] = field(default_factory=list)


def _leaf(model: Model) -> st.SearchStrategy[Leaf]:
    """A filter type first (so each is about as likely), then a field that takes it."""
    kinds = sorted(kind for kind, (accepted, _) in ref.FILTERS.items()
                   if any(f.type in accepted for f in model.fields))

    def for_kind(kind: str) -> st.SearchStrategy[Leaf]:
        fields = [f for f in model.fields if f.type in ref.FILTERS[kind][0]]
        return st.sampled_from(fields).flatmap(
            lambda spec: value_for(spec, kind, model.pools).map(
                lambda value: Leaf(spec, kind, value)))
    return st.sampled_from(kinds).flatmap(for_kind)


def _group(model: Model) -> st.SearchStrategy[Group]:
    leaves = st.lists(_leaf(model), max_size=3)
    kinds = st.sampled_from(["AND", "OR"])
    return st.recursive(
        st.builds(Group, kinds, leaves, st.just([])),
        lambda inner: st.builds(Group, kinds, leaves, st.lists(inner, max_size=2)),
        max_leaves=6)


def _tree_json(group: Group, names: bool) -> dict[str, Any]:
    return {"filter_type": group.filter_type,
            "filters": [{"field": leaf.field.name if names else leaf.field.id,
                         "type": leaf.type, "value": leaf.value} for leaf in group.filters],
            "groups": [_tree_json(sub, names) for sub in group.groups]}


def _key(spec: Field, names: bool) -> str:
    return spec.name if names else f"field_{spec.id}"


@st.composite
def _query(draw_: st.DrawFn, model: Model) -> Query:
    names = draw_(st.booleans())
    params: list[tuple[str, str]] = [("user_field_names", "true" if names else "false")]
    now = draw_(_NOW)
    query = Query(params, now)
    if draw_(st.booleans()):
        group = draw_(_group(model))
        params.append(("filters", json.dumps(_tree_json(group, names))))
    else:
        leaves = draw_(st.lists(_leaf(model), min_size=1, max_size=4))
        kind = draw_(st.sampled_from(["AND", "OR", "or", "XOR", None]))
        group = Group("OR" if kind in ("OR", "or") else "AND", leaves, [])
        params += [(f"filter__{_key(leaf.field, names)}__{leaf.type}", leaf.value)
                   for leaf in leaves]
        if kind is not None:
            params.append(("filter_type", kind))
    query.group = group
    if draw_(st.integers(0, 3)) == 0:
        text = draw_(st.sampled_from(model.pools.search_terms))
        compat = draw_(st.booleans())
        query.search = (text, compat)
        params.append(("search", text))
        if compat:
            params.append(("search_mode", "compat"))
    if draw_(st.booleans()):
        order = draw_(st.lists(st.tuples(st.sampled_from(model.fields), st.booleans()),
                               min_size=1, max_size=3))
        signs = draw_(st.lists(st.sampled_from(["", "+"]), min_size=len(order),
                               max_size=len(order)))
        query.order = order
        params.append(("order_by", ",".join(
            ("-" if descending else sign) + _key(spec, names)
            for (spec, descending), sign in zip(order, signs, strict=True))))
    return query


def expected_ids(model: Model, query: Query) -> list[int]:
    rows = model.rows
    keep = None if query.group is None else ref.group_predicate(query.group, query.now)
    if keep is not None:
        rows = [row for row in rows if keep(row)]
    if query.search is not None:
        found = ref.search_predicate(model.fields, *query.search)
        if found is not None:
            rows = [row for row in rows if found(row)]
    return [row["id"] for row in ref.sort_rows(rows, model.fields, query.order)]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    current = [datetime.now(UTC)]
    monkeypatch.setattr(row_query, "now", lambda: current[0])
    return current


def _describe(query: Query, model: Model, got: list[int], want: list[int]) -> str:
    by_id = {row["id"]: row for row in model.rows}
    differing = sorted(set(got) ^ set(want))
    return (f"now={query.now.isoformat()} params={query.params}\n"
            f"got={got}\nwant={want}\n"
            + "\n".join(f"row {i}: {by_id[i]}" for i in differing[:5]))


def _leaves(group: Group | None) -> list[Leaf]:
    if group is None:
        return []
    return [*group.filters, *(leaf for sub in group.groups for leaf in _leaves(sub))]


def pick_queries(model: Model) -> list[Query]:
    """QUERIES queries out of many candidates, preferring ones that bring a filter type
    on a field, an operator or a result size not seen yet (early Hypothesis examples
    are alike)."""
    if model.queries:
        return model.queries
    candidates = draw(_query(model), QUERIES * 2)
    seen: set[Any] = set()
    chosen: list[Query] = []
    empty_results = 0
    for query in candidates:
        size = len(expected_ids(model, query))
        if size == 0 and empty_results >= QUERIES // 6:
            continue
        marks: set[tuple[Any, ...]] = {
            (leaf.type, leaf.field.name, leaf.value.rsplit("?", 1)[-1][:12])
            for leaf in _leaves(query.group)}
        marks.add(("size", size))
        marks.update(("order", spec.name, descending) for spec, descending in query.order)
        if marks - seen:
            empty_results += size == 0
            seen |= marks
            chosen.append(query)
        if len(chosen) == QUERIES:
            break
    rest = [q for q in candidates if q not in chosen and expected_ids(model, q)]
    chosen += rest[:QUERIES - len(chosen)]
    model.queries = chosen
    return chosen


async def test_listing_matches_reference(module_api: Api, model: Model,
                                         clock: list[datetime]) -> None:
    for query in pick_queries(model):
        clock[0] = query.now
        response = await module_api.get(f"/api/database/rows/table/{model.table_id}/",
                                        params=[*query.params, ("size", "200")])
        assert response.status_code == 200, (query.params, response.text)
        got = [row["id"] for row in response.json()["results"]]
        want = expected_ids(model, query)
        assert got == want, _describe(query, model, got, want)


async def test_reference_is_not_trivial(model: Model) -> None:
    """The queries must split the rows in many ways, and the sweep below must try every
    filter type, or the comparisons prove little."""
    queries = pick_queries(model)
    sizes = {len(expected_ids(model, q)) for q in queries}
    assert len(queries) == QUERIES
    assert len(sizes) > 10
    assert 0 in sizes and len(model.rows) in sizes
    sweep = draw(_sweep(model), 4)[-1]
    assert {leaf.type for leaf, _ in sweep} == set(ref.FILTERS)
    swept = [len(expected_ids(model, Query([], now, Group("AND", [leaf], []))))
             for leaf, now in sweep]
    assert sum(0 < size < len(model.rows) for size in swept) > len(swept) / 3
    assert any(Decimal(r["Amount"] or 0) < 0 for r in model.rows)


def _sweep(model: Model) -> st.SearchStrategy[tuple[tuple[Leaf, datetime], ...]]:
    """One filter per (filter type, field) pair, each with its own frozen clock; a date
    filter type runs on the date-only field and on one of the datetime fields in turn."""
    parts: list[st.SearchStrategy[tuple[Leaf, datetime]]] = []
    datetimes = [f for f in model.fields if f.type in ("date", "created_on") and f.with_time]
    dates = [model.by_name["Day"], model.by_name["At"], model.by_name["Local"]]
    multi_step = sorted(k for k in ref.FILTERS if k.startswith("date_is"))
    for index, operator in enumerate(OPERATORS * 3):
        kind, spec = multi_step[index % len(multi_step)], dates[index % len(dates)]
        leaf = multi_step_value(model.pools, [operator]).map(
            functools.partial(Leaf, spec, kind))
        parts.append(st.tuples(leaf, _NOW))
    for index, (kind, (accepted, _)) in enumerate(sorted(ref.FILTERS.items())):
        fields = [f for f in model.fields if f.type in accepted]
        if kind.startswith("date_"):
            fields = [model.by_name["Day"], datetimes[index % len(datetimes)]]
        for spec in fields:
            leaf = value_for(spec, kind, model.pools).map(functools.partial(Leaf, spec, kind))
            parts.append(st.tuples(leaf, _NOW))
    return st.tuples(*parts)


async def test_each_filter_type_matches_reference(module_api: Api, model: Model,
                                                  clock: list[datetime]) -> None:
    sweep = draw(_sweep(model), 4)[-1]
    for leaf, now in sweep:
        clock[0] = now
        query = Query([("user_field_names", "true"),
                       (f"filter__{leaf.field.name}__{leaf.type}", leaf.value)], now,
                      Group("AND", [leaf], []))
        response = await module_api.get(f"/api/database/rows/table/{model.table_id}/",
                                        params=[*query.params, ("size", "200")])
        assert response.status_code == 200, (query.params, response.text)
        got = [row["id"] for row in response.json()["results"]]
        want = expected_ids(model, query)
        assert got == want, _describe(query, model, got, want)


async def test_each_sort_matches_reference(module_api: Api, model: Model) -> None:
    """Every field, both ways, alone and ahead of another field."""
    for index, spec in enumerate(model.fields):
        for descending in (False, True):
            second = model.fields[(index + 3) % len(model.fields)]
            for order in ([(spec, descending)], [(spec, descending), (second, True)]):
                query = Query([("user_field_names", "true"), ("order_by", ",".join(
                    ("-" if down else "") + f.name for f, down in order))],
                    datetime.now(UTC), order=order)
                response = await module_api.get(
                    f"/api/database/rows/table/{model.table_id}/",
                    params=[*query.params, ("size", "200")])
                got = [row["id"] for row in response.json()["results"]]
                want = expected_ids(model, query)
                assert got == want, _describe(query, model, got, want)
