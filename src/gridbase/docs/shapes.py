"""JSON schemas of what the API answers, shared by the operations of the OpenAPI document.

They list the keys clients rely on as required and leave room for more
(`additionalProperties` stays open), so adding a key to a response never makes the
document false, while dropping or retyping one does: the tests check responses against them.
"""

from __future__ import annotations

from typing import Any

from gridbase.docs.field_schemas import SHARED_COMPONENTS
from gridbase.errors import ERRORS

__all__ = ["COMPONENTS", "describe_codes", "error_schema", "plain_detail_schema", "ref"]

Schema = dict[str, Any]

INTEGER: Schema = {"type": "integer"}
STRING: Schema = {"type": "string"}
BOOLEAN: Schema = {"type": "boolean"}
DATETIME: Schema = {"type": "string", "format": "date-time"}
NULLABLE_DATETIME: Schema = {"type": ["string", "null"], "format": "date-time"}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    return {"type": "object", "properties": {**required, **(optional or {})},
            "required": list(required)}


def _list(item: Schema) -> Schema:
    return {"type": "array", "items": item}


_USER = _object({"id": INTEGER, "username": STRING, "first_name": STRING},
                {"language": STRING, "is_staff": BOOLEAN, "email_verified": BOOLEAN})

_USER_WITH_PERMISSIONS: dict[str, Schema] = {
    "user": ref("User"),
    "permissions": _list({"type": "object"}),
}

_TABLE = _object({"id": INTEGER, "name": STRING, "order": INTEGER, "database_id": INTEGER},
                 {"data_sync": {"type": "null"}})

_PERMISSION_SCOPE: Schema = {"anyOf": [BOOLEAN, _list({
    "type": "array", "prefixItems": [{"enum": ["database", "table"]}, INTEGER],
    "minItems": 2, "maxItems": 2})]}

_ROW = {
    "type": "object",
    "properties": {"id": INTEGER, "order": {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]+$"}},
    "required": ["id", "order"],
    "description": "A row: `id`, `order` and one key per field (`field_<id>`, or the field "
                   "names with `user_field_names`).",
}

COMPONENTS: dict[str, Schema] = {
    **SHARED_COMPONENTS,
    "User": _USER,
    "Authenticated": _object({"token": STRING, "access_token": STRING, **_USER_WITH_PERMISSIONS},
                             {"refresh_token": STRING}),
    "UserWithPermissions": _object(_USER_WITH_PERMISSIONS),
    "Settings": _object({"allow_new_signups": BOOLEAN}),
    "WorkspaceUser": _object({"id": INTEGER, "name": STRING, "email": STRING,
                              "workspace": INTEGER, "permissions": STRING,
                              "created_on": DATETIME, "user_id": INTEGER}),
    "Workspace": _object({"id": INTEGER, "name": STRING, "order": INTEGER,
                          "permissions": STRING, "users": _list(ref("WorkspaceUser"))}),
    "WorkspaceBrief": _object({"id": INTEGER, "name": STRING}),
    "Table": _TABLE,
    "Database": _object({
        "id": INTEGER, "name": STRING, "order": INTEGER, "type": {"enum": ["database"]},
        "workspace": _object({"id": INTEGER, "name": STRING}),
        "created_on": DATETIME, "tables": _list(ref("Table")),
    }),
    "Field": _object({
        "id": INTEGER, "table_id": INTEGER, "name": STRING, "order": INTEGER, "type": STRING,
        "primary": BOOLEAN, "read_only": BOOLEAN, "description": {"type": ["string", "null"]},
    }, {"database_id": INTEGER, "workspace_id": INTEGER, "db_index": BOOLEAN}),
    "DeletedField": _object({"related_fields": _list(ref("Field"))}),
    "TokenPermissions": _object({op: _PERMISSION_SCOPE
                                 for op in ("create", "read", "update", "delete")}),
    "DatabaseToken": _object({
        "id": INTEGER, "name": STRING, "workspace": INTEGER, "key": STRING,
        "permissions": ref("TokenPermissions"),
    }, {"created": DATETIME, "expires_at": NULLABLE_DATETIME,
        "last_used": NULLABLE_DATETIME, "handled_calls": INTEGER}),
    "TokenTable": _object({"id": INTEGER, "name": STRING, "order": INTEGER,
                           "database_id": INTEGER}),
    "TokenCheck": _object({"token": {"enum": ["OK"]}}),
    "Row": _ROW,
    "RowPage": _object({
        "next": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]},
        "results": _list(ref("Row")),
    }, {"count": INTEGER}),
    "RowBatch": _object({"items": _list(ref("Row"))}),
}


def error_schema(codes: list[str]) -> Schema:
    """Baserow's `{"error", "detail"}` envelope with the codes one answer may carry; the
    plain `{"detail"}` form some refusals keep is allowed beside it."""
    envelope = _object({"error": {"enum": sorted(codes)}, "detail": {}}) if codes else None
    plain = plain_detail_schema()
    return {"anyOf": [envelope, plain]} if envelope is not None else plain


def plain_detail_schema() -> Schema:
    return {"type": "object", "properties": {"detail": {}}, "required": ["detail"],
            "not": {"required": ["error"]}}


def describe_codes(codes: list[str]) -> str:
    """One line per code with its catalogue message, for the response description."""
    lines = []
    for code in sorted(codes):
        spec = ERRORS.get(code)
        message = spec.detail if spec is not None and spec.detail else ""
        lines.append(f"- `{code}`" + (f": {message}" if message else ""))
    return "\n".join(lines)
