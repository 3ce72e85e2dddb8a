"""Request bodies: JSON parsing with Baserow's answers, and pydantic models whose errors
come back in Baserow's per-field `{"error", "code"}` form."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request

from gridbase.errors import PlainError, body_error

__all__ = ["Body", "json_body", "validate"]

ModelT = TypeVar("ModelT", bound=BaseModel)


class Body(BaseModel):
    """Base for request bodies: unknown keys ignored, numbers accepted as text, like DRF."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


async def json_body(request: Request) -> Any:
    """The parsed JSON body; an empty body is `{}` as in DRF."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not raw.strip():
        return {}
    if content_type not in ("application/json", "") and not content_type.endswith("+json"):
        raise PlainError(415, f'Unsupported media type "{content_type}" in request.')
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise PlainError(400, f"JSON parse error - {error}") from None


def _message(error: dict[str, Any]) -> tuple[str, str]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "This field is required.", "required"
    if value is None:
        return "This field may not be null.", "null"
    if kind == "string_too_short" and value == "":
        return "This field may not be blank.", "blank"
    if kind == "string_too_short":
        return f"Ensure this field has at least {ctx.get('min_length')} characters.", "min_length"
    if kind == "string_too_long":
        return (f"Ensure this field has no more than {ctx.get('max_length')} characters.",
                "max_length")
    if kind == "too_long":
        return f"Ensure this field has no more than {ctx.get('max_length')} elements.", "max_length"
    if kind == "too_short":
        return f"Ensure this field has at least {ctx.get('min_length')} elements.", "min_length"
    if kind in ("literal_error", "enum"):
        return f'"{value}" is not a valid choice.', "invalid_choice"
    if kind.startswith("int") or kind.startswith("greater") or kind.startswith("less"):
        return "A valid integer is required.", "invalid"
    if kind.startswith("bool"):
        return "Must be a valid boolean.", "invalid"
    if kind.startswith("string"):
        return "Not a valid string.", "invalid"
    if kind.startswith("list"):
        return f'Expected a list of items but got type "{type(value).__name__}".', "not_a_list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return (f"Invalid data. Expected a dictionary, but got {type(value).__name__}.",
                "invalid")
    return str(error.get("msg", "Invalid value.")), "invalid"


def _errors_to_detail(exc: ValidationError) -> dict[str, Any]:
    detail: dict[str, Any] = {}
    for error in exc.errors():
        message, code = _message(dict(error))
        path = [str(p) for p in error["loc"]] or ["non_field_errors"]
        node = detail
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node.setdefault(path[-1], []).append({"error": message, "code": code})
    return detail


def validate(model: type[ModelT], data: Any) -> ModelT:
    if not isinstance(data, dict):
        raise body_error({"non_field_errors": [{
            "error": f"Invalid data. Expected a dictionary, but got {type(data).__name__}.",
            "code": "invalid"}]})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise body_error(_errors_to_detail(exc)) from None
