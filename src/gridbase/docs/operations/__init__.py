"""What the routers cannot say about themselves: one `Operation` per route.

The routers parse bodies by hand, so FastAPI knows neither their bodies, their answers nor
their errors. Each entry here is keyed by `"METHOD /path"` exactly as the route is mounted;
the OpenAPI builder walks the app's routes and looks each one up, so a new route shows up
in the document at once (vaguely, until it gets an entry; a test names routes without one).
Who may call a route is not declared here but read from its dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

__all__ = ["OPERATIONS", "Operation", "Param", "key"]

Schema = dict[str, Any]


@dataclass(frozen=True)
class Param:
    """A query (or cookie) parameter."""

    name: str
    schema: Schema
    description: str
    required: bool = False
    location: str = "query"


@dataclass(frozen=True)
class Operation:
    """One route as the documents describe it.

    `errors` are codes of `gridbase.errors.ERRORS`, or `(code, status)` where the route
    answers a code with another status than the catalogue's. Errors every route of its kind
    can answer (credentials, body parsing) are added by the builder. `auth` overrides the
    schemes read from the route's dependencies, for routes that check credentials
    themselves; `refusal_status` is the status of their credential refusals."""

    operation_id: str
    tag: str
    summary: str
    response: Schema | None = None
    status: int = 200
    body: type[BaseModel] | Schema | None = None
    errors: tuple[str | tuple[str, int], ...] = ()
    query: tuple[Param, ...] = ()
    description: str = ""
    media_type: str = "application/json"
    auth: tuple[str, ...] | None = None
    refusal_status: int = 401
    field_errors: bool = False


def key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def _collect() -> dict[str, Operation]:
    from gridbase.docs.operations import accounts, database, docs, rows, views

    merged: dict[str, Operation] = {}
    for module in (accounts, database, rows, views, docs):
        for name, operation in module.OPERATIONS.items():
            if name in merged:
                raise ValueError(f"{name} is described twice")
            merged[name] = operation
    return merged


OPERATIONS: dict[str, Operation] = _collect()
