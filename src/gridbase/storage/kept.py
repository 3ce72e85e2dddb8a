"""Things built once for a user table's SQLAlchemy object and kept with it.

A table gets a new object with each schema version; statements, compiled queries and
key maps built for one object are kept in its own `info`, so they go when it goes. A
dictionary weakly keyed by the object would not let it go: its values (statements over
the table's columns) refer to it, which keeps every old version alive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

__all__ = ["kept_for", "kept_value"]

_T = TypeVar("_T")


def kept_for(table: sa.Table, kind: str) -> dict[Any, Any]:
    """The table object's store of `kind` (one name per module that keeps things)."""
    key = f"gridbase.kept.{kind}"
    found: dict[Any, Any] | None = table.info.get(key)
    if found is None:
        found = table.info[key] = {}
    return found


def kept_value(table: sa.Table, kind: str, build: Callable[[], _T]) -> _T:
    """The one thing of `kind` kept for the table object, built the first time."""
    store = kept_for(table, kind)
    if None not in store:
        store[None] = build()
    found: _T = store[None]
    return found
