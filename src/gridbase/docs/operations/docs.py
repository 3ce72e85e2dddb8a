"""Operations of the documentation itself."""

from __future__ import annotations

from gridbase.docs.operations import Operation, Param

__all__ = ["OPERATIONS"]

_DOCS = "Documentation"
_OPENAPI = {"type": "object", "required": ["openapi", "info", "paths"],
            "properties": {"openapi": {"type": "string"}, "info": {"type": "object"},
                           "paths": {"type": "object"}}}
_PAGE_LOGIN = (
    Param("jwt_token", {"type": "string"},
          "An access token, for links opened in a browser; an `Authorization: JWT` header "
          "or a `jwt` cookie work too."),
    Param("jwt", {"type": "string"}, "An access token kept in a cookie.", location="cookie"),
)

OPERATIONS: dict[str, Operation] = {
    "GET /api/schema.json": Operation(
        "openapi_schema", _DOCS, "This API as an OpenAPI 3.1 document", response=_OPENAPI),
    "GET /api/redoc/": Operation(
        "redoc", _DOCS, "The API reference, rendered by ReDoc", response={"type": "string"},
        media_type="text/html"),
    "GET /api/redoc/redoc.standalone.js": Operation(
        "redoc_script", _DOCS, "The ReDoc script the reference page runs",
        response={"type": "string"}, media_type="text/javascript"),
    "GET /api/database/{database_id}/openapi.json": Operation(
        "database_openapi_schema", _DOCS,
        "The rows of one database as an OpenAPI 3.1 document with a schema per table",
        response=_OPENAPI,
        query=(Param("user_field_names", {"type": "boolean"},
                     "Key the row schemas by field names instead of field_<id>."),),
        errors=("ERROR_APPLICATION_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP",
                "ERROR_NO_PERMISSION_TO_TABLE"),
        description="A member's access token sees every table; a database token the "
                    "tables its read permission covers."),
    "GET /api-docs/database/{database_id}": Operation(
        "database_api_docs_page", _DOCS,
        "The docs page of one database: its tables, fields and runnable examples",
        response={"type": "string"}, media_type="text/html", auth=("JWT",),
        query=_PAGE_LOGIN,
        errors=("ERROR_APPLICATION_DOES_NOT_EXIST", ("ERROR_USER_NOT_IN_GROUP", 403)),
        description="For workspace members. The refusals are small HTML pages."),
}
