"""A timed scenario as data: the requests a load generator rotates through.

Described rather than coded, so that wrk (bench/wrk.py) and the Python client
(bench/load.py) send exactly the same requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Scenario"]


@dataclass(frozen=True)
class Scenario:
    """Request `i` goes to `paths[i % len(paths)]` with `bodies[i % len(bodies)]`
    (no body when there are none); each answer is worth `items` rows."""

    name: str
    paths: tuple[str, ...]
    method: str = "GET"
    bodies: tuple[bytes, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    items: int = 1

    def __post_init__(self) -> None:
        if not self.paths:
            raise ValueError(f"scenario {self.name} has no paths")
        if not all(path.isascii() for path in self.paths):
            raise ValueError(f"scenario {self.name}: paths must be URL-encoded (ASCII)")

    @property
    def variants(self) -> int:
        """How many distinct requests the rotation goes through."""
        return max(len(self.paths), len(self.bodies))

    @property
    def all_headers(self) -> dict[str, str]:
        if self.bodies:
            return {"Content-Type": "application/json", **self.headers}
        return dict(self.headers)

    def request(self, i: int) -> tuple[str, bytes | None]:
        """The path (with its query string) and body of request `i`."""
        body = self.bodies[i % len(self.bodies)] if self.bodies else None
        return self.paths[i % len(self.paths)], body
