"""An event as it travels between processes: the committed `Event` plus its log id."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

import orjson

from gridbase.events import Event

__all__ = ["Envelope", "dumps"]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default)


@dataclass(frozen=True)
class Envelope:
    """`id` is the event log id (None only when the log could not be written).

    The payload (a whole page of rows for a batch) is encoded once: the log stores those
    bytes, the hub carries them next to a small header, and a process that receives the
    envelope parses them only when some subscriber or the router needs the payload."""

    id: int | None
    type: str
    payload_json: bytes
    table_id: int | None = None
    workspace_id: int | None = None
    user_ids: tuple[int, ...] | None = None
    origin: str | None = None

    @classmethod
    def of(cls, event: Event, event_id: int | None, payload_json: bytes | None = None
           ) -> Envelope:
        envelope = cls(event_id, event.type,
                       payload_json if payload_json is not None else dumps(event.payload),
                       event.table_id, event.workspace_id, event.user_ids,
                       event.origin_websocket_id)
        envelope.__dict__["payload"] = event.payload  # already at hand: no parsing
        return envelope

    @cached_property
    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = orjson.loads(self.payload_json)
        return payload

    @cached_property
    def message(self) -> dict[str, Any]:
        """The websocket message: Baserow's payload plus our `event_id`."""
        return {**self.payload, "type": self.type, "event_id": self.id}

    @cached_property
    def text(self) -> str:
        """The message encoded once, shared by every connection that receives it."""
        return dumps(self.message).decode()

    def encode(self) -> bytes:
        """A one-line JSON header, a newline, then the payload as encoded."""
        return dumps({
            "id": self.id, "type": self.type,
            "table_id": self.table_id, "workspace_id": self.workspace_id,
            "user_ids": list(self.user_ids) if self.user_ids is not None else None,
            "origin": self.origin,
        }) + b"\n" + self.payload_json

    @classmethod
    def decode(cls, data: bytes | str) -> Envelope:
        raw_data = data.encode() if isinstance(data, str) else data
        header, _, payload_json = raw_data.partition(b"\n")
        raw = orjson.loads(header)
        user_ids = raw.get("user_ids")
        return cls(raw["id"], raw["type"], payload_json, raw.get("table_id"),
                   raw.get("workspace_id"),
                   tuple(user_ids) if user_ids is not None else None, raw.get("origin"))
