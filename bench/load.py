"""A bounded async load generator: N workers calling one request function for T seconds."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = ["LoadResult", "run_load"]


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
