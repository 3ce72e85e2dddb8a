"""Operations on tables, fields and database tokens."""

from __future__ import annotations

from gridbase.api.tables import CreateTableBody, OrderTablesBody, UpdateTableBody
from gridbase.docs.operations import Operation, Param, Schema
from gridbase.docs.shapes import ref

__all__ = ["OPERATIONS"]

_FIELD_BODY: Schema = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 255},
        "type": {"type": "string", "description": "A field type such as text or number."},
        "description": {"type": ["string", "null"]},
    },
    "required": ["name", "type"],
    "additionalProperties": True,
    "description": "Besides name and type, the properties of the field type "
                   "(for example number_decimal_places).",
}
_FIELD_UPDATE_BODY: Schema = {**_FIELD_BODY, "required": []}
_PERMISSION_VALUE: Schema = {"anyOf": [
    {"type": "boolean"},
    {"type": "array", "items": {"type": "array", "prefixItems": [
        {"enum": ["database", "table"]}, {"type": "integer"}], "minItems": 2, "maxItems": 2}},
]}
_PERMISSIONS: Schema = {
    "type": "object",
    "properties": {op: _PERMISSION_VALUE for op in ("create", "read", "update", "delete")},
    "required": ["create", "read", "update", "delete"],
}
_TOKEN_LIMITS: Schema = {
    "expires_at": {"type": ["string", "null"], "format": "date-time",
                   "description": "gridbase only: the token stops working at this time."},
    "rate_limit_per_minute": {"type": ["integer", "null"], "minimum": 1,
                              "description": "gridbase only: more calls a minute get a 429."},
}
_TOKEN_CREATE: Schema = {
    "type": "object",
    "properties": {"name": {"type": "string", "maxLength": 100},
                   "workspace": {"type": "integer"}, **_TOKEN_LIMITS},
    "required": ["name", "workspace"],
}
_TOKEN_UPDATE: Schema = {
    "type": "object",
    "properties": {"name": {"type": "string", "maxLength": 100}, "permissions": _PERMISSIONS,
                   "rotate_key": {"type": "boolean"}, **_TOKEN_LIMITS},
}

_TABLES = "Tables"
_FIELDS = "Fields"
_TOKENS = "Database tokens"
_DATABASE_IS_GONE = ("ERROR_APPLICATION_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")
_TABLE_IS_GONE = ("ERROR_TABLE_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")
_FIELD_IS_GONE = ("ERROR_FIELD_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")
_FIELD_NAME = ("ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS", "ERROR_RESERVED_BASEROW_FIELD_NAME",
               "ERROR_INVALID_BASEROW_FIELD_NAME", "ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED")
_INITIAL_DATA = (
    "ERROR_INVALID_INITIAL_TABLE_DATA", "ERROR_INITIAL_SYNC_TABLE_DATA_LIMIT_EXCEEDED",
    "ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES", "ERROR_RESERVED_BASEROW_FIELD_NAME",
    "ERROR_INVALID_BASEROW_FIELD_NAME", "ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED",
    "ERROR_MAX_FIELD_COUNT_EXCEEDED")
_TOKEN_IS_GONE = ("ERROR_TOKEN_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")

OPERATIONS: dict[str, Operation] = {
    "GET /api/database/rows/names/": Operation(
        "list_database_table_row_names", "Rows", "Primary-field text of chosen rows",
        response={"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": {"type": "string"}}},
        query=(Param("table__{table_id}", {"type": "string"},
                     "Row ids of that table, comma separated; repeat for other tables of "
                     "the same database."),),
        errors=("ERROR_TABLE_DOES_NOT_EXIST", "ERROR_NO_PERMISSION_TO_TABLE",
                "ERROR_USER_NOT_IN_GROUP", "ERROR_QUERY_PARAMETER_VALIDATION")),
    "GET /api/database/tables/database/{database_id}/": Operation(
        "list_database_tables", _TABLES, "Tables of a database",
        response={"type": "array", "items": ref("Table")}, errors=_DATABASE_IS_GONE),
    "POST /api/database/tables/database/{database_id}/": Operation(
        "create_database_table", _TABLES, "Create a table, empty or from rows of data",
        body=CreateTableBody, response=ref("Table"), errors=(*_DATABASE_IS_GONE, *_INITIAL_DATA),
        description="Without `data` the table gets the fields Name, Notes and Active and two "
                    "empty rows; with `data` one text field per column."),
    "POST /api/database/tables/database/{database_id}/order/": Operation(
        "order_database_tables", _TABLES, "Order the tables of a database",
        body=OrderTablesBody, status=204,
        errors=(*_DATABASE_IS_GONE, "ERROR_TABLE_NOT_IN_DATABASE")),
    "GET /api/database/tables/{table_id}/": Operation(
        "get_database_table", _TABLES, "One table", response=ref("Table"),
        errors=_TABLE_IS_GONE),
    "PATCH /api/database/tables/{table_id}/": Operation(
        "update_database_table", _TABLES, "Rename a table", body=UpdateTableBody,
        response=ref("Table"), errors=_TABLE_IS_GONE),
    "DELETE /api/database/tables/{table_id}/": Operation(
        "delete_database_table", _TABLES, "Delete a table and its rows", status=204,
        errors=_TABLE_IS_GONE),
    "GET /api/database/tables/all-tables/": Operation(
        "list_all_token_tables", _TABLES, "Tables a database token has any permission on",
        response={"type": "array", "items": ref("TokenTable")},
        errors=("ERROR_USER_NOT_IN_GROUP",)),
    "GET /api/database/fields/table/{table_id}/": Operation(
        "list_database_table_fields", _FIELDS, "Fields of a table, in order",
        response={"type": "array", "items": ref("Field")},
        errors=(*_TABLE_IS_GONE, "ERROR_NO_PERMISSION_TO_TABLE"),
        description="A database token needs the read, create or update permission."),
    "POST /api/database/fields/table/{table_id}/": Operation(
        "create_database_table_field", _FIELDS, "Add a field", body=_FIELD_BODY,
        response=ref("Field"),
        errors=(*_TABLE_IS_GONE, *_FIELD_NAME, "ERROR_NO_PERMISSION_TO_TABLE",
                "ERROR_MAX_FIELD_COUNT_EXCEEDED")),
    "GET /api/database/fields/{field_id}/": Operation(
        "get_database_table_field", _FIELDS, "One field", response=ref("Field"),
        errors=_FIELD_IS_GONE),
    "PATCH /api/database/fields/{field_id}/": Operation(
        "update_database_table_field", _FIELDS,
        "Rename a field, change its properties or convert it to another type",
        body=_FIELD_UPDATE_BODY, response=ref("Field"),
        errors=(*_FIELD_IS_GONE, *_FIELD_NAME, "ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE",
                "ERROR_CANNOT_CHANGE_FIELD_TYPE")),
    "DELETE /api/database/fields/{field_id}/": Operation(
        "delete_database_table_field", _FIELDS, "Delete a field", response=ref("DeletedField"),
        errors=(*_FIELD_IS_GONE, "ERROR_CANNOT_DELETE_PRIMARY_FIELD")),
    "GET /api/database/tokens/": Operation(
        "list_database_tokens", _TOKENS, "The user's database tokens (keys masked)",
        response={"type": "array", "items": ref("DatabaseToken")}),
    "POST /api/database/tokens/": Operation(
        "create_database_token", _TOKENS, "Create a token with every permission",
        body=_TOKEN_CREATE, response=ref("DatabaseToken"), errors=("ERROR_USER_NOT_IN_GROUP",),
        description="The only answer that shows the whole key, with the key rotation."),
    "GET /api/database/tokens/check/": Operation(
        "check_database_token", _TOKENS, "Check that a database token works",
        response=ref("TokenCheck"), auth=("Token",), refusal_status=403,
        description="Every refusal here is a 403."),
    "GET /api/database/tokens/{token_id}/": Operation(
        "get_database_token", _TOKENS, "One token", response=ref("DatabaseToken"),
        errors=_TOKEN_IS_GONE),
    "PATCH /api/database/tokens/{token_id}/": Operation(
        "update_database_token", _TOKENS, "Rename a token, change its permissions or its key",
        body=_TOKEN_UPDATE, response=ref("DatabaseToken"),
        errors=(*_TOKEN_IS_GONE, "ERROR_DATABASE_DOES_NOT_BELONG_TO_GROUP",
                "ERROR_TABLE_DOES_NOT_BELONG_TO_GROUP")),
    "DELETE /api/database/tokens/{token_id}/": Operation(
        "delete_database_token", _TOKENS, "Delete a token", status=204, errors=_TOKEN_IS_GONE),
}
