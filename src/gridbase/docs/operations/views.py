"""Operations on views (grid views), their filters, filter groups, sorts and field options,
and the table event stream."""

from __future__ import annotations

from gridbase.api.view_filters import (
    CreateFilterBody,
    CreateGroupBody,
    CreateSortBody,
    UpdateFilterBody,
    UpdateGroupBody,
    UpdateSortBody,
)
from gridbase.api.views import CreateViewBody, OrderViewsBody, UpdateViewBody
from gridbase.docs.operations import Operation, Param, Schema
from gridbase.docs.operations.rows import LIST_PARAMS, USER_FIELD_NAMES
from gridbase.docs.shapes import ref

__all__ = ["OPERATIONS"]

_INTEGER: Schema = {"type": "integer"}
_NULLABLE_ID: Schema = {"type": ["integer", "null"]}
_VIEW: Schema = {
    "type": "object",
    "properties": {"id": _INTEGER, "table_id": _INTEGER, "name": {"type": "string"},
                   "order": _INTEGER, "type": {"type": "string"},
                   "filter_type": {"enum": ["AND", "OR"]},
                   "filters_disabled": {"type": "boolean"}, "public": {"type": "boolean"}},
    "required": ["id", "table_id", "name", "order", "type", "filter_type"],
}
_FILTER: Schema = {
    "type": "object",
    "properties": {"id": _INTEGER, "view": _INTEGER, "field": _INTEGER,
                   "type": {"type": "string"}, "value": {"type": "string"},
                   "group": _NULLABLE_ID},
    "required": ["id", "view", "field", "type", "value"],
}
_GROUP: Schema = {
    "type": "object",
    "properties": {"id": _INTEGER, "view": _INTEGER, "filter_type": {"enum": ["AND", "OR"]},
                   "parent_group": _NULLABLE_ID},
    "required": ["id", "view", "filter_type"],
}
_SORT: Schema = {
    "type": "object",
    "properties": {"id": _INTEGER, "view": _INTEGER, "field": _INTEGER,
                   "order": {"enum": ["ASC", "DESC"]}, "type": {"type": "string"}},
    "required": ["id", "view", "field", "order"],
}
_OPTIONS: Schema = {
    "type": "object",
    "additionalProperties": {"type": "object", "properties": {
        "hidden": {"type": "boolean"}, "width": _INTEGER, "order": _INTEGER}},
    "description": "Per field id, how the grid shows it.",
}
_FIELD_OPTIONS: Schema = {"type": "object", "properties": {"field_options": _OPTIONS},
                          "required": ["field_options"]}
_GRID_PAGE: Schema = {
    "type": "object",
    "properties": {"count": _INTEGER, "next": {"type": ["string", "null"]},
                   "previous": {"type": ["string", "null"]},
                   "results": {"type": "array", "items": ref("Row")},
                   "field_options": _OPTIONS},
}
_INCLUDE = Param("include", {"type": "string"},
                 "Comma-separated extras: filters, sortings, decorations.")
_GRID_PARAMS = (
    *(p for p in LIST_PARAMS if p.name not in ("include", "exclude", USER_FIELD_NAMES.name)),
    Param("limit", {"type": "integer", "minimum": 1},
          "Page by limit and offset instead of page and size."),
    Param("offset", {"type": "integer", "minimum": 0}, "Rows to skip, with `limit`."),
    Param("include_fields", {"type": "string"}, "Comma-separated `field_<id>` to answer."),
    Param("exclude_fields", {"type": "string"}, "Comma-separated `field_<id>` to leave out."),
    Param("count", {"type": "boolean"}, "Answer only `{\"count\": n}`."),
    Param("include", {"type": "string"}, "`field_options` adds the view's field options."),
)

_VIEWS = "Views"
_TABLE_IS_GONE = ("ERROR_TABLE_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")
_VIEW_IS_GONE = ("ERROR_VIEW_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")
_FILTER_IS_GONE = ("ERROR_VIEW_FILTER_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")
_GROUP_IS_GONE = ("ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")
_SORT_IS_GONE = ("ERROR_VIEW_SORT_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")
_FILTER_CHECKS = ("ERROR_FIELD_NOT_IN_TABLE", "ERROR_FIELD_DOES_NOT_EXIST",
                  "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
                  "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD")
_SORT_CHECKS = ("ERROR_FIELD_NOT_IN_TABLE", "ERROR_FIELD_DOES_NOT_EXIST",
                "ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS", "ERROR_VIEW_SORT_FIELD_NOT_SUPPORTED")
_QUERY = ("ERROR_QUERY_PARAMETER_VALIDATION",)


def _list(item: Schema) -> Schema:
    return {"type": "array", "items": item}


OPERATIONS: dict[str, Operation] = {
    "GET /api/database/views/table/{table_id}/": Operation(
        "list_database_table_views", _VIEWS, "Views of a table", response=_list(_VIEW),
        query=(Param("type", {"type": "string"}, "Only views of this type."),
               Param("limit", {"type": "integer", "minimum": 0}, "At most this many views."),
               _INCLUDE),
        errors=(*_TABLE_IS_GONE, *_QUERY)),
    "POST /api/database/views/table/{table_id}/": Operation(
        "create_database_table_view", _VIEWS, "Create a view", body=CreateViewBody,
        response=_VIEW, query=(_INCLUDE,), errors=_TABLE_IS_GONE),
    "POST /api/database/views/table/{table_id}/order/": Operation(
        "order_database_table_views", _VIEWS, "Order the views of a table",
        body=OrderViewsBody, status=204, errors=(*_TABLE_IS_GONE, "ERROR_VIEW_NOT_IN_TABLE")),
    "GET /api/database/views/{view_id}/": Operation(
        "get_database_table_view", _VIEWS, "One view", response=_VIEW, query=(_INCLUDE,),
        errors=_VIEW_IS_GONE),
    "PATCH /api/database/views/{view_id}/": Operation(
        "update_database_table_view", _VIEWS, "Change a view", body=UpdateViewBody,
        response=_VIEW, query=(_INCLUDE,), errors=_VIEW_IS_GONE),
    "DELETE /api/database/views/{view_id}/": Operation(
        "delete_database_table_view", _VIEWS, "Delete a view", status=204,
        errors=_VIEW_IS_GONE),
    "GET /api/database/views/{view_id}/field-options/": Operation(
        "get_database_table_view_field_options", _VIEWS, "How a view shows each field",
        response=_FIELD_OPTIONS, errors=_VIEW_IS_GONE),
    "PATCH /api/database/views/{view_id}/field-options/": Operation(
        "update_database_table_view_field_options", _VIEWS, "Change how a view shows fields",
        body={"type": "object", "properties": {"field_options": _OPTIONS},
              "required": ["field_options"]},
        response=_FIELD_OPTIONS, errors=(*_VIEW_IS_GONE, "ERROR_UNRELATED_FIELD")),
    "GET /api/database/views/{view_id}/filters/": Operation(
        "list_database_table_view_filters", _VIEWS, "Filters of a view",
        response=_list(_FILTER), errors=_VIEW_IS_GONE),
    "POST /api/database/views/{view_id}/filters/": Operation(
        "create_database_table_view_filter", _VIEWS, "Add a filter to a view",
        body=CreateFilterBody, response=_FILTER,
        errors=(*_VIEW_IS_GONE, *_FILTER_CHECKS, "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST")),
    "GET /api/database/views/filter/{filter_id}/": Operation(
        "get_database_table_view_filter", _VIEWS, "One filter", response=_FILTER,
        errors=_FILTER_IS_GONE),
    "PATCH /api/database/views/filter/{filter_id}/": Operation(
        "update_database_table_view_filter", _VIEWS, "Change a filter",
        body=UpdateFilterBody, response=_FILTER, errors=(*_FILTER_IS_GONE, *_FILTER_CHECKS)),
    "DELETE /api/database/views/filter/{filter_id}/": Operation(
        "delete_database_table_view_filter", _VIEWS, "Delete a filter", status=204,
        errors=_FILTER_IS_GONE),
    "POST /api/database/views/{view_id}/filter-groups/": Operation(
        "create_database_table_view_filter_group", _VIEWS, "Add a filter group",
        body=CreateGroupBody, response=_GROUP,
        errors=(*_VIEW_IS_GONE, "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST")),
    "GET /api/database/views/filter-group/{group_id}/": Operation(
        "get_database_table_view_filter_group", _VIEWS, "One filter group", response=_GROUP,
        errors=_GROUP_IS_GONE),
    "PATCH /api/database/views/filter-group/{group_id}/": Operation(
        "update_database_table_view_filter_group", _VIEWS, "Change a filter group",
        body=UpdateGroupBody, response=_GROUP, errors=_GROUP_IS_GONE),
    "DELETE /api/database/views/filter-group/{group_id}/": Operation(
        "delete_database_table_view_filter_group", _VIEWS,
        "Delete a filter group and its filters", status=204, errors=_GROUP_IS_GONE),
    "GET /api/database/views/{view_id}/sortings/": Operation(
        "list_database_table_view_sortings", _VIEWS, "Sorts of a view", response=_list(_SORT),
        errors=_VIEW_IS_GONE),
    "POST /api/database/views/{view_id}/sortings/": Operation(
        "create_database_table_view_sort", _VIEWS, "Add a sort to a view",
        body=CreateSortBody, response=_SORT, errors=(*_VIEW_IS_GONE, *_SORT_CHECKS)),
    "GET /api/database/views/sort/{sort_id}/": Operation(
        "get_database_table_view_sort", _VIEWS, "One sort", response=_SORT,
        errors=_SORT_IS_GONE),
    "PATCH /api/database/views/sort/{sort_id}/": Operation(
        "update_database_table_view_sort", _VIEWS, "Change a sort", body=UpdateSortBody,
        response=_SORT, errors=(*_SORT_IS_GONE, *_SORT_CHECKS)),
    "DELETE /api/database/views/sort/{sort_id}/": Operation(
        "delete_database_table_view_sort", _VIEWS, "Delete a sort", status=204,
        errors=_SORT_IS_GONE),
    "GET /api/database/views/grid/{view_id}/": Operation(
        "list_database_table_grid_view_rows", _VIEWS,
        "Rows of a grid view, with its filters and sorts applied", response=_GRID_PAGE,
        query=_GRID_PARAMS,
        errors=(*_VIEW_IS_GONE, "ERROR_PAGE_SIZE_LIMIT", "ERROR_ORDER_BY_FIELD_NOT_FOUND",
                "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE", "ERROR_FILTER_FIELD_NOT_FOUND",
                "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
                "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
                "ERROR_FILTERS_PARAM_VALIDATION_ERROR")),
    "GET /api/database/rows/table/{table_id}/events/": Operation(
        "follow_database_table_events", "Rows", "Follow a table's changes as Server-Sent Events",
        response={"type": "string"}, media_type="text/event-stream",
        query=(USER_FIELD_NAMES,),
        errors=("ERROR_TABLE_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP",
                "ERROR_NO_PERMISSION_TO_TABLE"),
        description="Each event's id can be sent back as `Last-Event-ID` to resume without "
                    "missing events; `resync_required` means reload instead."),
}
