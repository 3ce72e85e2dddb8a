"""Request bodies: JSON parsing with Baserow's answers, and pydantic models whose errors
come back in Baserow's per-field `{"error", "code"}` form."""

from __future__ import annotations

import json
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import orjson
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError
from starlette.requests import Request

from gridbase.errors import PlainError, body_error, field_error

__all__ = [
    "NULL_CHARACTERS",
    "Body",
    "json_body",
    "null_character_path",
    "object_body",
    "trimmed",
    "validate",
]

ModelT = TypeVar("ModelT", bound=BaseModel)


class Body(BaseModel):
    """Base for request bodies: unknown keys ignored, numbers accepted as text, like DRF."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


def trimmed(max_length: int, min_length: int = 1) -> StringConstraints:
    """A DRF-style CharField: surrounding whitespace dropped before the length checks."""
    return StringConstraints(strip_whitespace=True, min_length=min_length,
                             max_length=max_length)


_JSON_TYPES = ("application/json", "")
_FORM_TYPE = "application/x-www-form-urlencoded"


def _parse_error(raw: bytes) -> str:
    """The parse error in the words of Python's json module, which DRF quotes."""
    try:
        json.loads(raw, parse_constant=_refuse_constant)
    except ValueError as error:
        return str(error)
    return "Invalid JSON."  # what only orjson refuses: lone surrogates, huge exponents


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"Out of range float values are not JSON compliant: {name}")


NULL_CHARACTERS = "Null characters are not allowed."


def null_character_path(value: Any) -> list[str] | None:
    """Where the first string holding a NUL character sits in a parsed body, if any.

    DRF refuses such strings in every CharField, and PostgreSQL cannot store them."""
    if isinstance(value, str):
        return [] if "\x00" in value else None
    items: Any = (value.items() if isinstance(value, dict)
                  else enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        path = null_character_path(item)
        if path is not None:
            return [str(key), *path]
    return None


async def json_body(request: Request) -> Any:
    """The parsed body (JSON, or a form as DRF also accepts); an empty body is `{}`."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not raw.strip():
        return {}
    if content_type == _FORM_TYPE:
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    if content_type not in _JSON_TYPES and not content_type.endswith("+json"):
        raise PlainError(415, f'Unsupported media type "{content_type}" in request.')
    try:
        return _loads(raw)
    except ValueError:
        raise PlainError(400, f"JSON parse error - {_parse_error(raw)}") from None


# orjson reads integers beyond 64 bits as floats, losing digits; bodies with a run of
# 19 or more digits anywhere go to the exact (slower) standard parser instead. The run
# is found by turning every digit into "0" and looking for 19 of them: a few
# microseconds for a 50 KB batch, where a regular expression took a millisecond (four
# times orjson's parse).
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19


def _loads(raw: bytes) -> Any:
    if _LONG_RUN not in raw.translate(_DIGITS_AS_ZERO):
        return orjson.loads(raw)
    data = json.loads(raw, parse_constant=_refuse_constant)
    # lone surrogates, which orjson refuses and no database can store
    json.dumps(data, ensure_ascii=False).encode("utf-8")
    return data


def _message(error: dict[str, Any]) -> tuple[str, str]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "This field is required.", "required"
    if kind == "null_characters_not_allowed":
        return NULL_CHARACTERS, kind
    if value is None:
        return "This field may not be null.", "null"
    if kind == "string_too_short" and isinstance(value, str) and not value.strip():
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


_NULL_ENTRY = {"error": NULL_CHARACTERS, "code": "null_characters_not_allowed"}


def _add_null_character_errors(model: type[BaseModel], data: dict[str, Any],
                                detail: dict[str, Any]) -> None:
    """DRF refuses NUL in every text value (and PostgreSQL cannot store it): one entry
    for each of the model's keys that holds such a string, wherever it sits inside."""
    for key in model.model_fields:
        path = null_character_path(data.get(key))
        if path is None:
            continue
        *parents, last = [key, *path]
        node: Any = detail
        for part in parents:
            node = node.setdefault(part, {}) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            continue  # the key already failed as a whole
        entries = node.setdefault(last, [])
        if isinstance(entries, list) and _NULL_ENTRY not in entries:
            entries.append(dict(_NULL_ENTRY))


def validate(model: type[ModelT], data: Any) -> ModelT:
    """The body as `model`, or ERROR_REQUEST_BODY_VALIDATION with DRF's per-key detail."""
    if not isinstance(data, dict):
        raise body_error({"non_field_errors": [{
            "error": f"Invalid data. Expected a dictionary, but got {type(data).__name__}.",
            "code": "invalid"}]})
    detail: dict[str, Any] = {}
    result: ModelT | None = None
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        detail = _errors_to_detail(exc)
    _add_null_character_errors(model, data, detail)
    if detail or result is None:
        raise body_error(detail)
    return result


async def object_body(request: Request) -> dict[str, Any]:
    """A JSON body that must be an object (routes whose keys depend on the resource)."""
    data = await json_body(request)
    if not isinstance(data, dict):
        raise body_error({"non_field_errors": field_error(
            f"Invalid data. Expected a dictionary, but got {type(data).__name__}.", "invalid")})
    return data
