"""The shared pieces of the reference model: a field, a row, and what a cell looks like
to a person (its text, whether it is empty)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

__all__ = ["EVERYTHING", "NOTHING", "ZONES", "Field", "Predicate", "Row", "fold", "instant",
           "is_empty", "parse_int", "text_of"]

Row = dict[str, Any]
Predicate = Callable[[Row], bool]
NOTHING: Predicate = lambda row: False  # noqa: E731
EVERYTHING: Predicate = lambda row: True  # noqa: E731
ZONES = frozenset(available_timezones()) | {"UTC"}


@dataclass(frozen=True)
class Field:
    """A field as its JSON describes it."""

    id: int
    name: str
    type: str
    props: dict[str, Any]

    @property
    def zone(self) -> tzinfo:
        name = self.props.get("date_force_timezone")
        return ZoneInfo(name) if name else UTC

    @property
    def with_time(self) -> bool:
        return self.type != "date" or bool(self.props.get("date_include_time"))


# -- what a cell is, seen by a person --------------------------------------------------


def fold(text: str) -> str:
    """Case-folded as contains and search compare text: each character lower-cased on
    its own (as PostgreSQL's lower() does), so a capital I with a dot is a plain i and a
    word-final capital sigma is the ordinary small sigma."""
    return "".join(char.lower()[:1] for char in text)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _date_text(field: Field, cell: str) -> str:
    shown = field.props.get("date_format", "EU")
    if len(cell) == 10:
        moment: datetime | date = date.fromisoformat(cell)
    else:
        moment = instant(cell).astimezone(field.zone)
    day = f"{moment.day:02d}"
    month = f"{moment.month:02d}"
    year = f"{moment.year:04d}"
    text = {"US": f"{month}/{day}/{year}", "ISO": f"{year}-{month}-{day}"}.get(
        shown, f"{day}/{month}/{year}")
    if isinstance(moment, datetime) and field.props.get("date_include_time"):
        if field.props.get("date_time_format") == "12":
            hour = (moment.hour + 11) % 12 + 1
            text += f" {hour:02d}:{moment.minute:02d} " + ("AM" if moment.hour < 12 else "PM")
        else:
            text += f" {moment.hour:02d}:{moment.minute:02d}"
    return text


def text_of(field: Field, cell: Any) -> str | None:
    """The cell as text: what `contains` and search look in (None when there is none)."""
    if field.type in ("single_select",):
        return None if cell is None else str(cell["value"])
    if field.type in ("multiple_select", "link_row"):
        return ", ".join(str(item["value"]) for item in cell) if cell else None
    if field.type in ("date", "created_on", "last_modified"):
        return None if cell is None else _date_text(field, cell)
    if field.type == "boolean":
        return "true" if cell else "false"
    return None if cell is None else str(cell)


def is_empty(field: Field, cell: Any) -> bool:
    if field.type == "boolean":
        return cell is False
    if field.type == "rating":
        return bool(cell == 0)
    return cell is None or cell in ("", [])


def parse_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


