"""Operations on rows: the API integrations call most, described for every table at once.

The per-database document and docs page reuse these entries with the real schema of each
table in place of the generic `Row`.
"""

from __future__ import annotations

from gridbase.docs.operations import Operation, Param, Schema
from gridbase.docs.shapes import ref
from gridbase.fields.model import TableSchema

__all__ = [
    "BATCH_DELETE_BODY",
    "BEFORE",
    "BEFORE_ID",
    "LIST_PARAMS",
    "OPERATIONS",
    "ROW_PATH",
    "TABLE_PATH",
    "USER_FIELD_NAMES",
    "join_params",
]

TABLE_PATH = "/api/database/rows/table/{table_id}/"
ROW_PATH = "/api/database/rows/table/{table_id}/{row_id}/"

USER_FIELD_NAMES = Param(
    "user_field_names", {"type": "boolean"},
    "Use field names instead of `field_<id>` as keys, in the request body and the answer. "
    "true, yes, on, 1 or an empty value switch it on.")
BEFORE = Param(
    "before", {"type": "integer", "minimum": 0},
    "Put the new rows before the row with this id; without it they go last.")
BEFORE_ID = Param(
    "before_id", {"type": "integer", "minimum": 0},
    "Move the row before the row with this id; without it the row moves to the end.")

LIST_PARAMS: tuple[Param, ...] = (
    Param("page", {"type": "integer", "minimum": 1}, "The page to answer, from 1."),
    Param("size", {"type": "integer", "minimum": 1},
          "Rows per page: 100 unless given, at most the instance's limit (200 by default)."),
    USER_FIELD_NAMES,
    Param("search", {"type": "string"},
          "Only rows where every word of the text is found in some cell."),
    Param("search_mode", {"enum": ["full-text-with-count", "compat"]},
          "`compat` looks for the whole text in one cell instead of word by word."),
    Param("order_by", {"type": "string"},
          "Comma-separated fields to sort by; `-` before a field sorts descending. Quote "
          "names holding a comma with double quotes."),
    Param("include", {"type": "string"}, "Comma-separated fields to answer; others are left out."),
    Param("exclude", {"type": "string"}, "Comma-separated fields to leave out."),
    Param("filters", {"type": "string"},
          'A JSON filter tree: {"filter_type": "AND" or "OR", "filters": [{"field": id or '
          'name, "type": filter type, "value": text}], "groups": [nested trees]}. When given, '
          "the `filter__` parameters are ignored."),
    Param("filter_type", {"enum": ["AND", "OR"]},
          "How the `filter__` parameters combine (any case); AND unless given."),
    Param("exclude_count", {"type": "boolean"},
          "gridbase only: leave out `count`, which saves counting a large table."),
)
FILTER_PARAM_NOTE = (
    "Filter with `filter__<field>__<filter type>=<value>`, e.g. `filter__field_1__contains=ab`; "
    "repeat it to combine several. The filters a field accepts are listed with its table.")

JOIN_PARAM_NOTE = (
    "Add `<link field>__join=<field>,<field>` to also answer fields of the linked rows: each "
    "linked item `{id, value, order}` gets one more key per named field of the linked table "
    "(`field_<id>`, or its name with `user_field_names`), valued as the row API answers it. "
    "Link fields of the linked table cannot be joined. A database token needs read "
    "permission on the linked table too.")
JOINED_OPERATIONS = frozenset({"list_database_table_rows", "get_database_table_row"})


def join_params(table: TableSchema, user_field_names: bool) -> tuple[Param, ...]:
    """One `<link field>__join` parameter per link field of `table`."""
    return tuple(
        Param(f"{table.field_key(spec, user_field_names)}__join", {"type": "string"},
              f"Comma-separated fields of the table this link points to (table "
              f"{spec.props.get('link_row_table_id')}) to add to each linked item of "
              f"{spec.name}.")
        for spec in table.fields if spec.type == "link_row")


_ROW_BODY: Schema = {"type": "object", "additionalProperties": True,
                     "description": "Field keys and their values; leave out what you do "
                                    "not set."}
_BATCH_CREATE_BODY: Schema = {
    "type": "object", "properties": {"items": {"type": "array", "items": _ROW_BODY,
                                               "minItems": 1}},
    "required": ["items"]}
_BATCH_UPDATE_BODY: Schema = {
    "type": "object",
    "properties": {"items": {"type": "array", "minItems": 1, "items": {
        "type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"],
        "additionalProperties": True}}},
    "required": ["items"]}
BATCH_DELETE_BODY: Schema = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"type": "integer"}, "minItems": 1}},
    "required": ["items"]}

_ROWS = "Rows"
_TABLE = ("ERROR_TABLE_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP", "ERROR_NO_PERMISSION_TO_TABLE")
_ROW = (*_TABLE, "ERROR_ROW_DOES_NOT_EXIST")
_BAD_ID = ("ERROR_QUERY_PARAMETER_VALIDATION",)

OPERATIONS: dict[str, Operation] = {
    f"GET {TABLE_PATH}": Operation(
        "list_database_table_rows", _ROWS, "List rows, a page at a time",
        response=ref("RowPage"), query=LIST_PARAMS,
        description=f"{FILTER_PARAM_NOTE} {JOIN_PARAM_NOTE}",
        errors=(*_TABLE, "ERROR_PAGE_SIZE_LIMIT", "ERROR_INVALID_JOIN_PARAMETER",
                "ERROR_ORDER_BY_FIELD_NOT_FOUND",
                "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE", "ERROR_FILTER_FIELD_NOT_FOUND",
                "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
                "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
                "ERROR_FILTERS_PARAM_VALIDATION_ERROR")),
    f"GET {ROW_PATH}": Operation(
        "get_database_table_row", _ROWS, "One row", response=ref("Row"),
        query=(USER_FIELD_NAMES,), errors=(*_ROW, "ERROR_INVALID_JOIN_PARAMETER"),
        description=JOIN_PARAM_NOTE),
    f"POST {TABLE_PATH}": Operation(
        "create_database_table_row", _ROWS, "Create a row", body=_ROW_BODY,
        response=ref("Row"), query=(USER_FIELD_NAMES, BEFORE),
        errors=(*_TABLE, *_BAD_ID, "ERROR_ROW_DOES_NOT_EXIST"),
        description="Fields left out get their default. Answers 200 with the new row."),
    f"PATCH {ROW_PATH}": Operation(
        "update_database_table_row", _ROWS, "Change some fields of a row", body=_ROW_BODY,
        response=ref("Row"), query=(USER_FIELD_NAMES,), errors=_ROW),
    f"PATCH {ROW_PATH}move/": Operation(
        "move_database_table_row", _ROWS, "Move a row", response=ref("Row"),
        query=(USER_FIELD_NAMES, BEFORE_ID), errors=(*_ROW, *_BAD_ID)),
    f"DELETE {ROW_PATH}": Operation(
        "delete_database_table_row", _ROWS, "Delete a row", status=204, errors=_ROW),
    f"POST {TABLE_PATH}batch/": Operation(
        "batch_create_database_table_rows", _ROWS, "Create several rows at once",
        body=_BATCH_CREATE_BODY, response=ref("RowBatch"), query=(USER_FIELD_NAMES, BEFORE),
        errors=(*_TABLE, *_BAD_ID, "ERROR_ROW_DOES_NOT_EXIST")),
    f"PATCH {TABLE_PATH}batch/": Operation(
        "batch_update_database_table_rows", _ROWS, "Change several rows at once",
        body=_BATCH_UPDATE_BODY, response=ref("RowBatch"), query=(USER_FIELD_NAMES,),
        errors=(*_ROW, "ERROR_ROW_IDS_NOT_UNIQUE")),
    f"POST {TABLE_PATH}batch-delete/": Operation(
        "batch_delete_database_table_rows", _ROWS, "Delete several rows at once",
        body=BATCH_DELETE_BODY, status=204, errors=(*_ROW, "ERROR_ROW_IDS_NOT_UNIQUE")),
}
