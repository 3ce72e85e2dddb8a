"""Row bodies in and out: validate request values per field type, build the JSON rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from gridbase.errors import ApiError, body_error, field_error
from gridbase.fields.base import READ_ONLY_MESSAGE, CellError
from gridbase.fields.context import FieldContext
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.storage.kept import kept_for
from gridbase.storage.types import format_order

__all__ = [
    "NewRows",
    "ParsedRows",
    "format_order",
    "new_rows",
    "parse_rows",
    "read_columns",
    "serialize_rows",
    "serialize_updated",
    "serialize_written",
    "with_field_names",
]

def not_a_dict(value: Any) -> ApiError:
    kind = "list" if isinstance(value, list) else type(value).__name__
    kind = {"str": "str", "int": "int", "NoneType": "NoneType"}.get(kind, kind)
    return body_error({"non_field_errors": field_error(
        f"Invalid data. Expected a dictionary, but got {kind}.", "invalid")})


class ParsedRows:
    """Validated values of several rows, by field: for each field given in some rows,
    those rows' positions and the stored values, in the same order."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.columns: dict[int, tuple[list[int], list[Any]]] = {}

    @property
    def written(self) -> set[int]:
        """The fields given in at least one row."""
        return set(self.columns)


# Request keys of a table's fields, built once per table object (`kept_for`): the
# slot of the field in `table.fields`, or -1 for a read-only field.
_KeySlots = dict[str, int]


def _slots(table: TableSchema, user_field_names: bool) -> _KeySlots:
    by_names: dict[bool, _KeySlots] = kept_for(table.sa_table, "key_slots")
    slots = by_names.get(user_field_names)
    if slots is None:
        slots = by_names[user_field_names] = {
            (spec.name if user_field_names else spec.column_name):
                -1 if field_type_registry.get(spec.type).read_only else position
            for position, spec in enumerate(table.fields)}
    return slots


def _slot_of(table: TableSchema, slots: _KeySlots, key: str, user_field_names: bool
             ) -> int | None:
    slot = slots.get(key)
    if slot is None and not user_field_names:
        spec = table.lookup(key, False)  # other spellings of an id: field_012
        if spec is not None:
            slot = slots[spec.column_name]
    return slot


def _gather_uniform(
    table: TableSchema, items: Sequence[Any], user_field_names: bool, slots: _KeySlots,
) -> list[tuple[list[int], list[Any]]] | None:
    """`_gather` for the usual batch: every item a dict with the same keys in the same
    order, none read-only and no field named twice. The values are turned into columns
    by `zip`, with no per-cell Python. None when the batch is not like that."""
    first = items[0] if items else None
    if type(first) is not dict:
        return None
    keys = tuple(first)
    if not all(type(item) is dict and tuple(item) == keys for item in items):
        return None
    wanted: list[tuple[int, int]] = []
    for index, key in enumerate(keys):
        slot = _slot_of(table, slots, key, user_field_names)
        if slot is None:
            continue
        if slot < 0 or any(slot == taken for _, taken in wanted):
            return None
        wanted.append((index, slot))
    columns: list[tuple[list[int], list[Any]]] = [([], []) for _ in table.fields]
    if wanted:
        everyone = list(range(len(items)))
        by_key = list(zip(*(item.values() for item in items), strict=True))
        for index, slot in wanted:
            columns[slot] = (everyone, list(by_key[index]))
    return columns


def _gather(
    table: TableSchema, items: Sequence[Any], user_field_names: bool,
    item_errors: list[dict[str, Any]],
) -> list[tuple[list[int], list[Any]]]:
    """The raw values of known fields in request items, per field (positions and values),
    in one pass over the items in order; read-only writes fail here."""
    slots = _slots(table, user_field_names)
    uniform = _gather_uniform(table, items, user_field_names, slots)
    if uniform is not None:
        return uniform
    fields = table.fields
    columns: list[tuple[list[int], list[Any]]] = [([], []) for _ in fields]
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise not_a_dict(item)
        for key, value in item.items():
            slot = _slot_of(table, slots, key, user_field_names)
            if slot is None:
                continue
            if slot < 0:
                if value is None:
                    item_errors[index][key] = field_error("This field may not be null.", "null")
                    continue
                spec = table.by_name[key] if user_field_names else (
                    table.by_column.get(key) or table.lookup(key, False))
                assert spec is not None
                raise body_error(READ_ONLY_MESSAGE.format(type=spec.type))
            positions, values = columns[slot]
            if positions and positions[-1] == index:
                values[-1] = value  # two spellings of one field: the last one counts
            else:
                positions.append(index)
                values.append(value)
    return columns


async def parse_rows(
    ctx: FieldContext, table: TableSchema, items: Sequence[Any], user_field_names: bool,
    *, batch: bool,
) -> ParsedRows:
    """Validate request items; all errors are gathered, keyed by index for batches.

    Values travel by field, not by row: each field's type validates all of its cells in
    one call, with its per-cell parser made once for the batch."""
    item_errors: list[dict[str, Any]] = [{} for _ in items]
    gathered = _gather(table, items, user_field_names, item_errors)
    parsed = ParsedRows(len(items))
    whole_body: list[str] = []
    for spec, (positions, raw) in zip(table.fields, gathered, strict=True):
        if not positions:
            continue
        results = await field_type_registry.get(spec.type).prepare(ctx, spec, raw)
        if any(issubclass(kind, CellError) for kind in set(map(type, results))):
            refused = [k for k, result in enumerate(results) if isinstance(result, CellError)]
            key = table.field_key(spec, user_field_names)
            for k in refused:
                error = results[k]
                if error.whole_body:
                    whole_body.append(error.message)
                else:
                    item_errors[positions[k]][key] = error.entry()
            continue
        parsed.columns[spec.id] = (positions, results)
    if any(item_errors):
        if batch:
            raise body_error({"items": {str(i): e for i, e in enumerate(item_errors) if e}})
        raise body_error(item_errors[0])
    if whole_body:
        raise body_error(whole_body[0])
    return parsed


class NewRows:
    """What new rows store: their columns (each a list, one value per row) and, per
    field kept outside the row's columns (links), the rows given a value and the values.
    `written`: the fields some row got a value for, given or default, that is not empty
    (None or []); `exact`: every column reads back as written (see
    `FieldType.exact_column`)."""

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {}
        self.outside: dict[int, tuple[list[int], list[Any]]] = {}
        self.written: set[int] = set()
        self.exact = True


async def new_rows(ctx: FieldContext, table: TableSchema, parsed: ParsedRows) -> NewRows:
    """New rows' values by column: what was given, else the field's default (worked out
    once; rows share default values, which nobody changes), and the generated values
    (autonumber, uuid) of read-only types."""
    count = parsed.count
    new = NewRows()
    for spec in table.fields:
        field_type = field_type_registry.get(spec.type)
        if field_type.has_column and not field_type.exact_column:
            new.exact = False
        if field_type.read_only:
            filled = await field_type.fill_new_rows(ctx, spec, table, count)
            if filled is not None:
                new.columns[spec.column_name] = filled
            continue
        given = parsed.columns.get(spec.id)
        if not field_type.has_column:
            default = field_type.default_value(spec)
            if default is not None:
                given = (list(range(count)), _filled(default, given, count))
            if given is not None:
                new.outside[spec.id] = given
                if _any_value(given[1]):
                    new.written.add(spec.id)
            continue
        column = _filled(field_type.default_value(spec), given, count)
        new.columns[spec.column_name] = column
        if _any_value(column):
            new.written.add(spec.id)
    return new


def _filled(default: Any, given: tuple[list[int], list[Any]] | None, count: int
            ) -> list[Any]:
    """One value per row: the given ones at their positions, `default` elsewhere."""
    if given is not None and len(given[0]) == count:
        return given[1]
    column = [default] * count
    for position, value in zip(*given or ((), ()), strict=True):
        column[position] = value
    return column


def _any_value(values: list[Any]) -> bool:
    return any(value is not None and value != [] for value in values)


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


def _json_rows(rows: list[dict[str, Any]], fields: list[FieldSpec], user_field_names: bool
               ) -> list[dict[str, Any]]:
    keys = ("id", "order", *(spec.name if user_field_names else spec.column_name
                             for spec in fields))
    if len(fields) < 2:
        columns = [spec.column_name for spec in fields]
        return [dict(zip(keys, (row["id"], format_order(row["order"]),
                                *(row[column] for column in columns)), strict=True))
                for row in rows]
    cells = itemgetter(*(spec.column_name for spec in fields))
    return [dict(zip(keys, (row["id"], format_order(row["order"]), *cells(row)), strict=True))
            for row in rows]


async def serialize_rows(
    ctx: FieldContext, table: TableSchema, rows: list[dict[str, Any]], user_field_names: bool,
    fields: list[FieldSpec] | None = None,
) -> list[dict[str, Any]]:
    """JSON rows: `id`, `order`, then one key per field in field order."""
    fields = table.fields if fields is None else fields
    for spec in fields:
        await field_type_registry.get(spec.type).load(ctx, spec, table, rows)
    return _json_rows(rows, fields, False) if not user_field_names \
        else _json_rows(rows, fields, True)


async def serialize_written(
    ctx: FieldContext, table: TableSchema, rows: list[dict[str, Any]],
    written: dict[int, tuple[list[int], list[Any]]],
    before: list[dict[str, Any]] | None = None, changed: set[str] | None = None,
) -> list[dict[str, Any]]:
    """`serialize_rows` (keyed by column) for rows this request has just written, as
    stored, in request order: `written` holds the values it wrote per field (positions
    and values), `before` the rows' JSON before an update (None for new rows). Field
    types use them to skip reading back what they wrote (see `load_written`). With
    `changed`, the columns an update wrote, fields that read only their row's other
    columns keep their JSON from `before`."""
    count = len(rows)
    for spec in table.fields:
        field_type = field_type_registry.get(spec.type)
        if (before is not None and changed is not None and field_type.row_local
                and spec.id not in written and spec.column_name not in changed
                and field_type.source_column(spec) not in changed):
            column = spec.column_name
            for row, kept in zip(rows, before, strict=True):
                row[column] = kept[column]
            continue
        given = written.get(spec.id)
        values: list[Any] | None = None
        if given is not None:
            values = [None] * count
            for position, value in zip(*given, strict=True):
                values[position] = value
        shown = None if before is None else [row[spec.column_name] for row in before]
        await field_type.load_written(ctx, spec, table, rows, values, shown)
    return _json_rows(rows, table.fields, False)


async def serialize_updated(
    ctx: FieldContext, table: TableSchema, stored: list[dict[str, Any]], parsed: ParsedRows,
    before: list[dict[str, Any]], stamp: datetime,
) -> list[dict[str, Any]] | None:
    """The JSON of rows after an update, without reading them again: `stored` holds
    them as they were (read under a lock, so nothing else changed them since), `before`
    their JSON then; the update wrote `parsed` and set `updated_on` to `stamp`. Fields
    the update left alone keep their JSON. None when a written value may not read
    back as written (see `FieldType.exact_column`): then read the rows again."""
    changed = {"updated_on"}
    for field_id, (positions, values) in parsed.columns.items():
        spec = table.by_id[field_id]
        field_type = field_type_registry.get(spec.type)
        if not field_type.has_column:
            continue
        if not field_type.exact_column:
            return None
        column = spec.column_name
        changed.add(column)
        for position, value in zip(positions, values, strict=True):
            stored[position][column] = value
    for row in stored:
        row["updated_on"] = stamp
    return await serialize_written(ctx, table, stored, parsed.columns, before, changed)


def with_field_names(table: TableSchema, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Serialized rows keyed by field name instead of `field_<id>`, values shared: the
    same rows answer a `user_field_names` request and feed the events."""
    names = {spec.column_name: spec.name for spec in table.fields}
    if not rows:
        return []
    keys = tuple(rows[0])
    if all(tuple(row) == keys for row in rows):  # rows from one serialization
        renamed = tuple(names.get(key, key) for key in keys)
        return [dict(zip(renamed, row.values(), strict=True)) for row in rows]
    return [{names.get(key, key): value for key, value in row.items()} for row in rows]
