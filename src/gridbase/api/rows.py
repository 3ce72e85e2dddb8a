"""Row routes under /api/database/rows/: the API every integration calls most."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import flag, row_actor, services
from gridbase.api.body import json_body
from gridbase.api.responses import JSONResponse, empty
from gridbase.errors import ApiError, body_error, field_error
from gridbase.handlers import row_names as names
from gridbase.handlers import rows
from gridbase.handlers.policy import Actor
from gridbase.handlers.row_joins import join_params
from gridbase.handlers.row_query import RowQuery
from gridbase.handlers.row_values import not_a_dict

router = APIRouter(prefix="/api/database/rows")
UserOrToken = Annotated[Actor, Depends(row_actor)]


MAX_PAGE = 2**31


def _positive(raw: str | None) -> int | None:
    """A positive integer parameter; huge values are capped so offsets stay in range."""
    if raw is None or not (raw.strip().isascii() and raw.strip().isdigit()):
        return None
    value = int(raw) if len(raw.strip()) <= 12 else MAX_PAGE
    return min(value, MAX_PAGE) if value > 0 else None


def _optional_id(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise ApiError("ERROR_QUERY_PARAMETER_VALIDATION", {
            name: [{"error": "A valid integer is required.", "code": "invalid"}]})
    return int(raw)


def _websocket_id(request: Request) -> str | None:
    return request.headers.get("websocketid")


def _row_query(request: Request) -> RowQuery:
    settings = services(request).settings
    params = request.query_params
    size = _positive(params.get("size")) or settings.page_size_default
    if size > settings.page_size_limit:
        raise ApiError("ERROR_PAGE_SIZE_LIMIT",
                       f"The page size is limited to {settings.page_size_limit}.")
    return RowQuery(
        page=_positive(params.get("page")) or 1,
        size=size,
        user_field_names=flag(request, "user_field_names"),
        include=params.get("include"),
        exclude=params.get("exclude"),
        order_by=params.get("order_by"),
        search=params.get("search"),
        search_mode=params.get("search_mode"),
        exclude_count=flag(request, "exclude_count"),
        filter_params=[(k, v) for k, v in params.multi_items() if k.startswith("filter")],
        view_id=_optional_id(request, "view_id"),
        joins=join_params(list(params.multi_items())),
    )


def _page_url(request: Request, page: int) -> str:
    settings = services(request).settings
    base = settings.public_url or str(request.base_url).rstrip("/")
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    if page > 1:
        items.append(("page", str(page)))
    query = urlencode(items)
    return f"{base}{request.url.path}" + (f"?{query}" if query else "")


def _names_query(request: Request) -> dict[int, list[int]]:
    """`table__<id>=1,2,3` parameters; anything else is refused like Baserow does."""
    wanted: dict[int, list[int]] = {}
    errors: dict[str, Any] = {}
    for name, raw in request.query_params.multi_items():
        table = name.removeprefix("table__")
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if (not name.startswith("table__") or not table.isascii() or not table.isdigit()
                or len(table) > 12 or not parts
                or not all(p.isascii() and p.isdigit() and len(p) <= 12 for p in parts)):
            errors[name] = [{"error": "Use table__<id>=<row id>,<row id>.", "code": "invalid"}]
            continue
        wanted.setdefault(int(table), []).extend(int(p) for p in parts)
    if errors:
        raise ApiError("ERROR_QUERY_PARAMETER_VALIDATION", errors)
    return wanted


@router.get("/names/")
async def row_names(request: Request, actor: UserOrToken) -> Response:
    return JSONResponse(await names.row_names(services(request), actor, _names_query(request)))


@router.get("/table/{table_id:int}/")
async def list_rows(request: Request, table_id: int, actor: UserOrToken) -> Response:
    query = _row_query(request)
    page = await rows.list_rows(services(request), actor, table_id, query)
    has_next = (page.count is not None and query.page * query.size < page.count) or (
        page.count is None and page.size == query.size)
    body: dict[str, Any] = {
        "count": page.count,
        "next": _page_url(request, query.page + 1) if has_next else None,
        "previous": _page_url(request, query.page - 1) if query.page > 1 else None,
        "results": page.results,
    }
    if page.count is None:
        del body["count"]
    return JSONResponse(body)


@router.get("/table/{table_id:int}/{row_id:int}/")
async def get_row(request: Request, table_id: int, row_id: int, actor: UserOrToken) -> Response:
    return JSONResponse(await rows.get_row(
        services(request), actor, table_id, row_id, flag(request, "user_field_names"),
        join_params(list(request.query_params.multi_items()))))


@router.post("/table/{table_id:int}/")
async def create_row(request: Request, table_id: int, actor: UserOrToken) -> Response:
    data = await json_body(request)
    if not isinstance(data, dict):
        raise not_a_dict(data)
    created = await rows.create_rows(
        services(request), actor, table_id, [data],
        user_field_names=flag(request, "user_field_names"),
        before_id=_optional_id(request, "before"), batch=False,
        websocket_id=_websocket_id(request))
    return JSONResponse(created[0])


@router.patch("/table/{table_id:int}/{row_id:int}/")
async def update_row(request: Request, table_id: int, row_id: int, actor: UserOrToken
                     ) -> Response:
    data = await json_body(request)
    if not isinstance(data, dict):
        raise not_a_dict(data)
    updated = await rows.update_rows(
        services(request), actor, table_id, [data],
        user_field_names=flag(request, "user_field_names"), batch=False, row_id=row_id,
        websocket_id=_websocket_id(request))
    return JSONResponse(updated[0])


@router.patch("/table/{table_id:int}/{row_id:int}/move/")
async def move_row(request: Request, table_id: int, row_id: int, actor: UserOrToken
                   ) -> Response:
    return JSONResponse(await rows.move_row(
        services(request), actor, table_id, row_id, _optional_id(request, "before_id"),
        flag(request, "user_field_names"), websocket_id=_websocket_id(request)))


@router.delete("/table/{table_id:int}/{row_id:int}/")
async def delete_row(request: Request, table_id: int, row_id: int, actor: UserOrToken
                     ) -> Response:
    await rows.delete_rows(services(request), actor, table_id, [row_id], quoted=True,
                           websocket_id=_websocket_id(request))
    return empty()


def _items(request: Request, data: Any) -> list[Any]:
    """The `items` list of a batch body, 1..limit long, as Baserow validates it."""
    limit = services(request).settings.batch_size_limit
    if not isinstance(data, dict):
        raise not_a_dict(data)
    items = data.get("items")
    if items is None:
        raise body_error({"items": field_error("This field is required.", "required")})
    if not isinstance(items, list):
        raise body_error({"items": field_error(
            f'Expected a list of items but got type "{type(items).__name__}".', "not_a_list")})
    if not items:
        raise body_error({"items": field_error(
            "Ensure this field has at least 1 elements.", "min_length")})
    if len(items) > limit:
        raise body_error({"items": field_error(
            f"Ensure this field has no more than {limit} elements.", "max_length")})
    return items


@router.post("/table/{table_id:int}/batch/")
async def batch_create(request: Request, table_id: int, actor: UserOrToken) -> Response:
    items = _items(request, await json_body(request))
    created = await rows.create_rows(
        services(request), actor, table_id, items,
        user_field_names=flag(request, "user_field_names"),
        before_id=_optional_id(request, "before"), batch=True,
        websocket_id=_websocket_id(request))
    return JSONResponse({"items": created})


@router.patch("/table/{table_id:int}/batch/")
async def batch_update(request: Request, table_id: int, actor: UserOrToken) -> Response:
    items = _items(request, await json_body(request))
    updated = await rows.update_rows(
        services(request), actor, table_id, items,
        user_field_names=flag(request, "user_field_names"), batch=True,
        websocket_id=_websocket_id(request))
    return JSONResponse({"items": updated})


@router.post("/table/{table_id:int}/batch-delete/")
async def batch_delete(request: Request, table_id: int, actor: UserOrToken) -> Response:
    items = _items(request, await json_body(request))
    errors = {str(i): [{"error": "A valid integer is required.", "code": "invalid"}]
              for i, item in enumerate(items)
              if isinstance(item, bool) or not isinstance(item, int)}
    if errors:
        raise body_error({"items": errors})
    await rows.delete_rows(services(request), actor, table_id, items, quoted=False,
                           websocket_id=_websocket_id(request))
    return empty()
