"""Profile one bench scenario: gridbase under load, sampled by py-spy, summarised as text.

`python -m bench.profile --backend postgresql --scenario list_100 --out bench/profiles/x.txt`
starts `gridbase serve`, builds the bench table, drives the scenario while py-spy samples
the server, and writes the frames that take the most time (self and inclusive).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.dataset import build_dataset, load_rows
from bench.run import _database, drive, load_generator, scenarios_for
from bench.servers import gridbase_command, running


def summarise(raw: str, top: int) -> str:
    """Self and inclusive sample shares per frame from py-spy's collapsed stacks."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0].split("/")[-1] + ")"
                  if " (" in f else f for f in stack.split(";")]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    lines = [f"samples: {total}", "", "self time:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in own.most_common(top)]
    lines += ["", "inclusive time:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top * 2)]
    return "\n".join(lines) + "\n"


async def _profile(args: argparse.Namespace) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = await _database(args.backend, Path(tmp))
        env = {"GRIDBASE_DATA_DIR": str(Path(tmp) / "data"), "GRIDBASE_DATABASE_URL": url}
        try:
            with running(gridbase_command(), env, "/api/_health/") as server:
                ds = await asyncio.to_thread(build_dataset, server.base_url)
                await asyncio.to_thread(load_rows, ds, args.rows)
                scenario = (await scenarios_for(server, ds, args.rows, url,
                                                [args.scenario]))[args.scenario]
                raw = Path(tmp) / "raw.txt"
                spy = subprocess.Popen(
                    [str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw",
                     "--rate", "250", "--duration", str(int(args.seconds)), "--pid",
                     str(server.process.pid), "--output", str(raw)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                summary = await drive(args, server.base_url, scenario, 10**6)
                await asyncio.to_thread(spy.wait, 120)
                head = (f"# {args.scenario} on {args.backend}, {args.rows} rows, "
                        f"{load_generator(args)}\n"
                        f"{summary['requests_per_s']} req/s, {summary['items_per_s']} items/s, "
                        f"p50 {summary['p50_ms']} ms, errors {summary['errors']} "
                        "(while being sampled)\n\n")
                if args.raw:
                    args.raw.write_text(raw.read_text())
                return head + summarise(raw.read_text(), args.top)
        finally:
            await cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="postgresql")
    parser.add_argument("--scenario", default="list_100")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--load-generator", choices=["wrk", "httpx"], default="wrk")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--raw", type=Path, help="also keep py-spy's collapsed stacks")
    args = parser.parse_args()
    text = asyncio.run(_profile(args))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
