"""Filtered, sorted and searched pages of a 1,000,000-row table, over HTTP.

The table's schema is made through gridbase's API; its rows are then generated inside
the database with one INSERT ... SELECT (the batch-API load is measured by `bench.run`),
so this script measures only the query side. Bounded: a fixed number of requests.

Rows written behind gridbase's back are not in the table's search index, so the script
drops the index after the load, as for a table made before indexes existed; the first
search builds it again (`search_index_build_s`, one request) before search is measured.

Each query is timed twice: on the bare table, then after `--warm-up` more requests
of each kind (gridbase indexes a field after 20 filter or sort uses on a table of 10,000
rows or more) once the background index builds are done. The indexes found are listed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from bench.dataset import build_dataset
from bench.run import RESULTS, _database
from bench.servers import gridbase_command, running
from bench.settle import settled_indexes
from gridbase.storage.search_index import drop_index

WORD_SQL = "('alpha','beta','gamma','delta','omega','north','south','river','stone','cloud')"


def _fill_sql(dialect: str, table: str, f: dict[str, int], options: list[int], rows: int
              ) -> str:
    o = options
    if dialect == "postgresql":
        return f"""
INSERT INTO {table} ("order", created_on, updated_on, field_{f['Name']}, field_{f['Notes']},
  field_{f['Amount']}, field_{f['Active']}, field_{f['Due']}, field_{f['Status']},
  field_{f['Rating']}, field_{f['Email']}, field_{f['Code']})
SELECT g, now(), now(),
  (ARRAY{list(WORD_SQL[1:-1].replace("'", "").split(","))})[1 + g % 10] || ' '
    || (ARRAY{list(WORD_SQL[1:-1].replace("'", "").split(","))})[1 + (g / 10) % 10] || ' ' || g,
  'notes ' || g, round(((g::bigint * 7919) % 100000) / 100.0, 2), g % 2 = 0,
  DATE '2020-01-01' + (g % 2500), (ARRAY{o})[1 + g % {len(o)}], g % 6,
  'user' || g || '@example.com', 'C-' || lpad((g % 1000000)::text, 6, '0')
FROM generate_series(1, {rows}) AS g"""
    words = WORD_SQL[1:-1].replace("'", "").split(",")
    word_case = " ".join(f"WHEN {i} THEN '{w}'" for i, w in enumerate(words))
    option_case = " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(o))
    return f"""
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {rows})
INSERT INTO {table} ("order", created_on, updated_on, field_{f['Name']}, field_{f['Notes']},
  field_{f['Amount']}, field_{f['Active']}, field_{f['Due']}, field_{f['Status']},
  field_{f['Rating']}, field_{f['Email']}, field_{f['Code']})
SELECT n, '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000',
  (CASE n % 10 {word_case} END) || ' ' || (CASE (n / 10) % 10 {word_case} END) || ' ' || n,
  'notes ' || n, round(((n * 7919) % 100000) / 100.0, 2), n % 2 = 0,
  date('2020-01-01', '+' || (n % 2500) || ' days'), CASE n % {len(o)} {option_case} END,
  n % 6, 'user' || n || '@example.com', 'C-' || substr('000000' || (n % 1000000), -6)
FROM g"""


async def _fill(url: str, sql: str, table_id: int) -> float:
    engine = create_async_engine(url)
    started = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(sa.text(sql))
        await drop_index(conn, table_id)
    await engine.dispose()
    return time.perf_counter() - started


def _timed(http: httpx.Client, path: str, params: dict[str, Any], count: int,
           before_each: Callable[[], None] | None = None) -> dict[str, Any]:
    """Latencies of `count` identical requests (`first_ms`: the first alone, which
    counts afresh); `before_each` runs untimed before every request."""
    latencies = []
    total = None
    for _ in range(count):
        if before_each is not None:
            before_each()
        started = time.perf_counter()
        response = http.get(path, params=params)
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        total = response.json().get("count")
    ordered = sorted(latencies)
    return {"first_ms": round(latencies[0], 1),
            "p50_ms": round(statistics.median(ordered), 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 1),
            "requests": count, "count": total}


async def bench(backend: str, rows: int, requests: int, warm_up: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = await _database(backend, Path(tmp))
        # The first search builds the index inline (timed), as on a small table.
        env = {"GRIDBASE_DATA_DIR": str(Path(tmp) / "data"), "GRIDBASE_DATABASE_URL": url,
               "GRIDBASE_SEARCH_INDEX_SYNC_ROWS": str(10**9)}
        try:
            with running(gridbase_command(), env, "/api/_health/") as server:
                ds = await asyncio.to_thread(build_dataset, server.base_url, 10)
                table = f"database_table_{ds.table_id}"
                fill_seconds = await _fill(url, _fill_sql(
                    backend, table, ds.fields, list(ds.options.values()), rows), ds.table_id)
                base = f"/api/database/rows/table/{ds.table_id}/"
                queries: dict[str, dict[str, Any]] = {
                    "filtered_sorted_page": {
                        "user_field_names": "true", "size": 100, "order_by": "-Amount,Name",
                        "filter__Amount__higher_than": "100",
                        "filter__Amount__lower_than": "600",
                        "filter__Name__contains": "river",
                        "filter__Status__single_select_equal": str(ds.options["open"]),
                        "filter__Due__date_is_after": "UTC?2021-01-01?exact_date",
                        "filter__Due__date_is_before": "UTC?2025-12-31?exact_date"},
                    "filtered_sorted_page_no_count": {
                        "user_field_names": "true", "size": 100, "order_by": "-Amount,Name",
                        "filter__Amount__higher_than": "100", "exclude_count": "true",
                        "filter__Name__contains": "river"},
                    "search": {"search": "river stone", "size": 100},
                    "search_compat_one_row": {"search": "user4242@", "size": 100,
                                              "search_mode": "compat"},
                    "search_two_characters": {"search": "9@", "size": 100},
                    "plain_page_100": {"size": 100, "page": 5000},
                }
                # The first page without its count: what the count cache can get down to.
                queries["filtered_sorted_page_exclude_count"] = {
                    **queries["filtered_sorted_page"], "exclude_count": "true"}
                results: dict[str, Any] = {"backend": backend, "rows": rows,
                                           "date": date.today().isoformat(),
                                           "fill_seconds": round(fill_seconds, 1)}
                with httpx.Client(base_url=server.base_url, headers=ds.headers,
                                  timeout=1800) as http:
                    started = time.perf_counter()
                    http.get(base, params={"search": "index", "size": 1}).raise_for_status()
                    results["search_index_build_s"] = round(time.perf_counter() - started, 1)
                    print(backend, "search index built in", results["search_index_build_s"])
                    for name, params in queries.items():
                        results[f"{name}_before_indexes"] = _timed(http, base, params, requests)
                        print(backend, name, "before", results[f"{name}_before_indexes"])
                    started = time.perf_counter()
                    for params in queries.values():
                        _timed(http, base, params, warm_up)
                    results["indexes"] = await settled_indexes(url, table)
                    results["warm_up_and_index_seconds"] = round(
                        time.perf_counter() - started, 1)
                    print(backend, "indexes", results["indexes"])
                    for name, params in queries.items():
                        results[name] = _timed(http, base, params, requests)
                        print(backend, name, results[name])
                    # A table being edited: every listing follows a write, so every
                    # count is a miss of the count cache.
                    edits = iter(range(10**9))

                    def write() -> None:
                        http.patch(f"{base}1/", params={"user_field_names": "true"},
                                   json={"Notes": f"edited {next(edits)}"}
                                   ).raise_for_status()

                    name = "filtered_sorted_page_after_a_write"
                    results[name] = _timed(http, base, queries["filtered_sorted_page"],
                                           requests, before_each=write)
                    print(backend, name, results[name])
                results["peak_rss_mb"] = round(server.sample_rss(), 1)
                return results
        finally:
            await cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--warm-up", type=int, default=20,
                        help="requests of each query before the second timing")
    parser.add_argument("--tag", default="", help="added to the results file's name")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    for backend in args.backends.split(","):
        result = asyncio.run(bench(backend, args.rows, args.requests, args.warm_up))
        tag = f"-{args.tag}" if args.tag else ""
        out = RESULTS / f"{result['date']}-{backend}-big-query{tag}.json"
        out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
