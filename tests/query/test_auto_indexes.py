"""Automatic indexes: fields filtered or sorted often (or by a saved view) get one in the
background, of the kind the filter needs; results stay the same; they go with the field
and survive type conversions. Runs on an app whose thresholds are small (3 uses, 5 rows).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.ext.asyncio import create_async_engine

from gridbase.handlers.related import with_related
from gridbase.handlers.row_query import RowQuery, compile_query
from tests.conftest import BACKEND, Api, app_instance, signed_up

USES = 3
ROWS = [["Code", "Name", "Amount", "Due"], ["a", "river one", "5", "2024-01-02"],
        ["b", "stone", "12.5", "2023-05-01"], ["c", "River two", "", "2025-03-04"],
        ["d", "cloud", "7", ""], ["e", "north", "99", "2024-06-07"],
        ["f", "", "1", "2022-01-01"]]


@pytest.fixture
async def eager(app: Any, database_url: str, tmp_path: Path
                ) -> AsyncIterator[tuple[Api, Any]]:
    """A second app on the test database (migrated by the first) that indexes after 3
    uses on 5 rows or more."""
    async with app_instance(database_url, tmp_path, auto_index_uses=USES,
                            auto_index_min_rows=5) as instance, signed_up(instance) as user:
        yield user, instance.state.services


async def _indexes(database_url: str, table_id: int) -> set[str]:
    """Index names from the catalogue (SQLAlchemy's inspector skips expression indexes)."""
    query = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
             if BACKEND == "sqlite" else
             "SELECT indexname FROM pg_indexes WHERE tablename = :t")
    engine = create_async_engine(database_url)
    async with engine.connect() as conn:
        names = set((await conn.scalars(sa.text(query),
                                        {"t": f"database_table_{table_id}"})).all())
    await engine.dispose()
    return {str(n) for n in names if n}


async def _table(api: Api) -> tuple[int, dict[str, dict[str, Any]]]:
    table = await api.table(data=ROWS)
    fields = {f["name"]: f for f in await api.fields(table["id"])}
    await api.ok("PATCH", f"/api/database/fields/{fields['Amount']['id']}/",
                 json={"type": "number", "number_decimal_places": 1})
    await api.ok("PATCH", f"/api/database/fields/{fields['Due']['id']}/",
                 json={"type": "date", "date_format": "ISO"})
    return table["id"], {f["name"]: f for f in await api.fields(table["id"])}


async def _list(api: Api, table_id: int, params: dict[str, str]) -> list[Any]:
    body = await api.rows(table_id, user_field_names="true", **params)
    return [(r["id"], r["Name"], r["Amount"], r["Due"]) for r in body["results"]]


LISTINGS = {
    "range": {"filter__Amount__higher_than": "6"},
    "contains": {"filter__Name__contains": "river"},
    "dates": {"filter__Due__date_is_after": "UTC?2023-01-01?exact_date"},
    "day": {"filter__Due__date_is": "UTC?2024-01-02?exact_date"},
    "range_sorted": {"filter__Amount__higher_than": "6", "filter__Amount__lower_than": "50",
                     "order_by": "-Amount"},
    "sorted": {"order_by": "-Amount,Name"},
}


async def test_often_used_fields_get_indexes_and_results_stay(
        eager: tuple[Api, Any], database_url: str) -> None:
    api, services = eager
    table_id, fields = await _table(api)
    name, amount, due = (f"field_{fields[n]['id']}" for n in ("Name", "Amount", "Due"))
    before = {key: await _list(api, table_id, params) for key, params in LISTINGS.items()}
    await services.indexes.settle()
    # One use each so far (Amount is used by three listings, so it may have one already).
    assert not {n for n in await _indexes(database_url, table_id)
                if name in n or due in n}
    for _ in range(USES - 1):
        for params in LISTINGS.values():
            await _list(api, table_id, params)
    await services.indexes.settle()
    found = await _indexes(database_url, table_id)
    prefix = f"idx_t{table_id}_"
    assert f"{prefix}{due}_sort" in found
    if BACKEND == "postgresql":
        assert {f"{prefix}{amount}_sort", f"{prefix}{name}_trgm",
                f"{prefix}{name}_lower"} <= found
    else:
        # SQLite sorts numbers by CAST(... AS REAL); it has no index for contains, nor for
        # wide ranges, and its lower() is gridbase's own function, which no index may use.
        assert f"{prefix}{amount}_real" in found
        assert not {f"{prefix}{amount}_sort", f"{prefix}{name}_trgm",
                    f"{prefix}{name}_lower"} & found
    after = {key: await _list(api, table_id, params) for key, params in LISTINGS.items()}
    assert after == before
    assert [n for _, n, _, _ in after["contains"]] == ["river one", "River two"]
    assert [n for _, n, _, _ in after["range_sorted"]] == ["stone", "cloud"]
    await api.ok("DELETE", f"/api/database/fields/{fields['Amount']['id']}/")
    await api.ok("DELETE", f"/api/database/fields/{fields['Name']['id']}/")
    left = await _indexes(database_url, table_id)
    assert not {n for n in left if amount in n or name in n}
    assert f"{prefix}{due}_sort" in left


async def test_small_tables_and_rare_uses_get_none(eager: tuple[Api, Any],
                                                   database_url: str) -> None:
    api, services = eager
    small = await api.table(data=[["Name"], ["a"], ["b"]])
    for _ in range(USES * 2):
        await api.rows(small["id"], order_by="field_" + str(
            (await api.fields(small["id"]))[0]["id"]))
    table_id, _fields = await _table(api)
    for _ in range(USES - 1):
        await _list(api, table_id, LISTINGS["range"])
    await services.indexes.settle()
    assert not {n for n in await _indexes(database_url, small["id"]) if "_field_" in n}
    assert not {n for n in await _indexes(database_url, table_id) if "_field_" in n}


async def test_saved_view_filters_and_sorts_index_at_once(eager: tuple[Api, Any],
                                                          database_url: str) -> None:
    api, services = eager
    table_id, fields = await _table(api)
    view = await api.ok("POST", f"/api/database/views/table/{table_id}/",
                        json={"name": "Grid", "type": "grid"})
    await api.ok("POST", f"/api/database/views/{view['id']}/filters/",
                 json={"field": fields["Due"]["id"], "type": "date_is_on_or_before",
                       "value": "UTC?2024-06-07?exact_date"})
    await api.ok("POST", f"/api/database/views/{view['id']}/filters/",
                 json={"field": fields["Name"]["id"], "type": "equal", "value": "north"})
    await api.ok("POST", f"/api/database/views/{view['id']}/sortings/",
                 json={"field": fields["Amount"]["id"], "order": "DESC"})
    await services.indexes.settle()
    found = await _indexes(database_url, table_id)
    amount_kind = "real" if BACKEND == "sqlite" else "sort"
    due = f"idx_t{table_id}_field_{fields['Due']['id']}_sort"
    assert {f"idx_t{table_id}_field_{fields['Name']['id']}_sort",
            f"idx_t{table_id}_field_{fields['Amount']['id']}_{amount_kind}"} <= found
    assert (due in found) == (BACKEND == "postgresql")  # a range: not on SQLite
    rows = await api.rows(table_id, view_id=str(view["id"]), user_field_names="true")
    assert [r["Name"] for r in rows["results"]] == ["north"]


async def test_indexes_survive_conversions_that_still_use_them(
        eager: tuple[Api, Any], database_url: str) -> None:
    api, services = eager
    table_id, fields = await _table(api)
    amount = fields["Amount"]
    for _ in range(USES):
        await _list(api, table_id, {"filter__Amount__equal": "5", "order_by": "Amount"})
    await services.indexes.settle()
    prefix = f"idx_t{table_id}_field_{amount['id']}"
    assert f"{prefix}_sort" in await _indexes(database_url, table_id)
    await api.ok("PATCH", f"/api/database/fields/{amount['id']}/", json={"type": "text"})
    found = await _indexes(database_url, table_id)
    assert f"{prefix}_sort" in found  # `equal` on text compares the column too
    assert f"{prefix}_real" not in found  # text does not sort by a number key
    await api.ok("PATCH", f"/api/database/fields/{amount['id']}/",
                 json={"type": "number", "number_decimal_places": 1})
    assert f"{prefix}_sort" in await _indexes(database_url, table_id)
    rows = await _list(api, table_id, {"filter__Amount__higher_than": "6"})
    assert sorted(r[2] for r in rows) == ["12.5", "7.0", "99.0"]


async def _plan(services: Any, table_id: int, query: RowQuery, count: bool = False) -> str:
    """The database's plan for the listing's SQL (sequential scans discouraged on
    PostgreSQL: a six-row table would never be read through an index otherwise)."""
    async with services.db.read() as conn:
        table = await with_related(services.schemas, conn,
                                   await services.schemas.get(conn, table_id))
        compiled = compile_query(table, query, services.db.dialect)
        if count:
            statement = sa.select(sa.func.count()).select_from(table.sa_table)
            where = compiled.where
        else:
            statement = sa.select(table.sa_table).order_by(
                *compiled.order_by, table.sa_table.c.order, table.sa_table.c.id).limit(100)
            where = compiled.page_where
        if where is not None:
            statement = statement.where(where)
        # Rendered with named parameters, re-bound with their types so that values go
        # through the same conversions as in a listing.
        dialect = (SQLiteDialect if BACKEND == "sqlite" else PGDialect)(paramstyle="named")
        rendered = statement.compile(dialect=dialect)
        values = rendered.construct_params()
        params = [sa.bindparam(name, values[name], type_=bind.type)
                  for bind, name in rendered.bind_names.items()]
        explain = "EXPLAIN QUERY PLAN " if BACKEND == "sqlite" else "EXPLAIN "
        text = sa.text(explain + str(rendered)).bindparams(*params)
        if BACKEND == "sqlite":
            rows = (await conn.execute(text)).all()
            return "\n".join(str(row[-1]) for row in rows)
        await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = (await conn.execute(text)).all()
        return "\n".join(str(row[0]) for row in rows)


async def test_the_filter_and_sort_sql_can_use_the_indexes(
        eager: tuple[Api, Any]) -> None:
    """The SQL the filters and sorts generate matches the indexes' expressions (an
    expression wrapped differently would silently leave an index unused)."""
    api, services = eager
    table_id, fields = await _table(api)
    name, amount = (f"field_{fields[n]['id']}" for n in ("Name", "Amount"))
    sorted_range = RowQuery(user_field_names=True, order_by="-Amount", filter_params=[
        ("filter__Amount__higher_than", "6"), ("filter__Amount__lower_than", "50")])
    contains = RowQuery(user_field_names=True,
                        filter_params=[("filter__Name__contains", "river")])
    by_name = RowQuery(user_field_names=True, order_by="Name")
    for _ in range(USES):
        for query in (sorted_range, contains, by_name):
            await _list(api, table_id, {k: v for k, v in query.filter_params}
                        | ({"order_by": query.order_by} if query.order_by else {}))
    await services.indexes.settle()
    prefix = f"idx_t{table_id}_"
    if BACKEND == "sqlite":
        assert f"{prefix}{amount}_real" in await _plan(services, table_id, sorted_range)
        return
    assert f"{prefix}{amount}_sort" in await _plan(services, table_id, sorted_range)
    assert f"{prefix}{name}_trgm" in await _plan(services, table_id, contains, count=True)
    assert f"{prefix}{name}_lower" in await _plan(services, table_id, by_name)


async def test_statistics_of_a_new_index_are_read_in_full(
        eager: tuple[Api, Any], database_url: str) -> None:
    """Once an automatic index is built its table's planner statistics are read in
    full: on SQLite a sample of an index on a column of few values (its first entries,
    which all share one) made the planner take that index for a very selective one; on
    PostgreSQL the table is analyzed after the build."""
    api, services = eager
    table = await api.table(data=[["Name", "Level"],
                                  *[[f"row {i}", str(i % 3)] for i in range(3000)]])
    level = {f["name"]: f for f in await api.fields(table["id"])}["Level"]
    await api.ok("PATCH", f"/api/database/fields/{level['id']}/",
                 json={"type": "number", "number_decimal_places": 0})
    for _ in range(USES):
        await api.rows(table["id"], order_by=f"field_{level['id']}")
    await services.indexes.settle()
    engine = create_async_engine(database_url)
    async with engine.connect() as conn:
        if BACKEND == "sqlite":
            stat = await conn.scalar(sa.text("SELECT stat FROM sqlite_stat1 WHERE idx = :i"), {
                "i": f"idx_t{table['id']}_field_{level['id']}_real"})
            assert stat == "3000 1000"
        else:
            distinct = await conn.scalar(sa.text(
                "SELECT n_distinct FROM pg_stats WHERE tablename = :t AND attname = :c"),
                {"t": f"database_table_{table['id']}", "c": f"field_{level['id']}"})
            assert distinct == 3
    await engine.dispose()


async def test_an_equality_with_a_sort_gets_a_two_column_index(
        eager: tuple[Api, Any], database_url: str) -> None:
    """A listing that keeps one value of a field and sorts by another gets an index led
    by the first, then the sort's key, which the page's SQL can use; results stay, and
    the index goes with either field."""
    api, services = eager
    table_id, fields = await _table(api)
    name, amount = (f"field_{fields[n]['id']}" for n in ("Name", "Amount"))
    params = {"filter__Name__equal": "stone", "order_by": "-Amount"}
    query = RowQuery(user_field_names=True, order_by="-Amount",
                     filter_params=[("filter__Name__equal", "stone")])
    before = await _list(api, table_id, params)
    for _ in range(USES):
        await _list(api, table_id, params)
    await services.indexes.settle()
    kind = "real" if BACKEND == "sqlite" else "sort"
    two_columns = f"idx_t{table_id}_{name}_then_{amount}_{kind}"
    assert two_columns in await _indexes(database_url, table_id)
    assert await _list(api, table_id, params) == before == [
        (before[0][0], "stone", "12.5", "2023-05-01")]
    if BACKEND == "sqlite":  # PostgreSQL reads six rows its own way, index or not
        assert two_columns in await _plan(services, table_id, query)
    await api.ok("DELETE", f"/api/database/fields/{fields['Amount']['id']}/")
    assert not {n for n in await _indexes(database_url, table_id) if "_then_" in n}
    # Led by the other field: deleting the leading field drops it too.
    for _ in range(USES):
        page = await api.rows(table_id, user_field_names="true", filter__Name__equal="stone",
                              order_by="Due")
        assert [r["Code"] for r in page["results"]] == ["b"]
    await services.indexes.settle()
    due = f"field_{fields['Due']['id']}"
    assert f"idx_t{table_id}_{name}_then_{due}_sort" in await _indexes(database_url, table_id)
    await api.ok("DELETE", f"/api/database/fields/{fields['Name']['id']}/")
    assert not {n for n in await _indexes(database_url, table_id) if "_then_" in n}
