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
    moment = value.astimezone(UTC)
    # strftime's %Y does not pad years below 1000 on glibc; ISO 8601 needs four digits
    return f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%S.%fZ")
