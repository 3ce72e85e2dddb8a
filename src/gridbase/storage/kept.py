"""Things built once for a user table's SQLAlchemy object and kept with it.

A table gets a new object with each schema version; statements, compiled queries and
key maps built for one object are kept in its own `info`, so they go when it goes. A
dictionary weakly keyed by the object would not let it go: its values (statements over
the table's columns) refer to it, which keeps every old version alive.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

__all__ = ["kept_for"]


def kept_for(table: sa.Table, kind: str) -> dict[Any, Any]:
    """The table object's store of `kind` (one name per module that keeps things)."""
    key = f"gridbase.kept.{kind}"
    found: dict[Any, Any] | None = table.info.get(key)
    if found is None:
        found = table.info[key] = {}
    return found
