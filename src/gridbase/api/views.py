"""View routes under /api/database/views/: the views of a table and their field options.

Filters, filter groups and sorts are in `view_filters`; the rows of a grid view in
`view_grid`. All of them take a JWT only, as in Baserow.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import services, user_actor
from gridbase.api.body import Body, json_body, trimmed, validate
from gridbase.api.responses import JSONResponse, empty
from gridbase.errors import ApiError, body_error, field_error
from gridbase.handlers import view_field_options, views
from gridbase.handlers.policy import Actor
from gridbase.handlers.view_store import MAX_ID

__all__ = ["FilterType", "Text", "includes", "router"]

router = APIRouter(prefix="/api/database/views")
User = Annotated[Actor, Depends(user_actor)]


def _no_nul(value: str) -> str:
    """PostgreSQL text cannot hold NUL, and DRF refuses it in every text field."""
    if "\x00" in value:
        raise PydanticCustomError("null_characters_not_allowed",
                                  "Null characters are not allowed.")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Name = Annotated[str, trimmed(255), AfterValidator(_no_nul)]
FilterType = Literal["AND", "OR"]
RowIdentifier = Literal["id", "count"]
RowHeight = Literal["small", "medium", "large"]


class CreateViewBody(Body):
    name: Name
    type: Literal["grid"]
    ownership_type: Literal["collaborative"] = "collaborative"
    filter_type: FilterType = "AND"
    filters_disabled: bool = False
    public: bool = False
    row_identifier_type: RowIdentifier = "id"
    row_height_size: RowHeight = "small"


class UpdateViewBody(Body):
    """Every key optional; only the keys sent are changed (defaults are never used)."""

    name: Name = ""
    ownership_type: Literal["collaborative"] = "collaborative"
    filter_type: FilterType = "AND"
    filters_disabled: bool = False
    public: bool = False
    row_identifier_type: RowIdentifier = "id"
    row_height_size: RowHeight = "small"


class OrderViewsBody(Body):
    view_ids: Annotated[list[int], Field(min_length=1)]


class GridFieldOptionsBody(Body):
    hidden: bool = False
    width: Annotated[int, Field(ge=0, le=2**31 - 1)] = 200
    order: Annotated[int, Field(ge=-32768, le=32767)] = 32767
    aggregation_type: Annotated[str, StringConstraints(max_length=48)] = ""
    aggregation_raw_type: Literal[
        "", "empty_count", "not_empty_count", "unique_count", "min", "max", "sum", "average",
        "median", "decile", "variance", "std_dev", "distribution"] = ""


def includes(request: Request) -> set[str]:
    """The `include` query parameter as a set of words; unknown words are ignored."""
    return {part.strip() for part in request.query_params.get("include", "").split(",")}


def _query_error(name: str, message: str, code: str) -> ApiError:
    return ApiError("ERROR_QUERY_PARAMETER_VALIDATION", {name: field_error(message, code)})


def _list_params(request: Request) -> tuple[str | None, int | None]:
    params = request.query_params
    view_type = params.get("type")
    if view_type is not None and view_type not in views.KNOWN_VIEW_TYPES:
        raise _query_error("type", f'"{view_type}" is not a valid choice.', "invalid_choice")
    raw_limit = params.get("limit")
    limit: int | None = None
    if raw_limit not in (None, ""):
        try:
            limit = int(raw_limit)
        except ValueError:
            raise _query_error("limit", "A valid integer is required.", "invalid") from None
        limit = min(limit, MAX_ID)
        if limit < 0:
            raise _query_error("limit", "Ensure this value is greater than or equal to 0.",
                               "min_value")
    return view_type, limit or None


@router.get("/table/{table_id:int}/")
async def list_views(request: Request, table_id: int, actor: User) -> Response:
    view_type, limit = _list_params(request)
    return JSONResponse(await views.list_views(
        services(request), actor, table_id, view_type=view_type, limit=limit,
        include=includes(request)))


@router.post("/table/{table_id:int}/")
async def create_view(request: Request, table_id: int, actor: User) -> Response:
    body = validate(CreateViewBody, await json_body(request))
    return JSONResponse(await views.create_view(
        services(request), actor, table_id, body.model_dump(), include=includes(request)))


@router.post("/table/{table_id:int}/order/")
async def order_views(request: Request, table_id: int, actor: User) -> Response:
    body = validate(OrderViewsBody, await json_body(request))
    await views.order_views(services(request), actor, table_id, body.view_ids)
    return empty()


@router.get("/{view_id:int}/")
async def get_view(request: Request, view_id: int, actor: User) -> Response:
    return JSONResponse(await views.get_view(services(request), actor, view_id,
                                             include=includes(request)))


@router.patch("/{view_id:int}/")
async def update_view(request: Request, view_id: int, actor: User) -> Response:
    body = validate(UpdateViewBody, await json_body(request))
    values = body.model_dump(include=body.model_fields_set)
    return JSONResponse(await views.update_view(services(request), actor, view_id, values,
                                                include=includes(request)))


@router.delete("/{view_id:int}/")
async def delete_view(request: Request, view_id: int, actor: User) -> Response:
    await views.delete_view(services(request), actor, view_id)
    return empty()


@router.get("/{view_id:int}/field-options/")
async def get_field_options(request: Request, view_id: int, actor: User) -> Response:
    return JSONResponse(await view_field_options.get_field_options(
        services(request), actor, view_id))


def _options_error(message: str, code: str) -> ApiError:
    return body_error({"field_options": field_error(message, code)})


def _field_options(data: Any) -> dict[int, dict[str, Any]]:
    """`{"field_options": {"<field id>": {...}}}` with only the sent keys kept."""
    if not isinstance(data, dict):
        validate(GridFieldOptionsBody, data)  # raises Baserow's "expected a dictionary"
    raw = data.get("field_options")
    if raw is None:
        missing = "field_options" not in data
        raise _options_error("This field is required." if missing
                             else "This field may not be null.",
                             "required" if missing else "null")
    if not isinstance(raw, dict):
        raise _options_error(f'Expected a dictionary of items but got type '
                             f'"{type(raw).__name__}".', "not_a_dict")
    changes: dict[int, dict[str, Any]] = {}
    for key, value in raw.items():
        if not (isinstance(key, str) and key.isascii() and key.isdigit()):
            raise _options_error("Field option key must be numeric.", "invalid_key")
        if not isinstance(value, dict):
            raise _options_error("Must be valid field options.", "invalid_value")
        try:
            options = validate(GridFieldOptionsBody, value)
        except ApiError:
            raise _options_error("Must be valid field options.", "invalid_value") from None
        changes[int(key)] = options.model_dump(include=options.model_fields_set)
    return changes


@router.patch("/{view_id:int}/field-options/")
async def update_field_options(request: Request, view_id: int, actor: User) -> Response:
    changes = _field_options(await json_body(request))
    return JSONResponse(await view_field_options.update_field_options(
        services(request), actor, view_id, changes))
