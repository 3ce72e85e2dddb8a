"""The OpenAPI 3.1 document of one database's rows, with a real schema per table.

Every table gets its own paths (its id is in them) and its own row schemas whose properties
are its fields, typed by field type, so a client generator makes typed models for it. Keys
are `field_<id>`, which survive renames; `user_field_names=True` makes a variant keyed by
field names, whose operations then require `?user_field_names=true`.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from gridbase import __version__
from gridbase.docs.field_schemas import SHARED_COMPONENTS
from gridbase.docs.model import DatabaseDoc, FieldDoc, TableDoc
from gridbase.docs.openapi import SECURITY_SCHEMES, operation_object
from gridbase.docs.operations import Operation, Param
from gridbase.docs.operations.rows import (
    BATCH_DELETE_BODY,
    JOINED_OPERATIONS,
    OPERATIONS,
    USER_FIELD_NAMES,
    join_params,
)

__all__ = ["build_database_openapi", "table_prefixes"]

Schema = dict[str, Any]
_ID = {"type": "integer", "minimum": 0}
# Parameters that would change the answer's shape (fewer keys, no count) stay out of the
# typed document; the docs page and the whole-API document list them.
_SHAPE_CHANGING = {"include", "exclude", "exclude_count", USER_FIELD_NAMES.name}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def table_prefixes(tables: tuple[TableDoc, ...]) -> dict[int, str]:
    """A snake_case name per table for operation ids: its name, or `table_<id>` when the
    name gives nothing usable or is taken."""
    seen: set[str] = set()
    found: dict[int, str] = {}
    for table in tables:
        slug = _slug(table.name)
        if not slug or slug[0].isdigit() or slug in seen:
            slug = f"table_{table.id}"
        seen.add(slug)
        found[table.id] = slug
    return found


def _pascal(slug: str) -> str:
    return "".join(part.capitalize() for part in slug.split("_"))


def _described(field: FieldDoc, schema: Schema, example: Any, with_example: bool) -> Schema:
    """A field's schema with its name, type and description in words (generated models
    show them), and its example."""
    words = [f"{field.spec.name} ({field.spec.type})", field.spec.description or "",
             schema.get("description", "")]
    result = {**schema, "description": ". ".join(w.rstrip(".") for w in words if w) + "."}
    if with_example:
        result["examples"] = [example]
    return result


def _table_components(table: TableDoc, prefix: str, names: bool) -> dict[str, Schema]:
    output = {f.key(names): _described(f, f.output_schema, f.response_example, True)
              for f in table.fields}
    writable = {f.key(names): _described(f, f.input_schema, f.request_example,
                                         f.writable_example)
                for f in table.fields if f.input_schema is not None}
    row_keys = ["id", "order", *output]
    return {
        f"{prefix}Row": {
            "type": "object", "description": f"A row of the table {table.name}.",
            "properties": {"id": {"type": "integer"},
                           "order": {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]+$"},
                           **output},
            "required": row_keys,
        },
        f"{prefix}RowValues": {"type": "object", "properties": writable,
                               "description": f"Field values of a row of {table.name}."},
        f"{prefix}RowUpdateItem": {"type": "object",
                                   "properties": {"id": {"type": "integer"}, **writable},
                                   "required": ["id"]},
        f"{prefix}RowPage": {
            "type": "object",
            "properties": {"count": {"type": "integer"},
                           "next": {"type": ["string", "null"]},
                           "previous": {"type": ["string", "null"]},
                           "results": {"type": "array", "items": _ref(f"{prefix}Row")}},
            "required": ["count", "next", "previous", "results"],
        },
        f"{prefix}Rows": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": _ref(f"{prefix}Row")}}},
        f"{prefix}NewRows": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "minItems": 1, "items": _ref(f"{prefix}RowValues")}}},
        f"{prefix}ChangedRows": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "minItems": 1,
                      "items": _ref(f"{prefix}RowUpdateItem")}}},
    }


def _shapes(prefix: str) -> dict[str, tuple[Schema | None, Schema | None]]:
    """Per generic operation: its (response, body) in this table's schemas."""
    row, values = _ref(f"{prefix}Row"), _ref(f"{prefix}RowValues")
    return {
        "list_database_table_rows": (_ref(f"{prefix}RowPage"), None),
        "get_database_table_row": (row, None),
        "create_database_table_row": (row, values),
        "update_database_table_row": (row, values),
        "move_database_table_row": (row, None),
        "delete_database_table_row": (None, None),
        "batch_create_database_table_rows": (_ref(f"{prefix}Rows"), _ref(f"{prefix}NewRows")),
        "batch_update_database_table_rows": (_ref(f"{prefix}Rows"),
                                             _ref(f"{prefix}ChangedRows")),
        "batch_delete_database_table_rows": (None, BATCH_DELETE_BODY),
    }


def _query(operation: Operation, table: TableDoc, names: bool) -> tuple[Param, ...]:
    kept = tuple(p for p in operation.query if p.name not in _SHAPE_CHANGING)
    if operation.operation_id in JOINED_OPERATIONS:
        kept += join_params(table.schema, names)
    wants_names = USER_FIELD_NAMES in operation.query
    if names and wants_names:
        kept = (Param(USER_FIELD_NAMES.name, {"type": "string", "enum": ["true"]},
                      "This document is keyed by field names, so the answer must be too.",
                      required=True), *kept)
    return kept


def _table_paths(table: TableDoc, slug: str, names: bool, components: dict[str, Schema]
                 ) -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = {}
    shapes = _shapes(_pascal(slug))
    tag = f"{table.name} (table {table.id})"
    for route_key, generic in OPERATIONS.items():
        method, template = route_key.split(" ", 1)
        response, body = shapes[generic.operation_id]
        operation = dataclasses.replace(
            generic, operation_id=generic.operation_id.replace("database_table", slug),
            tag=tag, response=response, body=body, query=_query(generic, table, names))
        path_params = {"row_id": _ID} if "{row_id}" in template else {}
        path = template.replace("{table_id}", str(table.id))
        paths.setdefault(path, {})[method.lower()] = operation_object(
            operation, ("JWT", "Token"), path_params, components)
    return paths


def build_database_openapi(doc: DatabaseDoc, *, user_field_names: bool = False,
                           server_url: str | None = None) -> Schema:
    components: dict[str, Schema] = dict(SHARED_COMPONENTS)
    paths: dict[str, dict[str, Any]] = {}
    slugs = table_prefixes(doc.tables)
    for table in doc.tables:
        components.update(_table_components(table, _pascal(slugs[table.id]), user_field_names))
        paths.update(_table_paths(table, slugs[table.id], user_field_names, components))
    keyed = "field names" if user_field_names else "`field_<id>` keys"
    document: Schema = {
        "openapi": "3.1.0",
        "info": {"title": f"{doc.name} (database {doc.id})", "version": __version__,
                 "description": f"The rows of database {doc.name!r}, one set of paths and "
                                f"schemas per table, with {keyed}. Generated from the "
                                "fields as they are now."},
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": SECURITY_SCHEMES},
    }
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document

