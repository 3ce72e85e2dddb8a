"""Row bodies in and out: validate request values per field type, build the JSON rows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from gridbase.errors import ApiError, body_error, field_error
from gridbase.fields.base import READ_ONLY_MESSAGE, CellError
from gridbase.fields.context import FieldContext
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry

__all__ = [
    "ParsedRows",
    "format_order",
    "parse_rows",
    "read_columns",
    "serialize_rows",
    "with_field_names",
]

ORDER_QUANTUM = Decimal("1e-20")


def format_order(order: Any) -> str:
    return f"{Decimal(order).quantize(ORDER_QUANTUM):f}"


def not_a_dict(value: Any) -> ApiError:
    kind = "list" if isinstance(value, list) else type(value).__name__
    kind = {"str": "str", "int": "int", "NoneType": "NoneType"}.get(kind, kind)
    return body_error({"non_field_errors": field_error(
        f"Invalid data. Expected a dictionary, but got {kind}.", "invalid")})


class ParsedRows:
    """Validated values of several rows: per row, the stored value of each given field."""

    def __init__(self, count: int) -> None:
        self.values: list[dict[int, Any]] = [{} for _ in range(count)]


def _collect(
    table: TableSchema, item: Any, user_field_names: bool, errors: dict[str, Any]
) -> dict[int, Any]:
    """The raw values of known fields in one request item; read-only writes fail here."""
    if not isinstance(item, dict):
        raise not_a_dict(item)
    raw: dict[int, Any] = {}
    index = table.by_name if user_field_names else table.by_column
    for key, value in item.items():
        spec = index.get(key)
        if spec is None and not user_field_names:
            spec = table.lookup(key, False)  # other spellings of an id: field_012
        if spec is None:
            continue
        field_type = field_type_registry.get(spec.type)
        if field_type.read_only:
            if value is None:
                errors[key] = field_error("This field may not be null.", "null")
                continue
            raise body_error(READ_ONLY_MESSAGE.format(type=spec.type))
        raw[spec.id] = value
    return raw


async def parse_rows(
    ctx: FieldContext, table: TableSchema, items: Sequence[Any], user_field_names: bool,
    *, batch: bool,
) -> ParsedRows:
    """Validate request items; all errors are gathered, keyed by index for batches."""
    item_errors: list[dict[str, Any]] = [{} for _ in items]
    raws = [_collect(table, item, user_field_names, item_errors[i]) for i, item in enumerate(items)]
    parsed = ParsedRows(len(items))
    whole_body: list[str] = []
    for spec in table.fields:
        positions = [i for i, raw in enumerate(raws) if spec.id in raw]
        if not positions:
            continue
        field_type = field_type_registry.get(spec.type)
        results = await field_type.prepare(ctx, spec, [raws[i][spec.id] for i in positions])
        key = table.field_key(spec, user_field_names)
        for position, result in zip(positions, results, strict=True):
            if isinstance(result, CellError) and result.whole_body:
                whole_body.append(result.message)
            elif isinstance(result, CellError):
                item_errors[position][key] = result.entry()
            else:
                parsed.values[position][spec.id] = result
    if any(item_errors):
        if batch:
            raise body_error({"items": {str(i): e for i, e in enumerate(item_errors) if e}})
        raise body_error(item_errors[0])
    if whole_body:
        raise body_error(whole_body[0])
    return parsed


def defaults_for(table: TableSchema, given: list[dict[int, Any]]) -> list[dict[int, Any]]:
    """Stored values for new rows: what was given, else each field's default (worked
    out once for the batch; rows share default values, which nobody changes)."""
    defaults = {spec.id: field_type_registry.get(spec.type).default_value(spec)
                for spec in table.fields if not field_type_registry.get(spec.type).read_only}
    return [{**defaults, **values} for values in given]


def selected_fields(
    table: TableSchema, include: set[int] | None, exclude: set[int] | None = None
) -> list[FieldSpec]:
    return [
        f for f in table.fields
        if (include is None or f.id in include) and (exclude is None or f.id not in exclude)
    ]


def read_columns(table: TableSchema, fields: Sequence[FieldSpec]) -> list[str]:
    """The columns `serialize_rows` needs for these fields: a page need not read (nor
    convert) the timestamps and columns of fields it does not show."""
    present = table.sa_table.c
    names = ["id", "order"]
    for spec in fields:
        field_type = field_type_registry.get(spec.type)
        for name in (field_type.source_column(spec), spec.column_name):
            if name in present and name not in names:
                names.append(name)
    return names


async def serialize_rows(
    ctx: FieldContext, table: TableSchema, rows: list[dict[str, Any]], user_field_names: bool,
    fields: list[FieldSpec] | None = None, *, unset: Collection[int] = (),
) -> list[dict[str, Any]]:
    """JSON rows: `id`, `order`, then one key per field in field order. `unset`: ids of
    fields stored outside the rows that none of these (new) rows was given a value for."""
    fields = table.fields if fields is None else fields
    for spec in fields:
        field_type = field_type_registry.get(spec.type)
        if spec.id in unset:
            for row in rows:
                row[spec.column_name] = field_type.to_json(spec, None)
        else:
            await field_type.load(ctx, spec, table, rows)
    result = []
    for row in rows:
        out: dict[str, Any] = {"id": row["id"], "order": format_order(row["order"])}
        for spec in fields:
            out[spec.name if user_field_names else spec.column_name] = row[spec.column_name]
        result.append(out)
    return result


def with_field_names(table: TableSchema, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Serialized rows keyed by field name instead of `field_<id>`, values shared: the
    same rows answer a `user_field_names` request and feed the events."""
    names = {spec.column_name: spec.name for spec in table.fields}
    return [{names.get(key, key): value for key, value in row.items()} for row in rows]
