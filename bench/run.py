"""`make bench`: gridbase and the floor side by side, on SQLite and PostgreSQL.

Every scenario is bounded in time and request count; all traffic goes to 127.0.0.1.
The timed scenarios are driven by wrk (bench/wrk.py), which leaves the CPU to the server;
building, loading and warming up the tables use httpx. Results go to
bench/results/<date>-<backend>[-<tag>].json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import asyncpg
import httpx

from bench.dataset import Dataset, build_dataset, load_rows, row_values
from bench.load import run_httpx, send
from bench.scenario import Scenario
from bench.servers import Server, floor_command, gridbase_command, running
from bench.settle import settled_indexes
from bench.wrk import finish_in_flight, run_wrk, wrk_version

RESULTS = Path(__file__).parent / "results"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


VARIANTS = 50  # distinct bodies of a write scenario (batches are ~70 KB each)
MAX_PATHS = 1000  # distinct paths of a read scenario


async def _measure(server: Server, scenario: Scenario, args: argparse.Namespace,
                   max_requests: int | None = None) -> dict[str, Any]:
    """One timed scenario; the server's peak RSS is sampled from /proc while it runs."""
    server.peak_rss_mb = server.peak_private_mb = 0.0
    server.sample_rss()
    sampler = asyncio.create_task(_sample(server))
    try:
        result = await drive(args, server.base_url, scenario,
                             max_requests or args.max_requests)
    finally:
        sampler.cancel()
    await finish_in_flight(result)
    summary = {"scenario": scenario.name, **result, "peak_rss_mb": round(server.peak_rss_mb, 1),
               "peak_private_mb": round(server.peak_private_mb, 1)}
    print(f"  {scenario.name:<28} {summary['requests_per_s']:>9} req/s "
          f"{summary['items_per_s']:>10} items/s p50 {summary['p50_ms']:>8} ms "
          f"p99 {summary['p99_ms']:>8} ms errors {summary['errors']} "
          f"client CPU {summary['client_cpu_s']} s")
    return summary


async def drive(args: argparse.Namespace, base_url: str, scenario: Scenario,
                max_requests: int) -> dict[str, float]:
    """The scenario through the chosen load generator, for `args.seconds` at most."""
    if args.load_generator == "httpx":
        return await run_httpx(base_url, scenario, concurrency=args.concurrency,
                               seconds=args.seconds, max_requests=max_requests)
    return await run_wrk(base_url, scenario, concurrency=args.concurrency,
                         seconds=args.seconds, max_requests=max_requests,
                         threads=args.wrk_threads)


def load_generator(args: argparse.Namespace) -> str:
    """What drove the load, for the results."""
    if args.load_generator == "httpx":
        return f"httpx (Python, in the bench process), {args.concurrency} connections"
    threads = "thread" if args.wrk_threads == 1 else "threads"
    return f"{wrk_version()}, {args.wrk_threads} {threads}, {args.concurrency} connections"


async def _sample(server: Server) -> None:
    while True:
        server.sample_rss()
        await asyncio.sleep(0.2)


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _spread(count: int, n: int) -> list[int]:
    """Up to `n` numbers from 1 to `count`, evenly spread."""
    n = max(1, min(n, count))
    return [k * count // n + 1 for k in range(n)]


def _list_scenario(ds: Dataset, rows: int, name: str = "list_100", **extra: str
                   ) -> Scenario:
    """Pages of 100 rows, every page of the table in turn (up to MAX_PATHS of them)."""
    base = f"/api/database/rows/table/{ds.table_id}/"
    paths = tuple(f"{base}?{urlencode({'size': 100, 'page': page, **extra})}"
                  for page in _spread(max(1, rows // 100), MAX_PATHS))
    return Scenario(name, paths, headers=ds.headers, items=100)


def _row_scenarios(ds: Dataset, rows: int) -> dict[str, Scenario]:
    """The row API scenarios on a table of `rows` rows; the write bodies vary, and
    batch updates touch rows that exist."""
    headers = ds.headers
    base = f"/api/database/rows/table/{ds.table_id}/"
    rng = random.Random(3)
    names = "?user_field_names=true"
    batch = f"{base}batch/{names}"
    updates = []
    for i in range(VARIANTS):
        start = (i * 200) % max(1, rows - 200) + 1
        updates.append(_json({"items": [
            {"id": start + k, "Amount": f"{rng.uniform(0, 999):.2f}", "Active": True}
            for k in range(200)]}))
    scenarios = [
        _list_scenario(ds, rows),
        _list_scenario(ds, rows, "list_100_user_field_names", user_field_names="true"),
        Scenario("get_one", tuple(f"{base}{i}/" for i in _spread(rows, MAX_PATHS)),
                 headers=headers),
        Scenario("create_one", (f"{base}{names}",), "POST", tuple(
            _json(row_values(rng, 1000)) for _ in range(VARIANTS)), headers=headers),
        Scenario("batch_create_200", (batch,), "POST", tuple(
            _json({"items": [row_values(rng, 1000) for _ in range(200)]})
            for _ in range(VARIANTS)), headers=headers, items=200),
        Scenario("batch_update_200", (batch,), "PATCH", tuple(updates), headers=headers,
                 items=200),
    ]
    return {s.name: s for s in scenarios}


def _big_scenarios(ds: Dataset) -> dict[str, Scenario]:
    base = f"/api/database/rows/table/{ds.table_id}/"
    filtered = {
        "user_field_names": "true", "size": 100, "order_by": "-Amount,Name",
        "filter__Amount__higher_than": "100", "filter__Amount__lower_than": "600",
        "filter__Name__contains": "river",
        "filter__Status__single_select_equal": str(ds.options.get("open", 0)),
        "filter__Due__date_is_after": "UTC?2021-01-01?exact_date",
        "filter__Due__date_is_before": "UTC?2025-12-31?exact_date",
    }
    search = {"search": "cedar 4", "size": 100}
    scenarios = [
        Scenario("filtered_sorted_page", (f"{base}?{urlencode(filtered)}",),
                 headers=ds.headers, items=100),
        Scenario("search", (f"{base}?{urlencode(search)}",), headers=ds.headers, items=100),
    ]
    return {s.name: s for s in scenarios}


def _floor_batch(ds: Dataset, rows: int = 200, name: str = "floor batch_create_200"
                 ) -> Scenario:
    """The floor's batch create: `rows` rows of the plain fields (it has no links or
    selects), varied values; one row is the floor of a single create (one INSERT in
    its transaction, like gridbase's)."""
    rng = random.Random(1)
    bodies = []
    for _ in range(VARIANTS):
        items = [{f"field_{ds.fields[k]}": v for k, v in row_values(rng, 1000).items()
                  if k not in ("Status", "Customer")} for _ in range(rows)]
        bodies.append(_json({"items": items}))
    return Scenario(name, (f"/api/database/rows/table/{ds.table_id}/batch/",), "POST",
                    tuple(bodies), items=rows)


async def scenarios_for(server: Server, ds: Dataset, rows: int, url: str,
                        wanted: Sequence[str]) -> dict[str, Scenario]:
    """The row and big-table scenarios on `ds` (a table of `rows` rows), the big ones
    among `wanted` warmed up and settled first, as the bench measures them (for the
    tools that measure chosen scenarios: `bench.ab`, `bench.profile`)."""
    big = _big_scenarios(ds)
    needed = {name: big[name] for name in wanted if name in big}
    if needed:
        await _warm_up(server, needed, url, f"database_table_{ds.table_id}")
    return {**_row_scenarios(ds, rows), **big}


async def _warm_up(server: Server, scenarios: dict[str, Scenario], url: str, table: str,
                   uses: int = 25) -> tuple[float, list[str]]:
    """What a table in use has had before it is measured: its first search builds the
    search index (tens of seconds on a million rows), and repeated filters and sorts
    trigger the automatic indexes, built in the background: measured once they are
    all built and the table analyzed (`settle`). The seconds it took, and the indexes."""
    started = time.perf_counter()
    # Searches first: building the search index bumps the table's data version (cached
    # counts must not outlive a new index), so built last it left the first scenario
    # measured to count its whole match again at its start, as no table in use does.
    ordered = sorted(scenarios.values(), key=lambda scenario: "search" not in scenario.name)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=900) as http:
        for scenario in ordered:
            for i in range(uses):
                await send(http, scenario, i)
    indexes = await settled_indexes(url, table)
    seconds = round(time.perf_counter() - started, 1)
    print(f"  warmed up in {seconds} s; indexes {indexes}")
    return seconds, indexes


async def _bench_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {"backend": backend, "date": date.today().isoformat(),
                              "rows": args.rows, "big_rows": args.big_rows,
                              "load_generator": load_generator(args),
                              "seconds_per_scenario": args.seconds, "scenarios": []}
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = await _database(backend, Path(tmp))
        # The warm-up's first search builds the index inline, as on a small table.
        env = {"GRIDBASE_DATA_DIR": str(Path(tmp) / "data"), "GRIDBASE_DATABASE_URL": url,
               "GRIDBASE_SEARCH_INDEX_SYNC_ROWS": str(10**9)}
        try:
            with running(gridbase_command(), env, "/api/_health/") as server:
                print(f"[{backend}] gridbase pid {server.process.pid}")
                ds = await asyncio.to_thread(build_dataset, server.base_url)
                rate = await asyncio.to_thread(load_rows, ds, args.rows)
                report["load_rows_per_s"] = round(rate, 1)
                print(f"  loaded {args.rows} rows at {rate:.0f} rows/s")
                table = f"database_table_{ds.table_id}"
                await _analyze(url, table)
                scenarios = _row_scenarios(ds, args.rows)
                # Reads first, then the floor's list on the very same rows (gridbase
                # idle meanwhile), then the writes, which grow the table.
                for name in READS:
                    report["scenarios"].append(await _measure(server, scenarios[name], args))
                with running(floor_command(url, table), {}, "/health/") as floor:
                    print(f"[{backend}] floor pid {floor.process.pid}")
                    floor_ds = Dataset(floor.base_url, ds.jwt, ds.table_id, ds.customers_id,
                                       ds.fields, ds.options)
                    report["floor"] = [await _measure(floor, _list_scenario(
                        floor_ds, args.rows, "floor list_100"), args)]
                for name, scenario in scenarios.items():
                    if name not in READS:
                        report["scenarios"].append(await _measure(server, scenario, args))
            with running(floor_command(url, table), {}, "/health/") as floor:
                report["floor"].append(await _measure(floor, _floor_batch(ds), args))
                report["floor"].append(await _measure(
                    floor, _floor_batch(ds, 1, "floor create_one"), args))
            if args.big_rows:
                with running(gridbase_command(), env, "/api/_health/") as server:
                    big = await asyncio.to_thread(build_dataset, server.base_url)
                    started = time.perf_counter()
                    rate = await asyncio.to_thread(load_rows, big, args.big_rows)
                    report["big_load"] = {"rows": args.big_rows, "rows_per_s": round(rate, 1),
                                          "seconds": round(time.perf_counter() - started, 1),
                                          "peak_rss_mb": round(server.sample_rss(), 1)}
                    print(f"  loaded {args.big_rows} rows at {rate:.0f} rows/s")
                    report["big_warm_up_s"], report["big_indexes"] = await _warm_up(
                        server, _big_scenarios(big), url, f"database_table_{big.table_id}")
                    # with 16 clients at once (throughput, and latency mostly queueing on
                    # 2 cores), then one client at a time (a query's own latency)
                    one_client = argparse.Namespace(**{**vars(args), "concurrency": 1})
                    for scenario in _big_scenarios(big).values():
                        report["scenarios"].append(await _measure(
                            server, scenario, args, max_requests=args.big_requests))
                        report["scenarios"].append(await _measure(
                            server, dataclasses.replace(scenario,
                                                        name=f"{scenario.name}_1_client"),
                            one_client, max_requests=args.big_requests))
        finally:
            await cleanup()
    _ratios(report)
    return report


READS = ("list_100", "list_100_user_field_names", "get_one")


async def _analyze(url: str, table: str) -> None:
    """Planner statistics for the freshly loaded table, as autovacuum (or SQLite's
    `ANALYZE`) would give it before long, for gridbase and the floor alike: without
    them PostgreSQL sorts the table for every page instead of walking its index."""
    if url.startswith("sqlite"):
        def analyze() -> None:
            with sqlite3.connect(url.split("///", 1)[1]) as conn:
                conn.execute(f'ANALYZE "{table}"')
        await asyncio.to_thread(analyze)
        return
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        await conn.execute(f'ANALYZE "{table}"')
    finally:
        await conn.close()


def _ratios(report: dict[str, Any]) -> None:
    by_name = {s["scenario"]: s for s in report["scenarios"]}
    for floor in report.get("floor", []):
        ours = by_name.get(floor["scenario"].removeprefix("floor "))
        if ours and floor["items_per_s"]:
            ours["floor_ratio"] = round(ours["items_per_s"] / floor["items_per_s"], 3)


async def _database(backend: str, tmp: Path) -> tuple[str, Callable[[], Awaitable[None]]]:
    if backend == "sqlite":
        async def nothing() -> None:
            return None
        return f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}", nothing
    name = f"gridbase_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_SERVER)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()

    async def drop() -> None:
        conn = await asyncpg.connect(PG_SERVER)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", drop


def _markdown(report: dict[str, Any]) -> str:
    lines = [f"# gridbase bench, {report['backend']}, {report['date']}", "",
             f"{report['rows']} rows (and {report['big_rows']} for the big-table scenarios); "
             f"batch load {report.get('load_rows_per_s')} rows/s.", "",
             f"Load generator: {report.get('load_generator', 'httpx')}; "
             f"{report.get('seconds_per_scenario', '')} s per scenario at most (client CPU: "
             "the load generator's CPU time during the scenario).", "",
             "| scenario | req/s | items/s | p50 ms | p99 ms | errors | peak RSS MB | "
             "peak private MB | ratio to floor | client CPU s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for s in report["scenarios"] + report.get("floor", []):
        lines.append(f"| {s['scenario']} | {s['requests_per_s']} | {s['items_per_s']} | "
                     f"{s['p50_ms']} | {s['p99_ms']} | {s['errors']} | {s['peak_rss_mb']} | "
                     f"{s.get('peak_private_mb', '')} | {s.get('floor_ratio', '')} | "
                     f"{s.get('client_cpu_s', '')} |")
    if "big_load" in report:
        big = report["big_load"]
        lines += ["", f"Full load of {big['rows']} rows through the batch API: "
                      f"{big['seconds']} s ({big['rows_per_s']} rows/s)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--big-requests", type=int, default=300)
    parser.add_argument("--load-generator", choices=["wrk", "httpx"], default="wrk",
                        help="wrk (default) leaves the CPU to the server; httpx runs here")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--tag", default="", help="added to the results files' names")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    for backend in args.backends.split(","):
        report = asyncio.run(_bench_backend(backend, args))
        tag = f"-{args.tag}" if args.tag else ""
        stem = f"{report['date']}-{backend}{tag}"
        (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2))
        (RESULTS / f"{stem}.md").write_text(_markdown(report))
        print(_markdown(report))


if __name__ == "__main__":
    main()
