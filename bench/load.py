"""A bounded async load generator in Python: N workers calling one request function for T
seconds. It shares the 2 cores with the server, so bench.run uses wrk (bench/wrk.py) by
default; this stays for warm-ups, bench.profile and `--load-generator httpx`."""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from bench.scenario import Scenario

__all__ = ["LoadResult", "run_httpx", "run_load", "send"]


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    items_per_request: int = 1

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def items_per_second(self) -> float:
        return self.rps * self.items_per_request

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict[str, float]:
        return {
            "requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 2),
            "requests_per_s": round(self.rps, 1), "items_per_s": round(self.items_per_second, 1),
            "p50_ms": round(self.percentile(0.5), 2), "p99_ms": round(self.percentile(0.99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else 0,
        }


async def run_load(call: Callable[[int], Awaitable[bool]], *, concurrency: int,
                   seconds: float, max_requests: int, items_per_request: int = 1) -> LoadResult:
    """Call `call(i)` from `concurrency` workers until time or count runs out."""
    latencies: list[float] = []
    errors = 0
    issued = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors, issued
        while time.perf_counter() < deadline and issued < max_requests:
            index = issued
            issued += 1
            started = time.perf_counter()
            ok = await call(index)
            latencies.append((time.perf_counter() - started) * 1000)
            if not ok:
                errors += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return LoadResult(len(latencies), errors, time.perf_counter() - began, latencies,
                      items_per_request)


async def send(http: httpx.AsyncClient, scenario: Scenario, i: int) -> bool:
    """Send request `i` of the scenario; True for a 2xx answer."""
    path, body = scenario.request(i)
    response = await http.request(scenario.method, path, content=body,
                                  headers=scenario.all_headers)
    return 200 <= response.status_code < 300


async def run_httpx(base_url: str, scenario: Scenario, *, concurrency: int, seconds: float,
                    max_requests: int) -> dict[str, float]:
    """The scenario driven by httpx; the same summary as `bench.wrk.run_wrk`
    (`client_cpu_s`: this whole process's CPU time meanwhile)."""
    cpu_before = _own_cpu()
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        result = await run_load(lambda i: send(http, scenario, i), concurrency=concurrency,
                                seconds=seconds, max_requests=max_requests,
                                items_per_request=scenario.items)
    return {**result.summary(), "client_cpu_s": round(_own_cpu() - cpu_before, 2)}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
