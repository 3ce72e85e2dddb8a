"""gridbase against the floor in turns: ratios that a drifting machine cannot skew.

`python -m bench.floor_ab --backend postgresql`: gridbase and the floor app serve the
same database and table at once; every round drives each scenario (the list, a single
create, a batch create of 200) on one and then on the other, alternating which goes
first, and the end prints each side's median and the median of the rounds' ratios.
`bench.run` measures the floor minutes after gridbase's figure, and this machine's speed
moved by half within minutes: the ratios it reports moved with it (create one 0.22 to
0.36 of the floor for the same code). Both sides write to the one table, so it grows
alike for both. Nothing is written to `results/`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.ab import add_round_options
from bench.dataset import Dataset, build_dataset, load_rows
from bench.run import _analyze, _database, _floor_batch, _list_scenario, _row_scenarios
from bench.scenario import Scenario
from bench.servers import Server, floor_command, gridbase_command, running
from bench.wrk import finish_in_flight, run_wrk

SCENARIOS = ("list_100", "create_one", "batch_create_200")


def _floor_scenarios(ds: Dataset, floor: Server, rows: int) -> dict[str, Scenario]:
    """The floor's versions of SCENARIOS, as `bench.run` drives them."""
    floor_ds = Dataset(floor.base_url, ds.jwt, ds.table_id, ds.customers_id, ds.fields,
                       ds.options)
    return {"list_100": _list_scenario(floor_ds, rows, "floor list_100"),
            "create_one": _floor_batch(ds, 1, "floor create_one"),
            "batch_create_200": _floor_batch(ds)}


async def _rounds(sides: dict[str, tuple[Server, dict[str, Scenario]]], names: list[str],
                  args: argparse.Namespace, rates: dict[tuple[str, str], list[float]]) -> None:
    """Warm each scenario up on both sides, then its rounds: both sides in turns."""
    for name in names:
        for server, scenarios in sides.values():
            await run_wrk(server.base_url, scenarios[name], concurrency=args.concurrency,
                          seconds=1, max_requests=100)
    for round_ in range(args.rounds):
        order = ("gridbase", "floor") if round_ % 2 == 0 else ("floor", "gridbase")
        for name in names:
            for side in order:
                server, scenarios = sides[side]
                result = await run_wrk(server.base_url, scenarios[name],
                                       concurrency=args.concurrency, seconds=args.seconds,
                                       max_requests=args.max_requests)
                await finish_in_flight(result)
                rates[(side, name)].append(result["items_per_s"])
                print(f"round {round_} {side:<8} {name:<18} {result['items_per_s']:>9} "
                      f"items/s p50 {result['p50_ms']} ms errors {result['errors']}",
                      flush=True)


async def _main(args: argparse.Namespace) -> None:
    names = [name for name in args.scenarios.split(",") if name in SCENARIOS]
    rates: dict[tuple[str, str], list[float]] = {
        (side, name): [] for side in ("gridbase", "floor") for name in names}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url, cleanup = await _database(args.backend, tmp)
        env = {"GRIDBASE_DATA_DIR": str(tmp / "data"), "GRIDBASE_DATABASE_URL": url}
        try:
            with ExitStack() as stack:
                ours = stack.enter_context(running(gridbase_command(), env, "/api/_health/"))
                ds = await asyncio.to_thread(build_dataset, ours.base_url)
                await asyncio.to_thread(load_rows, ds, args.rows)
                table = f"database_table_{ds.table_id}"
                await _analyze(url, table)
                floor = stack.enter_context(running(floor_command(url, table), {}, "/health/"))
                sides = {"gridbase": (ours, _row_scenarios(ds, args.rows)),
                         "floor": (floor, _floor_scenarios(ds, floor, args.rows))}
                # The list first, on the table as loaded: the writes grow it, and the
                # floor counts every row of each page's table anew.
                reads = [name for name in names if name == "list_100"]
                for phase in (reads, [name for name in names if name not in reads]):
                    await _rounds(sides, phase, args, rates)
        finally:
            await cleanup()
    print(f"\ngridbase against the floor on {args.backend}; {args.rounds} rounds of "
          f"{args.seconds} s, {args.concurrency} connections, {args.rows} rows")
    for name in names:
        ours_rates, floor_rates = rates[("gridbase", name)], rates[("floor", name)]
        ratios = [a / b for a, b in zip(ours_rates, floor_rates, strict=True) if b]
        print(f"{name:<18} gridbase median {statistics.median(ours_rates):.0f} items/s, "
              f"floor median {statistics.median(floor_rates):.0f}; ratio median "
              f"{statistics.median(ratios):.3f} (rounds {', '.join(f'{r:.3f}' for r in ratios)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="postgresql", choices=("postgresql", "sqlite"))
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    add_round_options(parser)
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
