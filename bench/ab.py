"""A/B of two versions of gridbase's code, or of two backends, scenarios interleaved.

`python -m bench.ab --a main --b src --scenarios create_one,batch_create_200`: each
side (a source folder holding `gridbase/`, or a git ref whose `src` is exported to a
temporary folder) gets its own `gridbase serve` process and its own database with the
bench table loaded and analyzed; then every round drives each scenario on A and on B
back to back, alternating which goes first. On a shared machine the two sides see the
same load within a round, so compare the medians and ranges printed at the end, not
figures from separate runs. Each run also reports the CPU time per request of the server
process and (on PostgreSQL) of its database's backends (from /proc), which other load
on the machine disturbs much less than rates and latencies. `--backend sqlite` gives
each side its own SQLite file; `--a-backend postgresql --b-backend sqlite` (with the
same code on both sides) compares the backends side by side, which runs of `bench.run`
minutes apart cannot do on a machine whose speed drifts. Nothing is written to
`results/`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import asyncpg

from bench.dataset import build_dataset, load_rows
from bench.run import _analyze, _database, scenarios_for
from bench.servers import gridbase_command, process_cpu_seconds, running
from bench.wrk import finish_in_flight, run_wrk

ROOT = Path(__file__).resolve().parent.parent


def _source(spec: str, tmp: Path, name: str) -> Path:
    """A folder to put on PYTHONPATH: `spec` itself, or git ref `spec`'s `src`."""
    folder = Path(spec)
    if (folder / "gridbase").is_dir():
        return folder.resolve()
    target = tmp / name
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", spec, "src"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def _imports_from(env: dict[str, str], folder: Path) -> None:
    """Fail early if the server would import gridbase from elsewhere (an editable
    install's finder can win over PYTHONPATH)."""
    found = subprocess.run(
        [sys.executable, "-c", "import gridbase; print(gridbase.__file__)"],
        env={**os.environ, **env}, check=True, capture_output=True, text=True).stdout.strip()
    if not Path(found).resolve().is_relative_to(folder):
        raise SystemExit(f"gridbase imports from {found}, not from {folder}")


async def _database_cpu(url: str) -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL backend connected to `url`'s database
    (gridbase's pooled connections), by process id."""
    if not url.startswith("postgresql"):
        return {}  # SQLite runs inside the server process: its CPU is the server's
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        pids = [row["pid"] for row in await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name)]
    finally:
        await conn.close()
    used = {}
    for pid in pids:
        try:
            used[pid] = process_cpu_seconds(pid)
        except OSError:  # ended meanwhile
            continue
    return used


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two `_database_cpu` readings (new backends count in full)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


async def _main(args: argparse.Namespace) -> None:
    names = args.scenarios.split(",")
    results: dict[tuple[str, str], list[dict[str, Any]]] = {
        (side, name): [] for side in "AB" for name in names}
    backends = {"A": args.a_backend or args.backend, "B": args.b_backend or args.backend}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sources = {"A": _source(args.a, tmp, "a"), "B": _source(args.b, tmp, "b")}
        cleanups = []
        try:
            urls = {}
            for side in "AB":
                folder = tmp / f"db-{side}"
                folder.mkdir()
                urls[side], cleanup = await _database(backends[side], folder)
                cleanups.append(cleanup)
            envs = {side: {"GRIDBASE_DATA_DIR": str(tmp / f"data-{side}"),
                           "GRIDBASE_DATABASE_URL": urls[side],
                           "GRIDBASE_SEARCH_INDEX_SYNC_ROWS": str(10**9),
                           "PYTHONPATH": f"{sources[side]}{os.pathsep}{ROOT}"}
                    for side in "AB"}
            for side in "AB":
                _imports_from(envs[side], sources[side])
            with ExitStack() as stack:
                servers = {side: stack.enter_context(
                    running(gridbase_command(), envs[side], "/api/_health/"))
                    for side in "AB"}
                scenarios = {}
                for side, server in servers.items():
                    ds = await asyncio.to_thread(build_dataset, server.base_url)
                    await asyncio.to_thread(load_rows, ds, args.rows)
                    await _analyze(urls[side], f"database_table_{ds.table_id}")
                    scenarios[side] = await scenarios_for(server, ds, args.rows, urls[side],
                                                          names)
                    for name in names:  # warm-up: caches, prepared statements
                        await run_wrk(server.base_url, scenarios[side][name],
                                      concurrency=args.concurrency, seconds=1,
                                      max_requests=100)
                for round_ in range(args.rounds):
                    for name in names:
                        for side in "AB" if round_ % 2 == 0 else "BA":
                            cpu = servers[side].cpu_seconds()
                            database_cpu = await _database_cpu(urls[side])
                            result = await run_wrk(
                                servers[side].base_url, scenarios[side][name],
                                concurrency=args.concurrency, seconds=args.seconds,
                                max_requests=args.max_requests)
                            await finish_in_flight(result)
                            # the server's own CPU per request: steadier than rates on a
                            # busy machine (in-flight requests counted in, see above)
                            requests = max(1, result["requests"])
                            result["cpu_ms"] = round(1000 * (servers[side].cpu_seconds() - cpu)
                                                     / requests, 3)
                            result["db_cpu_ms"] = round(1000 * _spent(
                                database_cpu, await _database_cpu(urls[side])) / requests, 3)
                            results[(side, name)].append(result)
                            print(f"round {round_} {side} {name:<20} "
                                  f"{result['items_per_s']:>9} items/s p50 "
                                  f"{result['p50_ms']} ms cpu {result['cpu_ms']} ms/request "
                                  f"database {result['db_cpu_ms']} ms/request "
                                  f"errors {result['errors']} "
                                  f"load {os.getloadavg()[0]:.1f}", flush=True)
        finally:
            for cleanup in cleanups:
                await cleanup()
    print(f"\nA = {args.a} on {backends['A']}, B = {args.b} on {backends['B']}; "
          f"{args.rounds} rounds of "
          f"{args.seconds} s, {args.concurrency} connections, {args.rows} rows")
    for name in names:
        for side in "AB":
            rates = [r["items_per_s"] for r in results[(side, name)]]
            p50s = [r["p50_ms"] for r in results[(side, name)]]
            cpus = [r["cpu_ms"] for r in results[(side, name)]]
            database = [r["db_cpu_ms"] for r in results[(side, name)]]
            print(f"{side} {name:<20} items/s median {statistics.median(rates):.0f} "
                  f"(range {min(rates):.0f}-{max(rates):.0f}), "
                  f"p50 median {statistics.median(p50s):.1f} ms, CPU ms/request medians: "
                  f"server {statistics.median(cpus):.3f} "
                  f"(range {min(cpus):.3f}-{max(cpus):.3f}), "
                  f"database {statistics.median(database):.3f}")


def add_round_options(parser: argparse.ArgumentParser) -> None:
    """The options of a comparison in rounds (here and `bench.floor_ab`)."""
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-requests", type=int, default=20_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--a", required=True, help="source folder or git ref")
    parser.add_argument("--b", default=str(ROOT / "src"), help="source folder or git ref")
    parser.add_argument("--backend", default="postgresql", choices=("postgresql", "sqlite"))
    parser.add_argument("--a-backend", choices=("postgresql", "sqlite"),
                        help="side A's backend (default: --backend)")
    parser.add_argument("--b-backend", choices=("postgresql", "sqlite"),
                        help="side B's backend (default: --backend)")
    parser.add_argument("--scenarios", default="create_one,batch_create_200")
    add_round_options(parser)
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
