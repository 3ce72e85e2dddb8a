"""The options of a select field: checking `select_options` in a request, saving them, and
resolving the field's default against them.

A request names the options it keeps by `id`; options without one (or with a negative
placeholder id a default may refer to) are created, and the field's other options deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError, body_error, field_error
from gridbase.fields.model import FieldSpec, SelectOption
from gridbase.storage import schema as meta

__all__ = [
    "clean_option_list",
    "delete_options",
    "foreign_option_error",
    "load_options",
    "python_type_name",
    "save_options",
]

MAX_OPTION_TEXT = 255


def python_type_name(value: Any) -> str:
    """The name Baserow's validation messages give a JSON value's type (Python's)."""
    return type(value).__name__


def foreign_option_error(option_id: Any, field_id: int) -> ApiError:
    return ApiError("ERROR_SELECT_OPTION_DOES_NOT_BELONG_TO_FIELD",
                    f"Select option {option_id} does not belong to field {field_id}")


def _text_error(item: dict[str, Any], key: str) -> list[dict[str, str]] | None:
    if key not in item:
        return field_error("This field is required.", "required")
    value = item[key]
    if value is None:
        return field_error("This field may not be null.", "null")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return field_error("Not a valid string.", "invalid")
    if "\x00" in str(value):
        return field_error("Null characters are not allowed.", "null_characters_not_allowed")
    if len(str(value)) > MAX_OPTION_TEXT:
        return field_error(
            f"Ensure this field has no more than {MAX_OPTION_TEXT} characters.", "max_length")
    return None


def clean_option_list(raw: Any) -> list[dict[str, Any]]:
    """Validate `select_options` from a request: `[{id?, value, color}]`, all or nothing."""
    if not isinstance(raw, list):
        raise body_error({"select_options": field_error(
            f'Expected a list of items but got type "{python_type_name(raw)}".', "not_a_list")})
    errors: list[dict[str, Any]] = []
    cleaned: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict):
            errors.append({"non_field_errors": field_error(
                f"Invalid data. Expected a dictionary, but got {python_type_name(item)}.",
                "invalid")})
            continue
        problems: dict[str, Any] = {}
        for key in ("value", "color"):
            problem = _text_error(item, key)
            if problem is not None:
                problems[key] = problem
        option_id = item.get("id")
        if option_id is not None and (isinstance(option_id, bool)
                                      or not isinstance(option_id, int)):
            problems["id"] = field_error("A valid integer is required.", "invalid")
        errors.append(problems)
        cleaned.append({"id": option_id, "value": str(item.get("value", "")),
                        "color": str(item.get("color", ""))})
    if any(errors):
        raise body_error({"select_options": errors})
    return cleaned


async def load_options(conn: AsyncConnection, field_id: int) -> tuple[SelectOption, ...]:
    rows = (await conn.execute(
        sa.select(meta.select_options)
        .where(meta.select_options.c.field_id == field_id)
        .order_by(meta.select_options.c.order, meta.select_options.c.id)
    )).mappings()
    return tuple(SelectOption(r["id"], r["value"], r["color"], r["order"]) for r in rows)


async def delete_options(conn: AsyncConnection, field_id: int,
                         keep: Iterable[int] = ()) -> None:
    query = meta.select_options.delete().where(meta.select_options.c.field_id == field_id)
    kept = list(keep)
    if kept:
        query = query.where(meta.select_options.c.id.not_in(kept))
    await conn.execute(query)


async def save_options(
    conn: AsyncConnection, spec: FieldSpec, wanted: list[dict[str, Any]],
    existing: tuple[SelectOption, ...],
) -> dict[int, int]:
    """Make the field's options exactly `wanted`; returns placeholder id -> new option id."""
    owned = {option.id for option in existing}
    for item in wanted:
        option_id = item["id"]
        if option_id is not None and option_id > 0 and option_id not in owned:
            raise foreign_option_error(option_id, spec.id)
    await delete_options(conn, spec.id, keep=[i["id"] for i in wanted
                                              if i["id"] is not None and i["id"] > 0])
    placeholders: dict[int, int] = {}
    table = meta.select_options
    for order, item in enumerate(wanted):
        option_id = item["id"]
        values = {"value": item["value"], "color": item["color"], "order": order}
        if option_id is not None and option_id > 0:
            await conn.execute(table.update().where(table.c.id == option_id).values(values))
            continue
        new_id = (await conn.execute(
            table.insert().values(field_id=spec.id, **values).returning(table.c.id)
        )).scalar_one()
        if option_id is not None:
            placeholders[option_id] = new_id
    return placeholders
