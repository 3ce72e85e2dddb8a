"""Row filters as one expression tree, from either way a client can ask.

`filter__<field>__<type>=<value>` parameters (joined by `filter_type`) and the `filters`
JSON tree (which wins when present) both become a `FilterGroup`; `compile_filters`
resolves fields and filter types against the table and returns one SQL condition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa

from gridbase.errors import ApiError, field_error
from gridbase.fields.filters import filter_type_registry
from gridbase.fields.filters.base import FilterContext
from gridbase.fields.model import FieldSpec, TableSchema

__all__ = ["FilterGroup", "FilterLeaf", "compile_filters", "parse_filter_params"]

ROW_PSEUDO_FIELDS = {"field_created_on": ("created_on", "created_on"),
                     "field_updated_on": ("last_modified", "updated_on")}


@dataclass
class FilterLeaf:
    field: FieldSpec | None
    type: str
    value: str
    row_ids: bool = False


@dataclass
class FilterGroup:
    filter_type: str = "AND"
    filters: list[FilterLeaf] = field(default_factory=list)
    groups: list[FilterGroup] = field(default_factory=list)


def _params_error(detail: Any) -> ApiError:
    return ApiError("ERROR_FILTERS_PARAM_VALIDATION_ERROR", detail)


def _not_found(name: Any) -> ApiError:
    return ApiError("ERROR_FILTER_FIELD_NOT_FOUND", f"The field {name} was not found in the table.")


def _pseudo(table: TableSchema, key: str) -> FieldSpec | None:
    if key not in ROW_PSEUDO_FIELDS:
        return None
    type_name, _column = ROW_PSEUDO_FIELDS[key]
    return FieldSpec(id=0, table_id=table.id, name=key, type=type_name, order=0, primary=False,
                     description=None, db_index=False,
                     props={"date_include_time": True, "date_format": "ISO"})


def _legacy_leaf(table: TableSchema, key: str, value: str, user_field_names: bool
                 ) -> FilterLeaf | None:
    body = key[len("filter__"):]
    if "__" not in body:
        return None
    name, filter_name = body.rsplit("__", 1)
    if name == "field_id" and filter_name == "in":
        return FilterLeaf(None, "in", value, row_ids=True)
    spec = table.lookup(name, user_field_names) or (
        table.lookup(name, False) if user_field_names else None) or _pseudo(table, name)
    if spec is None:
        if name.startswith("field_") and name[6:].isdigit():
            raise _not_found(name[6:])
        if user_field_names:
            return None
        raise _not_found(name)
    return FilterLeaf(spec, filter_name, value)


def _json_leaf(table: TableSchema, raw: Any, index: int, user_field_names: bool) -> FilterLeaf:
    if not isinstance(raw, dict):
        raise _params_error({"filters": {str(index): {"non_field_errors": field_error(
            "Invalid data. Expected a dictionary.", "invalid")}}})
    errors: dict[str, Any] = {}
    for key in ("field", "type", "value"):
        if key not in raw:
            errors[key] = field_error("This field is required.", "required")
    if errors:
        raise _params_error({"filters": {str(index): errors}})
    key, value = raw["field"], raw["value"]
    if user_field_names:
        spec = table.by_name.get(key) if isinstance(key, str) else None
        if spec is None:
            raise _not_found(key if isinstance(key, str) else None)
    else:
        if isinstance(key, bool) or not (
                isinstance(key, int) or (isinstance(key, str) and key.isdigit())):
            raise _params_error({"filters": {str(index): {"field": field_error(
                "A valid integer is required.", "invalid")}}})
        spec = table.by_id.get(int(key))
        if spec is None:
            raise _not_found(int(key))
    return FilterLeaf(spec, str(raw["type"]), "" if value is None else str(value))


def _json_group(table: TableSchema, raw: Any, user_field_names: bool, depth: int = 0
                ) -> FilterGroup:
    if not isinstance(raw, dict) or depth > 10:
        raise _params_error({"non_field_errors": field_error(
            "Invalid data. Expected a dictionary.", "invalid")})
    filter_type = raw.get("filter_type", "AND")
    if not isinstance(filter_type, str) or filter_type.upper() not in ("AND", "OR"):
        raise _params_error({"filter_type": field_error(
            f'"{filter_type}" is not a valid choice.', "invalid_choice")})
    filters, groups = raw.get("filters", []), raw.get("groups", [])
    if not isinstance(filters, list) or not isinstance(groups, list):
        raise _params_error({"filters": field_error("Expected a list of items.", "not_a_list")})
    return FilterGroup(
        filter_type.upper(),
        [_json_leaf(table, leaf, i, user_field_names) for i, leaf in enumerate(filters)],
        [_json_group(table, group, user_field_names, depth + 1) for group in groups],
    )


def parse_filter_params(table: TableSchema, params: list[tuple[str, str]],
                        user_field_names: bool) -> FilterGroup | None:
    """The filter tree a listing asked for, or None when it asked for none."""
    values = dict(params)
    if "filters" in values:
        try:
            raw = orjson.loads(values["filters"])
        except orjson.JSONDecodeError:
            raise _params_error({"error": "The provided filters are not valid JSON.",
                                 "code": "invalid_json"}) from None
        return _json_group(table, raw, user_field_names)
    leaves = [leaf for key, value in params if key.startswith("filter__")
              if (leaf := _legacy_leaf(table, key, value, user_field_names)) is not None]
    if not leaves:
        return None
    filter_type = values.get("filter_type", "AND").upper()
    return FilterGroup("OR" if filter_type == "OR" else "AND", leaves)


def _row_ids(table: TableSchema, value: str) -> sa.ColumnElement[bool]:
    ids = [int(part) for part in value.split(",")
           if part.strip().isascii() and part.strip().isdigit() and int(part) < 2**31]
    return table.sa_table.c.id.in_(ids) if ids else sa.false()


def _leaf_sql(ctx: FilterContext, leaf: FilterLeaf) -> sa.ColumnElement[bool] | None:
    if leaf.row_ids:
        return _row_ids(ctx.table, leaf.value)
    assert leaf.field is not None
    filter_type = filter_type_registry.get(leaf.type)
    if filter_type is None:
        raise ApiError("ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
                       f"The view filter type {leaf.type} doesn't exist.")
    if not filter_type.accepts(leaf.field):
        raise ApiError("ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
                       f"The view filter type {leaf.type} is not supported for field type "
                       f"{leaf.field.type}.")
    return filter_type.build(ctx, leaf.field, leaf.value)


def _group_sql(ctx: FilterContext, group: FilterGroup) -> sa.ColumnElement[bool] | None:
    parts = [p for leaf in group.filters if (p := _leaf_sql(ctx, leaf)) is not None]
    parts += [p for sub in group.groups if (p := _group_sql(ctx, sub)) is not None]
    if not parts:
        return None
    return sa.or_(*parts) if group.filter_type == "OR" else sa.and_(*parts)


def compile_filters(ctx: FilterContext, group: FilterGroup | None
                    ) -> sa.ColumnElement[bool] | None:
    """The group's condition over `ctx.table` (None when it filters nothing)."""
    if group is None:
        return None
    return _group_sql(ctx, group)
