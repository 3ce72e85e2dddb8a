"""What the count cache's data version costs concurrent writers of one table (PostgreSQL).

Every write transaction of a table ends by bumping a row of that table's version, which
locks the row until commit: with one row per table, writers of one table commit one after
another. This measures it at the database, without gridbase's own per-request time:
`--clients` connections each run single-row UPDATE transactions on one table (different
rows) for `--seconds`, with no bump, with one version row, and with the version spread
over `SLOTS` rows (what gridbase does), and report transactions per second and latency.
Bounded in time; talks only to the given server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from datetime import date
from typing import Any

import asyncpg

from bench.run import RESULTS
from gridbase.storage.table_versions import SLOTS

SETUP = """
CREATE TABLE rows_t (id integer PRIMARY KEY, v integer NOT NULL);
INSERT INTO rows_t SELECT g, 0 FROM generate_series(1, 100000) AS g;
CREATE TABLE versions_t (table_id integer, slot smallint, version bigint NOT NULL,
                         PRIMARY KEY (table_id, slot));
"""
BUMP = """INSERT INTO versions_t (table_id, slot, version) VALUES (1, $1, 1)
ON CONFLICT (table_id, slot) DO UPDATE SET version = versions_t.version + 1"""
MODES = {"no_version": 0, "one_version_row": 1, f"{SLOTS}_version_slots": SLOTS}


async def _client(url: str, slots: int, until: float, latencies: list[float]) -> None:
    conn = await asyncpg.connect(url)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            async with conn.transaction():
                await conn.execute("UPDATE rows_t SET v = v + 1 WHERE id = $1",
                                   random.randint(1, 100000))
                if slots:
                    await conn.execute(BUMP, random.randrange(slots))
            latencies.append((time.perf_counter() - started) * 1000)
    finally:
        await conn.close()


async def _run(url: str, clients: int, seconds: float, slots: int) -> dict[str, Any]:
    latencies: list[float] = []
    until = time.perf_counter() + seconds
    await asyncio.gather(*[_client(url, slots, until, latencies) for _ in range(clients)])
    ordered = sorted(latencies)
    return {"transactions_per_second": round(len(ordered) / seconds),
            "p50_ms": round(statistics.median(ordered), 2),
            "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 2)}


async def main_async(server: str, clients: list[int], seconds: float) -> dict[str, Any]:
    name = f"gridbase_contention_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = server.rsplit("/", 1)[0] + "/" + name
    try:
        conn = await asyncpg.connect(url)
        await conn.execute(SETUP)
        await conn.close()
        results: dict[str, Any] = {"date": date.today().isoformat(), "seconds": seconds}
        for count in clients:
            for mode, slots in MODES.items():
                key = f"{count}_clients_{mode}"
                results[key] = await _run(url, count, seconds, slots)
                print(key, results[key])
        return results
    finally:
        admin = await asyncpg.connect(server)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    result = asyncio.run(main_async(args.server, [int(c) for c in args.clients.split(",")],
                                    args.seconds))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{result['date']}-postgresql-version-contention.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
