"""Hypothesis examples for async HTTP tests: draw them first, then await the calls."""

from __future__ import annotations

from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

T = TypeVar("T")


def draw(strategy: st.SearchStrategy[T], count: int = 40) -> list[T]:
    """`count` deterministic examples of `strategy` (shrinking is off; each runs over HTTP)."""
    found: list[Any] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: T) -> None:
        found.append(value)

    collect()
    return found
