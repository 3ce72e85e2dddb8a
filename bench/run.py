"""`make bench`: gridbase and the floor side by side, on SQLite and PostgreSQL.

Every scenario is bounded in time and request count; all traffic goes to 127.0.0.1.
Results go to bench/results/<date>-<backend>.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.dataset import Dataset, build_dataset, load_rows, row_values
from bench.load import LoadResult, run_load
from bench.servers import Server, floor_command, gridbase_command, running

RESULTS = Path(__file__).parent / "results"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


async def _scenario(server: Server, name: str, call: Callable[[httpx.AsyncClient, int],
                    Awaitable[bool]], args: argparse.Namespace, items: int = 1,
                    max_requests: int | None = None) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as http:
        sampler = asyncio.create_task(_sample(server))
        result: LoadResult = await run_load(
            lambda i: call(http, i), concurrency=args.concurrency, seconds=args.seconds,
            max_requests=max_requests or args.max_requests, items_per_request=items)
        sampler.cancel()
    summary = {"scenario": name, **result.summary(), "peak_rss_mb": round(server.peak_rss_mb, 1)}
    print(f"  {name:<28} {summary['requests_per_s']:>9} req/s {summary['items_per_s']:>10} "
          f"items/s p50 {summary['p50_ms']:>8} ms p99 {summary['p99_ms']:>8} ms "
          f"errors {summary['errors']}")
    return summary


async def _sample(server: Server) -> None:
    while True:
        server.sample_rss()
        await asyncio.sleep(0.2)


def _ok(status: int) -> bool:
    return status in (200, 204)


def _row_scenarios(ds: Dataset, rows: int) -> dict[str, tuple[Callable[..., Any], int]]:
    headers = ds.headers
    base = f"/api/database/rows/table/{ds.table_id}/"
    rng = random.Random(3)
    pages = max(1, rows // 100)

    async def list_page(http: httpx.AsyncClient, i: int) -> bool:
        r = await http.get(base, params={"size": 100, "page": i % pages + 1}, headers=headers)
        return _ok(r.status_code)

    async def list_page_names(http: httpx.AsyncClient, i: int) -> bool:
        r = await http.get(base, params={"size": 100, "page": i % pages + 1,
                                         "user_field_names": "true"}, headers=headers)
        return _ok(r.status_code)

    async def get_one(http: httpx.AsyncClient, i: int) -> bool:
        r = await http.get(f"{base}{i % rows + 1}/", headers=headers)
        return _ok(r.status_code)

    async def create_one(http: httpx.AsyncClient, i: int) -> bool:
        r = await http.post(base, params={"user_field_names": "true"},
                            json=row_values(rng, 1000), headers=headers)
        return _ok(r.status_code)

    async def batch_create(http: httpx.AsyncClient, i: int) -> bool:
        r = await http.post(f"{base}batch/", params={"user_field_names": "true"},
                            json={"items": [row_values(rng, 1000) for _ in range(200)]},
                            headers=headers)
        return _ok(r.status_code)

    async def batch_update(http: httpx.AsyncClient, i: int) -> bool:
        start = (i * 200) % max(1, rows - 200) + 1
        items = [{"id": start + k, "Amount": f"{rng.uniform(0, 999):.2f}", "Active": True}
                 for k in range(200)]
        r = await http.patch(f"{base}batch/", params={"user_field_names": "true"},
                             json={"items": items}, headers=headers)
        return _ok(r.status_code)

    return {"list_100": (list_page, 100), "list_100_user_field_names": (list_page_names, 100),
            "get_one": (get_one, 1), "create_one": (create_one, 1),
            "batch_create_200": (batch_create, 200), "batch_update_200": (batch_update, 200)}


def _big_scenarios(ds: Dataset) -> dict[str, tuple[Callable[..., Any], int]]:
    headers = ds.headers
    base = f"/api/database/rows/table/{ds.table_id}/"
    filtered = {
        "user_field_names": "true", "size": 100, "order_by": "-Amount,Name",
        "filter__Amount__higher_than": "100", "filter__Amount__lower_than": "600",
        "filter__Name__contains": "river",
        "filter__Status__single_select_equal": str(ds.options.get("open", 0)),
        "filter__Due__date_is_after": "UTC?2021-01-01?exact_date",
        "filter__Due__date_is_before": "UTC?2025-12-31?exact_date",
    }

    async def filtered_sorted(http: httpx.AsyncClient, i: int) -> bool:
        r = await http.get(base, params=filtered, headers=headers)
        return _ok(r.status_code)

    async def search(http: httpx.AsyncClient, i: int) -> bool:
        r = await http.get(base, params={"search": "cedar 4", "size": 100}, headers=headers)
        return _ok(r.status_code)

    return {"filtered_sorted_page": (filtered_sorted, 100), "search": (search, 100)}


async def _warm_up(server: Server, scenarios: dict[str, tuple[Callable[..., Any], int]],
                   uses: int = 25, settle_s: float = 20.0) -> float:
    """What a table in use has had before it is measured: its first search builds the
    search index (tens of seconds on a million rows), and repeated filters and sorts
    trigger the automatic indexes, built in the background (given `settle_s`)."""
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=server.base_url, timeout=900) as http:
        for call, _ in scenarios.values():
            for i in range(uses):
                await call(http, i)
    await asyncio.sleep(settle_s)
    seconds = round(time.perf_counter() - started, 1)
    print(f"  warmed up in {seconds} s")
    return seconds


async def _bench_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {"backend": backend, "date": date.today().isoformat(),
                              "rows": args.rows, "big_rows": args.big_rows, "scenarios": []}
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
                scenarios = _row_scenarios(ds, args.rows)
                for name, (call, items) in scenarios.items():
                    report["scenarios"].append(
                        await _scenario(server, name, call, args, items))
                table = f"database_table_{ds.table_id}"
            with running(floor_command(url, table), {}, "/health/") as floor:
                print(f"[{backend}] floor pid {floor.process.pid}")
                floor_ds = Dataset(floor.base_url, ds.jwt, ds.table_id, ds.customers_id,
                                   ds.fields, ds.options)
                plain = {f"field_{ds.fields[k]}": v for k, v in row_values(
                    random.Random(1), 1000).items() if k not in ("Status", "Customer")}
                floor_calls = _row_scenarios(floor_ds, args.rows)

                async def floor_batch(http: httpx.AsyncClient, i: int) -> bool:
                    r = await http.post(f"/api/database/rows/table/{ds.table_id}/batch/",
                                        json={"items": [plain] * 200})
                    return _ok(r.status_code)

                report["floor"] = [
                    await _scenario(floor, "floor list_100", floor_calls["list_100"][0], args,
                                    100),
                    await _scenario(floor, "floor batch_create_200", floor_batch, args, 200),
                ]
            if args.big_rows:
                with running(gridbase_command(), env, "/api/_health/") as server:
                    big = await asyncio.to_thread(build_dataset, server.base_url)
                    started = time.perf_counter()
                    rate = await asyncio.to_thread(load_rows, big, args.big_rows)
                    report["big_load"] = {"rows": args.big_rows, "rows_per_s": round(rate, 1),
                                          "seconds": round(time.perf_counter() - started, 1),
                                          "peak_rss_mb": round(server.sample_rss(), 1)}
                    print(f"  loaded {args.big_rows} rows at {rate:.0f} rows/s")
                    report["big_warm_up_s"] = await _warm_up(server, _big_scenarios(big))
                    for name, (call, items) in _big_scenarios(big).items():
                        report["scenarios"].append(await _scenario(
                            server, name, call, args, items, max_requests=args.big_requests))
        finally:
            await cleanup()
    _ratios(report)
    return report


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
             "| scenario | req/s | items/s | p50 ms | p99 ms | errors | peak RSS MB | "
             "ratio to floor |", "|---|---|---|---|---|---|---|---|"]
    for s in report["scenarios"] + report.get("floor", []):
        lines.append(f"| {s['scenario']} | {s['requests_per_s']} | {s['items_per_s']} | "
                     f"{s['p50_ms']} | {s['p99_ms']} | {s['errors']} | {s['peak_rss_mb']} | "
                     f"{s.get('floor_ratio', '')} |")
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
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    for backend in args.backends.split(","):
        report = asyncio.run(_bench_backend(backend, args))
        stem = RESULTS / f"{report['date']}-{backend}"
        stem.with_suffix(".json").write_text(json.dumps(report, indent=2))
        stem.with_suffix(".md").write_text(_markdown(report))
        print(_markdown(report))


if __name__ == "__main__":
    main()
