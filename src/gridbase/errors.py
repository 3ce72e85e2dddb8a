"""Every API error declared once: its code, HTTP status and default message.

Handlers raise `ApiError(code)`; the edge turns it into Baserow's envelope
`{"error": code, "detail": ...}`. The same catalogue documents errors in OpenAPI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ERRORS", "ApiError", "ErrorSpec", "PlainError", "body_error", "field_error"]


@dataclass(frozen=True)
class ErrorSpec:
    status: int
    detail: str


ERRORS: dict[str, ErrorSpec] = {
    # generic
    "ERROR_REQUEST_BODY_VALIDATION": ErrorSpec(400, "The request body was invalid."),
    "ERROR_QUERY_PARAMETER_VALIDATION": ErrorSpec(400, "The query parameters were invalid."),
    "URL_NOT_FOUND": ErrorSpec(404, "URL not found."),
    "URL_TRAILING_SLASH_MISSING": ErrorSpec(404, "A valid URL must end with a trailing slash."),
    "PERMISSION_DENIED": ErrorSpec(
        401, "You don't have the required permission to execute this operation."
    ),
    # accounts
    "ERROR_INVALID_CREDENTIALS": ErrorSpec(
        401, "No active account found with the given credentials."
    ),
    "ERROR_DEACTIVATED_USER": ErrorSpec(401, "User account has been disabled."),
    "ERROR_INVALID_ACCESS_TOKEN": ErrorSpec(401, "Access token is expired or invalid."),
    "ERROR_INVALID_REFRESH_TOKEN": ErrorSpec(401, "Refresh token is expired or invalid."),
    "ERROR_REFRESH_TOKEN_ALREADY_BLACKLISTED": ErrorSpec(
        400, "The refresh token is already blacklisted."
    ),
    "ERROR_EMAIL_ALREADY_EXISTS": ErrorSpec(400, ""),
    "ERROR_DISABLED_SIGNUP": ErrorSpec(400, ""),
    "ERROR_INVALID_OLD_PASSWORD": ErrorSpec(400, ""),
    # workspaces and databases
    "ERROR_GROUP_DOES_NOT_EXIST": ErrorSpec(404, "The requested workspace does not exist."),
    "ERROR_USER_NOT_IN_GROUP": ErrorSpec(400, ""),
    "ERROR_USER_INVALID_GROUP_PERMISSIONS": ErrorSpec(400, ""),
    "ERROR_GROUP_USER_IS_LAST_ADMIN": ErrorSpec(400, ""),
    "ERROR_APPLICATION_DOES_NOT_EXIST": ErrorSpec(
        404, "The requested application does not exist."
    ),
    "ERROR_APPLICATION_NOT_IN_GROUP": ErrorSpec(400, ""),
    "ERROR_APPLICATION_TYPE_DOES_NOT_EXIST": ErrorSpec(400, ""),
    # tables
    "ERROR_TABLE_DOES_NOT_EXIST": ErrorSpec(404, "The requested table does not exist."),
    "ERROR_TABLE_NOT_IN_DATABASE": ErrorSpec(400, ""),
    "ERROR_INVALID_INITIAL_TABLE_DATA": ErrorSpec(
        400, "The provided table data must at least contain one row and one column."
    ),
    "ERROR_INITIAL_SYNC_TABLE_DATA_LIMIT_EXCEEDED": ErrorSpec(400, ""),
    "ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES": ErrorSpec(
        400, "Field names must be unique in Baserow per table however the initial table "
        "data provided contains duplicate field names, please make them unique and try again."
    ),
    # fields
    "ERROR_FIELD_DOES_NOT_EXIST": ErrorSpec(404, "The requested field does not exist."),
    "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS": ErrorSpec(
        400,
        "You cannot have two fields with the same name in the same table, please choose a "
        "unique name for each field.",
    ),
    "ERROR_RESERVED_BASEROW_FIELD_NAME": ErrorSpec(
        400, "The field names id and order are reserved and cannot be used."
    ),
    "ERROR_INVALID_BASEROW_FIELD_NAME": ErrorSpec(
        400, "Fields must not be blank or only consist of whitespace."
    ),
    "ERROR_MAX_FIELD_COUNT_EXCEEDED": ErrorSpec(400, ""),
    "ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED": ErrorSpec(
        400, "A field can have a maximum of 255 characters."
    ),
    "ERROR_CANNOT_DELETE_PRIMARY_FIELD": ErrorSpec(400, ""),
    "ERROR_CANNOT_CHANGE_FIELD_TYPE": ErrorSpec(400, ""),
    "ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE": ErrorSpec(
        400, "The field type is not compatible with the primary field."
    ),
    "ERROR_LINK_ROW_TABLE_NOT_PROVIDED": ErrorSpec(400, ""),
    "ERROR_LINK_ROW_TABLE_NOT_IN_SAME_DATABASE": ErrorSpec(400, ""),
    "ERROR_SELF_REFERENCING_LINK_ROW_CANNOT_HAVE_RELATED_FIELD": ErrorSpec(400, ""),
    "ERROR_SELECT_OPTION_DOES_NOT_BELONG_TO_FIELD": ErrorSpec(400, ""),
    # rows
    "ERROR_ROW_DOES_NOT_EXIST": ErrorSpec(404, "The row does not exist."),
    "ERROR_ROW_IDS_NOT_UNIQUE": ErrorSpec(400, "The provided row ids are not unique."),
    "ERROR_PAGE_SIZE_LIMIT": ErrorSpec(400, "The page size is limited to 200."),
    "ERROR_ORDER_BY_FIELD_NOT_FOUND": ErrorSpec(400, ""),
    "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE": ErrorSpec(400, ""),
    "ERROR_FILTER_FIELD_NOT_FOUND": ErrorSpec(400, ""),
    "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST": ErrorSpec(400, ""),
    "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD": ErrorSpec(400, ""),
    "ERROR_FILTERS_PARAM_VALIDATION_ERROR": ErrorSpec(400, ""),
    "ERROR_VIEW_DOES_NOT_EXIST": ErrorSpec(404, "The requested view does not exist."),
    "ERROR_INVALID_JOIN_PARAMETER": ErrorSpec(400, ""),
    "ERROR_CANNOT_INCLUDE_ROW_METADATA": ErrorSpec(400, ""),
    # views
    "ERROR_VIEW_NOT_IN_TABLE": ErrorSpec(400, "The view does not belong to the table."),
    "ERROR_VIEW_FILTER_DOES_NOT_EXIST": ErrorSpec(404, "The view filter does not exist."),
    "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST": ErrorSpec(
        404, "The view filter group does not exist."
    ),
    "ERROR_VIEW_SORT_DOES_NOT_EXIST": ErrorSpec(404, "The view sort does not exist."),
    "ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS": ErrorSpec(
        400, "A sort with the field already exists in the view."
    ),
    "ERROR_VIEW_SORT_FIELD_NOT_SUPPORTED": ErrorSpec(
        400, "The field does not support view sorting on the given type."
    ),
    "ERROR_FIELD_NOT_IN_TABLE": ErrorSpec(
        400, "The provided field does not belong in the related table."
    ),
    "ERROR_UNRELATED_FIELD": ErrorSpec(400, "The field is not related to the provided view."),
    # tokens
    "ERROR_NO_PERMISSION_TO_TABLE": ErrorSpec(
        401, "The token does not have permissions to the table."
    ),
    "ERROR_TOKEN_DOES_NOT_EXIST": ErrorSpec(404, "The token does not exist."),
    "ERROR_INVALID_TOKEN_HEADER": ErrorSpec(401, "Invalid token header."),
    "ERROR_USER_NOT_ACTIVE": ErrorSpec(401, "The user is not active."),
    "ERROR_TABLE_DOES_NOT_BELONG_TO_GROUP": ErrorSpec(
        400, "The provided table does not belong to the related group."
    ),
    "ERROR_DATABASE_DOES_NOT_BELONG_TO_GROUP": ErrorSpec(
        400, "The provided database does not belong to the related group."
    ),
}


class ApiError(Exception):
    """A domain error that the edge renders as Baserow's `{"error", "detail"}` envelope."""

    def __init__(self, code: str, detail: Any = None, status: int | None = None) -> None:
        spec = ERRORS.get(code, ErrorSpec(400, ""))
        self.code = code
        self.detail = spec.detail if detail is None else detail
        self.status = spec.status if status is None else status
        super().__init__(f"{code}: {self.detail}")

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "detail": self.detail}


class PlainError(Exception):
    """An error rendered in the plain `{"detail": ...}` shape Baserow keeps for some cases."""

    def __init__(self, status: int, detail: Any, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        super().__init__(str(detail))


def field_error(message: str, code: str) -> list[dict[str, str]]:
    """One entry of a per-field validation list, as Baserow writes it."""
    return [{"error": message, "code": code}]


def body_error(detail: Any) -> ApiError:
    return ApiError("ERROR_REQUEST_BODY_VALIDATION", detail)
