"""Select field types: `single_select` keeps one option id in an integer column,
`multiple_select` a JSON list of option ids in the order they were written.

Options live in `gridbase_select_option` and reach the type through `FieldSpec.options`.
Rows are written by option id or by option value; an unknown one refuses the whole body
with a string detail, as Baserow does.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import orjson
import sqlalchemy as sa

from gridbase.errors import body_error
from gridbase.fields.base import CellError, FieldType, PropSpec
from gridbase.fields.model import FieldSpec, SelectOption, TableSchema
from gridbase.fields.select_options import (
    clean_option_list,
    delete_options,
    foreign_option_error,
    load_options,
    python_type_name,
    save_options,
)
from gridbase.fields.select_sql import OptionCount, OptionValuesText
from gridbase.storage import schema as meta
from gridbase.storage.json_sql import JsonText

if TYPE_CHECKING:
    from gridbase.fields.context import FieldContext

__all__ = ["SELECT_TYPES", "MultipleSelectFieldType", "SingleSelectFieldType",
           "split_comma_separated"]

SELECT_TYPES = frozenset({"single_select", "multiple_select"})
NOT_INT_OR_STRING = "The provided value should be a valid integer or string"


def split_comma_separated(text: str) -> list[str]:
    """`a, "b, c",d` -> ["a", "b, c", "d"]: quotes keep commas inside one item."""
    try:
        [items] = list(csv.reader([text], skipinitialspace=True)) or [[]]
    except (csv.Error, ValueError):
        items = text.split(",")
    return [item.strip() for item in items if item.strip()]


def _unknown_ids_message(ids: list[int]) -> str:
    if len(ids) == 1:
        return f"The provided select option value '{ids[0]}' is not a valid select option."
    return f"The provided select option values {ids} are not valid select options."


def _unknown_value_message(value: str) -> str:
    return f"The provided select option value '{value}' is not a valid select option."


def _by_value(options: Sequence[SelectOption]) -> dict[str, int]:
    found: dict[str, int] = {}
    for option in options:
        found.setdefault(option.value, option.id)
    return found


def _match_text(options: Sequence[SelectOption], text: str) -> int | None:
    """The option a piece of converted text means: exact value first, then ignoring case."""
    exact = _by_value(options).get(text)
    if exact is not None:
        return exact
    folded = text.strip().casefold()
    return next((o.id for o in options if o.value.strip().casefold() == folded), None)


class _SelectFieldType(FieldType):
    """What both select types share: options, their default and the refusal messages."""

    default_key: ClassVar[str]
    exact_column = True  # option ids: an integer, or a JSON list of them

    def props_json(self, spec: FieldSpec) -> dict[str, Any]:
        return {"select_options": [o.to_json() for o in spec.options],
                self.default_key: spec.props.get(self.default_key)}

    # -- options and default ----------------------------------------------------

    def _resolve_default(self, spec: FieldSpec, raw: dict[str, Any], current: Any,
                         option_ids: set[int], placeholders: dict[int, int]) -> Any:
        raise NotImplementedError

    async def setup(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, raw: dict[str, Any],
        old: FieldSpec | None,
    ) -> FieldSpec:
        previous = table.by_id.get(spec.id)
        converting = old is None and previous is not None and previous.type != spec.type
        if converting and previous is not None and previous.type not in SELECT_TYPES:
            await delete_options(ctx.conn, spec.id)
        existing = await load_options(ctx.conn, spec.id)
        options, placeholders = existing, {}
        if "select_options" in raw:
            wanted = clean_option_list(raw["select_options"])
            placeholders = await save_options(ctx.conn, spec, wanted, existing)
            options = await load_options(ctx.conn, spec.id)
        props = dict(spec.props)
        props[self.default_key] = self._resolve_default(
            spec, raw, props.get(self.default_key), {o.id for o in options}, placeholders)
        if props != spec.props:
            await ctx.conn.execute(meta.fields.update().where(meta.fields.c.id == spec.id)
                                   .values(props=props))
        result = dataclasses.replace(spec, props=props, options=options)
        gone = {o.id for o in existing} - {o.id for o in options}
        if old is not None and gone:
            await self._forget_options(ctx, result, table, gone)
        if old is None and not converting:
            default = self.default_value(result)
            if default is not None:
                await ctx.conn.execute(table.sa_table.update().values(
                    {spec.column_name: default}))
        return result

    async def _forget_options(self, ctx: FieldContext, spec: FieldSpec, table: TableSchema,
                              gone: set[int]) -> None:
        """Options were deleted: rows pointing at them must no longer do so."""
        raise NotImplementedError

    async def before_delete(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema
    ) -> list[int]:
        # Converted to a type without options: they go. Between the two select types
        # they stay (same field id); a deleted field takes them along by cascade.
        now_type = await ctx.conn.scalar(
            sa.select(meta.fields.c.type).where(meta.fields.c.id == spec.id))
        if now_type is not None and now_type not in SELECT_TYPES:
            await delete_options(ctx.conn, spec.id)
        return []

    # -- values -------------------------------------------------------------------

    def _unknown(self, spec: FieldSpec, ids: list[int], names: list[str]
                 ) -> str | None:
        if names:
            return _unknown_value_message(names[0])
        if ids:
            return _unknown_ids_message(sorted(set(ids)))
        return None

    def example(self, spec: FieldSpec) -> Any:
        return spec.options[0].id if spec.options else 1


class SingleSelectFieldType(_SelectFieldType):
    label_in_sql = True
    type = "single_select"
    default_key = "single_select_default"
    props: ClassVar[dict[str, PropSpec]] = {
        "single_select_default": PropSpec(None, (int,), nullable=True)}

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, sa.Integer, nullable=True)

    def _resolve_default(self, spec: FieldSpec, raw: dict[str, Any], current: Any,
                         option_ids: set[int], placeholders: dict[int, int]) -> Any:
        if self.default_key not in raw:
            return current if current in option_ids else None
        wanted = raw[self.default_key]
        if wanted is None:
            return None
        resolved = placeholders.get(wanted, wanted)
        if resolved not in option_ids:
            raise foreign_option_error(wanted, spec.id)
        return resolved

    async def _forget_options(self, ctx: FieldContext, spec: FieldSpec, table: TableSchema,
                              gone: set[int]) -> None:
        column = table.sa_table.c[spec.column_name]
        await ctx.conn.execute(table.sa_table.update().where(column.in_(sorted(gone)))
                               .values({spec.column_name: None}))

    def default_value(self, spec: FieldSpec) -> Any:
        default = spec.props.get(self.default_key)
        return default if default in {o.id for o in spec.options} else None

    async def prepare(
        self, ctx: FieldContext, spec: FieldSpec, values: Sequence[Any]
    ) -> list[Any | CellError]:
        by_value = _by_value(spec.options)
        known = {o.id for o in spec.options}
        results: list[Any | CellError] = []
        bad_ids: list[int] = []
        bad_names: list[str] = []
        for value in values:
            if value is None or value == "":
                results.append(None)
            elif isinstance(value, bool):
                results.append(CellError("A valid integer is required.", "invalid"))
            elif isinstance(value, int):
                results.append(value)
                if value not in known:
                    bad_ids.append(value)
            elif isinstance(value, str):
                results.append(by_value.get(value))
                if value not in by_value:
                    bad_names.append(value)
            else:
                results.append(CellError(NOT_INT_OR_STRING, "invalid"))
        message = self._unknown(spec, bad_ids, bad_names)
        if message is None:
            return results
        return [r if isinstance(r, CellError) else CellError(message, whole_body=True)
                for r in results]

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        option = next((o for o in spec.options if o.id == value), None)
        return None if option is None else option.to_json()

    async def load(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, rows: list[dict[str, Any]]
    ) -> None:
        options: dict[Any, Any] = {o.id: o.to_json() for o in spec.options}
        for row in rows:
            row[spec.column_name] = options.get(row.get(spec.column_name))

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        if not spec.options:
            return sa.null()
        return JsonText(sa.case({o.id: sa.literal(orjson.dumps(o.to_json()).decode(), sa.Text)
                                 for o in spec.options},
                                value=table.sa_table.c[spec.column_name], else_=sa.null()))

    def to_text(self, spec: FieldSpec, value: Any) -> str:
        return str(value.get("value", "")) if isinstance(value, dict) else ""

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        return _match_text(spec.options, text)

    def _rank(self, spec: FieldSpec) -> dict[int, int]:
        """Options by value as the text collation orders them: case-insensitive, then
        lower case first on ties."""
        ordered = sorted(spec.options, key=lambda o: (o.value.casefold(), o.value.swapcase(),
                                                      o.id))
        return {option.id: rank for rank, option in enumerate(ordered)}

    def sort_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        column = table.sa_table.c[spec.column_name]
        if not spec.options:
            return column
        return sa.case(self._rank(spec), value=column, else_=sa.null())

    def text_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[str]:
        if not spec.options:
            return sa.cast(sa.null(), sa.Text)
        column = table.sa_table.c[spec.column_name]
        return sa.case({o.id: o.value for o in spec.options}, value=column,
                       else_=sa.null()).cast(sa.Text)


class MultipleSelectFieldType(_SelectFieldType):
    type = "multiple_select"
    default_key = "multiple_select_default"
    props: ClassVar[dict[str, PropSpec]] = {
        "multiple_select_default": PropSpec(None, (list,), nullable=True)}

    def column(self, spec: FieldSpec) -> sa.Column[Any]:
        return sa.Column(spec.column_name, sa.JSON(none_as_null=True), nullable=True)

    def check_props(self, props: dict[str, Any]) -> dict[str, Any]:
        default = props.get(self.default_key)
        if default is not None:
            problems = {str(i): [{"error": "A valid integer is required.", "code": "invalid"}]
                        for i, item in enumerate(default)
                        if isinstance(item, bool) or not isinstance(item, int)}
            if problems:
                raise body_error({self.default_key: problems})
        return props

    def _resolve_default(self, spec: FieldSpec, raw: dict[str, Any], current: Any,
                         option_ids: set[int], placeholders: dict[int, int]) -> Any:
        if self.default_key not in raw:
            return None if current is None else [i for i in current if i in option_ids]
        wanted = raw[self.default_key]
        if wanted is None:
            return None
        resolved: list[int] = []
        for item in wanted:
            option_id = placeholders.get(item, item)
            if option_id not in option_ids:
                raise foreign_option_error(item, spec.id)
            if option_id not in resolved:
                resolved.append(option_id)
        return resolved

    async def _forget_options(self, ctx: FieldContext, spec: FieldSpec, table: TableSchema,
                              gone: set[int]) -> None:
        column = table.sa_table.c[spec.column_name]
        rows = (await ctx.conn.execute(
            sa.select(table.sa_table.c.id, column).where(column.is_not(None)))).all()
        changes = [{"row_id": row_id, "ids": [i for i in ids if i not in gone] or None}
                   for row_id, ids in rows if isinstance(ids, list) and set(ids) & gone]
        if changes:
            target = sa.table(table.sa_table.name, sa.column("id"), self.column(spec))
            await ctx.conn.execute(
                target.update().where(target.c.id == sa.bindparam("row_id"))
                .values({spec.column_name: sa.bindparam("ids")}), changes)

    def default_value(self, spec: FieldSpec) -> Any:
        default = spec.props.get(self.default_key)
        if not default:
            return None
        known = {o.id for o in spec.options}
        return [i for i in default if i in known] or None

    def _items(self, value: Any) -> list[Any] | CellError:
        """The ids and values one request value names; a CellError for a wrong shape."""
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return list(split_comma_separated(value))
        if not isinstance(value, list):
            return CellError(
                f'Expected a list of items but got type "{python_type_name(value)}".',
                "not_a_list")
        if any(item is None for item in value):
            return CellError(f"The provided value '{value!r}' is not a valid integer or "
                             "string.", whole_body=True)
        for item in value:
            if isinstance(item, bool):
                return CellError("A valid integer is required.", "invalid")
            if not isinstance(item, int | str):
                return CellError(NOT_INT_OR_STRING, "invalid")
        return list(value)

    async def prepare(
        self, ctx: FieldContext, spec: FieldSpec, values: Sequence[Any]
    ) -> list[Any | CellError]:
        by_value = _by_value(spec.options)
        known = {o.id for o in spec.options}
        results: list[Any | CellError] = []
        bad_ids: list[int] = []
        bad_names: list[str] = []
        for value in values:
            items = self._items(value)
            if isinstance(items, CellError):
                results.append(items)
                continue
            ids: list[int] = []
            for item in items:
                option_id = by_value.get(item) if isinstance(item, str) else item
                if option_id is None or option_id not in known:
                    (bad_names if isinstance(item, str) else bad_ids).append(item)
                elif option_id not in ids:
                    ids.append(option_id)
            results.append(ids or None)
        message = self._unknown(spec, bad_ids, bad_names)
        if message is None:
            return results
        return [r if isinstance(r, CellError) else CellError(message, whole_body=True)
                for r in results]

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        options = {o.id: o.to_json() for o in spec.options}
        return [options[i] for i in value or [] if i in options]

    async def load(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, rows: list[dict[str, Any]]
    ) -> None:
        options = {o.id: o.to_json() for o in spec.options}
        for row in rows:
            ids = row.get(spec.column_name)
            row[spec.column_name] = [options[i] for i in ids if i in options] \
                if isinstance(ids, list) else []

    def to_text(self, spec: FieldSpec, value: Any) -> str:
        if not isinstance(value, list):
            return ""
        return ", ".join(str(v.get("value", "")) for v in value if isinstance(v, dict))

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        whole = _match_text(spec.options, text) if text.strip() else None
        if whole is not None:
            return [whole]
        ids: list[int] = []
        for piece in split_comma_separated(text):
            option_id = _match_text(spec.options, piece)
            if option_id is not None and option_id not in ids:
                ids.append(option_id)
        return ids or None

    def conversion_text(self, spec: FieldSpec, value: Any, target: FieldSpec) -> str:
        """To a single select the first option is what carries over."""
        if target.type == "single_select" and isinstance(value, list):
            return str(value[0].get("value", "")) if value else ""
        return self.to_text(spec, value)

    def sort_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        return sa.func.lower(self.text_expression(spec, table))

    def sort_tiebreak(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        return self.text_expression(spec, table)

    def text_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[str]:
        return OptionValuesText(table.sa_table.c[spec.column_name])

    def empty_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[bool]:
        column = table.sa_table.c[spec.column_name]
        return sa.or_(column.is_(None), OptionCount(column) == 0)

    def example(self, spec: FieldSpec) -> Any:
        return [spec.options[0].id] if spec.options else [1]
