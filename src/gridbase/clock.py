"""Time helpers: one notion of "now" and Baserow's timestamp format."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["iso", "now"]


def now() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with microseconds and a `Z`, as Baserow writes timestamps."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
