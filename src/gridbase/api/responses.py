"""Responses encoded with orjson, with the exact `application/json` type clients expect."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from starlette.responses import Response

__all__ = ["JSONResponse", "empty", "error_response"]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_default)


def empty() -> Response:
    return Response(status_code=204)


def error_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None
                   ) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)
