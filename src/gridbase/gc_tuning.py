"""Garbage collection set up for serving: what startup built is left out of collections,
and young collections run less often.

A request allocates tens of thousands of short-lived objects (rows as dicts, JSON),
which reference counting frees as soon as the request is done; the collector is only
there for reference cycles. With Python's default thresholds it ran a full collection,
walking every object the process holds (imported modules, SQLAlchemy's compiled
statements, the schema caches), about every 30 batch requests, at some 140 ms each.
"""

from __future__ import annotations

import gc

__all__ = ["YOUNG_THRESHOLD", "tune_for_serving"]

# Allocations (net of frees) between young collections; Python's default is 2,000.
YOUNG_THRESHOLD = 20_000


def tune_for_serving() -> None:
    """Collect once, freeze the survivors (never scanned again), and raise the young
    generation's threshold, keeping the older generations' ratios."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
