"""The search index build over a big table with a link field, and the first search on it.

The Orders table of `bench.dataset` (ten fields, one a link to a 1,000-row Customers
table) is made through gridbase's API; its rows are then generated inside the database
(`bench.big_query`'s INSERT ... SELECT) and so are their links, straight into the join
table: nine rows in ten link one customer, every third row a second one. Generated rows
bypass the search index, which is dropped, as for a table made before indexes existed.
The tables are then analyzed, as autovacuum would soon after (`--no-analyze`: not, as
right after a load, when PostgreSQL plans from default estimates).

Measured, in this order:

- `build_s`: the index build itself, in this process, as a search that builds it inline
  does it (lock, side table, trigram index, record); `--explain` first prints the
  PostgreSQL plan of the rows' text over the first `--explain-rows` rows (EXPLAIN
  ANALYZE), to see where the time goes;
- the first search over HTTP with the index dropped again: `first_search_ms` (it scans
  while the index is built in the background, or waits for an inline build when the
  table is below GRIDBASE_SEARCH_INDEX_SYNC_ROWS), a page without its count asked a
  second after it (`page_during_build_ms`), then a row write (`write_during_build_ms`:
  writers wait for the build's lock; `write_done_s` after the first search started),
  the time from the first search until the index is ready (`index_ready_s`, polled
  once the first search and the write are done), searches right after
  (`early_search_ms`: on PostgreSQL the trigram index is still being built
  concurrently), the time from the first search until the trigram index is there
  (`trigram_ready_s`) and searches after that (`indexed_search_ms`).

Bounded: one build, a handful of requests, and a wait of at most `--limit` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bench.big_query import _fill_sql
from bench.dataset import build_dataset
from bench.run import RESULTS, _database
from bench.servers import gridbase_command, running
from gridbase.config import load_settings
from gridbase.fields.link_relation import relation_of
from gridbase.handlers import search
from gridbase.handlers.related import with_related
from gridbase.handlers.services import Services
from gridbase.storage import schema as meta
from gridbase.storage import search_index
from gridbase.storage.engine import Database


def _links_sql(dialect: str, relation: str, own: str, other: str, rows_table: str,
               customers_table: str, customers: int) -> list[str]:
    """Nine rows in ten link a customer; every third row links a second one."""
    ignore = "INSERT OR IGNORE" if dialect == "sqlite" else "INSERT"
    conflict = "" if dialect == "sqlite" else " ON CONFLICT DO NOTHING"
    first = f"(SELECT min(id) FROM {customers_table})"
    return [
        f'INSERT INTO "{relation}" ("{own}", "{other}") SELECT r.id, {first} + '
        f"(r.id * 7) % {customers} FROM {rows_table} r WHERE r.id % 10 <> 0",
        f'{ignore} INTO "{relation}" ("{own}", "{other}") SELECT r.id, {first} + '
        f"(r.id * 13 + 5) % {customers} FROM {rows_table} r WHERE r.id % 3 = 0{conflict}",
    ]


async def _link_relation(conn: AsyncConnection, field_id: int) -> tuple[str, str, str]:
    """The Customer field's join table and its own and other columns."""
    from gridbase.fields.model import FieldSpec

    row = (await conn.execute(sa.select(meta.fields).where(meta.fields.c.id == field_id))
           ).mappings().one()
    spec = FieldSpec(id=row["id"], table_id=row["table_id"], name=row["name"],
                     type=row["type"], order=row["order"], primary=row["primary"],
                     description=row["description"], db_index=row["db_index"],
                     props=dict(row["props"] or {}))
    relation = relation_of(spec)
    return str(relation.table.name), relation.own, relation.other


async def _fill(url: str, backend: str, ds: Any, rows: int, customers: int,
                analyze: bool = True) -> float:
    engine = create_async_engine(url)
    table = f"database_table_{ds.table_id}"
    started = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(sa.text(_fill_sql(backend, table, ds.fields,
                                             list(ds.options.values()), rows)))
        relation, own, other = await _link_relation(conn, ds.fields["Customer"])
        for statement in _links_sql(backend, relation, own, other, table,
                                    f"database_table_{ds.customers_id}", customers):
            await conn.execute(sa.text(statement))
        await search_index.drop_index(conn, ds.table_id)
    if analyze:  # as autovacuum would, some time after such a load
        async with engine.begin() as conn:
            for name in (table, relation):
                await conn.execute(sa.text(f'ANALYZE "{name}"'))
    await engine.dispose()
    return time.perf_counter() - started


async def _explain(db: Database, svc: Services, table_id: int, limit: int) -> None:
    async with db.read() as conn:
        table = await with_related(svc.schemas, conn, await svc.schemas.get(conn, table_id))
        query = search.index_rows(table, db.dialect).where(table.sa_table.c.id <= limit)
        compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN ANALYZE " if db.dialect == "postgresql" else "EXPLAIN QUERY PLAN "
        started = time.perf_counter()
        plan = (await conn.execute(sa.text(prefix + str(compiled)))).all()
        print(f"-- {limit} rows, {time.perf_counter() - started:.2f} s")
        print("\n".join(str(row[-1]) for row in plan))


async def _build(url: str, data_dir: Path, table_id: int, explain_rows: int) -> float:
    """One inline build, as `search.build_index` does it for a small table."""
    settings = load_settings(data_dir=data_dir, database_url=url, secret_key="bench",
                             search_index_sync_rows=10**9)
    db = Database(url)
    svc = Services(settings=settings, db=db)
    try:
        if explain_rows:
            await _explain(db, svc, table_id, explain_rows)
        started = time.perf_counter()
        if not await search.build_index(svc, table_id):
            raise RuntimeError("the build failed")
        return time.perf_counter() - started
    finally:
        await db.dispose()


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


async def _ready(url: str, table_id: int, limit: float, started: float) -> float:
    """Seconds from `started` until the table's index is recorded, polled every 0.2 s."""
    engine = create_async_engine(url)
    try:
        while time.perf_counter() - started < limit:
            async with engine.connect() as conn:
                found = await search_index.built_signature(conn, table_id)
                if found is not None and not search_index.building(found):
                    return round(time.perf_counter() - started, 1)
            await asyncio.sleep(0.2)
        raise RuntimeError(f"no index after {limit} s")
    finally:
        await engine.dispose()


async def _trigram_ready(url: str, table_id: int, limit: float, started: float) -> float:
    """Seconds from `started` until the side table's trigram index is valid (PostgreSQL)."""
    engine = create_async_engine(url)
    query = sa.text("SELECT i.indisvalid FROM pg_index i JOIN pg_class c "
                    "ON c.oid = i.indexrelid WHERE c.relname = :name")
    name = f"{search_index.side_table_name(table_id)}_trgm"
    try:
        while time.perf_counter() - started < limit:
            async with engine.connect() as conn:
                if await conn.scalar(query, {"name": name}):
                    return round(time.perf_counter() - started, 1)
            await asyncio.sleep(0.2)
        raise RuntimeError(f"no trigram index after {limit} s")
    finally:
        await engine.dispose()


def _timed(http: httpx.Client, method: str, path: str, params: dict[str, Any],
           body: dict[str, Any] | None = None) -> tuple[float, Any]:
    started = time.perf_counter()
    response = http.request(method, path, params=params, json=body)
    response.raise_for_status()
    return _ms(started), response.json()


def _searches(http: httpx.Client, path: str, params: dict[str, Any], count: int
              ) -> tuple[list[float], int]:
    timings = []
    total = 0
    for _ in range(count):
        started = time.perf_counter()
        response = http.get(path, params=params)
        response.raise_for_status()
        timings.append(_ms(started))
        total = response.json()["count"]
    return timings, total


async def _drop(url: str, table_id: int) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await search_index.drop_index(conn, table_id)
    await engine.dispose()


async def bench(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = await _database(backend, Path(tmp))
        data_dir = Path(tmp) / "data"
        env = {"GRIDBASE_DATA_DIR": str(data_dir), "GRIDBASE_DATABASE_URL": url,
               "GRIDBASE_AUTO_INDEX_USES": "0"}
        results: dict[str, Any] = {"backend": backend, "rows": args.rows,
                                   "date": date.today().isoformat(),
                                   "analyzed": args.analyze}
        try:
            with running(gridbase_command(), env, "/api/_health/") as server:
                ds = await asyncio.to_thread(build_dataset, server.base_url, args.customers)
                results["fill_s"] = round(await _fill(url, backend, ds, args.rows,
                                                      args.customers, args.analyze), 1)
                print(backend, "filled in", results["fill_s"], "s")
                results["build_s"] = round(await _build(url, data_dir, ds.table_id,
                                                        args.explain_rows), 1)
                print(backend, "index built in", results["build_s"], "s")
                await _drop(url, ds.table_id)
                base = f"/api/database/rows/table/{ds.table_id}/"
                params = {"search": "customer 42", "size": 100}
                with httpx.Client(base_url=server.base_url, headers=ds.headers,
                                  timeout=args.limit) as http, \
                        httpx.Client(base_url=server.base_url, headers=ds.headers,
                                     timeout=args.limit) as other:
                    first = time.perf_counter()
                    searching = asyncio.create_task(asyncio.to_thread(
                        _timed, http, "GET", base, params))
                    await asyncio.sleep(1.0)  # the build has started
                    results["page_during_build_ms"], _ = await asyncio.to_thread(
                        _timed, other, "GET", base, {**params, "exclude_count": "true"})
                    results["write_during_build_ms"], _ = await asyncio.to_thread(
                        _timed, other, "PATCH", f"{base}1/", {"user_field_names": "true"},
                        {"Notes": "edited during the build"})
                    results["write_done_s"] = round(time.perf_counter() - first, 1)
                    results["first_search_ms"], body = await searching
                    results["first_search_count"] = body["count"]
                    results["index_ready_s"] = await _ready(url, ds.table_id, args.limit, first)
                    results["early_search_ms"], _ = _searches(http, base, params, 3)
                    if backend == "postgresql":
                        results["trigram_ready_s"] = await _trigram_ready(
                            url, ds.table_id, args.limit, first)
                    results["indexed_search_ms"], results["indexed_search_count"] = \
                        _searches(http, base, params, 5)
                    edited = http.get(base, params={"search": "edited during"}).json()
                    results["write_during_build_found"] = edited["count"]
                print(backend, json.dumps(results))
        finally:
            await cleanup()
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--explain-rows", type=int, default=0,
                        help="print the plan of the rows' text over this many rows first")
    parser.add_argument("--no-analyze", dest="analyze", action="store_false",
                        help="leave the generated rows and links without statistics")
    parser.add_argument("--limit", type=float, default=900.0,
                        help="longest wait for a request or for the index, in seconds")
    parser.add_argument("--tag", default="", help="added to the results file's name")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    for backend in args.backends.split(","):
        result = asyncio.run(bench(backend, args))
        tag = f"-{args.tag}" if args.tag else ""
        out = RESULTS / f"{result['date']}-{backend}-search-build{tag}.json"
        out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
