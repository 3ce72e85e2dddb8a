"""GET /api/database/views/grid/{view_id}/: the rows of a grid view, page by page.

Pages by `page`/`size` by default and by `limit`/`offset` when `limit` is sent; `count`
answers only the number of rows; `include=field_options` adds the view's field options.
Ad-hoc filters, search and `order_by` work as on the row listing, on top of the view.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import flag, services, user_actor
from gridbase.api.responses import JSONResponse
from gridbase.api.views import includes
from gridbase.errors import ApiError
from gridbase.handlers.policy import Actor
from gridbase.handlers.row_query import RowQuery
from gridbase.handlers.view_rows import list_view_rows

__all__ = ["router"]

router = APIRouter(prefix="/api/database/views/grid")
User = Annotated[Actor, Depends(user_actor)]


# Beyond this an offset only overflows the SQL drivers; no table has that many rows.
MAX_OFFSET = 2**53


def _number(raw: str | None, *, minimum: int) -> int | None:
    if raw is None or not raw.strip().isdigit():
        return None
    value = min(int(raw), MAX_OFFSET)
    return value if value >= minimum else None


def _url(request: Request, changes: dict[str, int | None]) -> str:
    """This request's URL with some parameters replaced (or dropped when None)."""
    settings = services(request).settings
    base = settings.public_url or str(request.base_url).rstrip("/")
    items: list[tuple[str, Any]] = [(k, v) for k, v in request.query_params.multi_items()
                                    if k not in changes]
    items += [(k, v) for k, v in changes.items() if v is not None]
    query = urlencode(items)
    return f"{base}{request.url.path}" + (f"?{query}" if query else "")


def _window(request: Request) -> tuple[int, int, bool]:
    """(limit, offset, by_page) from `limit`/`offset` or `page`/`size`."""
    settings = services(request).settings
    params = request.query_params
    by_page = "limit" not in params
    key = "size" if by_page else "limit"
    size = _number(params.get(key), minimum=1) or settings.page_size_default
    if size > settings.page_size_limit:
        raise ApiError("ERROR_PAGE_SIZE_LIMIT",
                       f"The page size is limited to {settings.page_size_limit}.")
    if by_page:
        page = _number(params.get("page"), minimum=1) or 1
        return size, min((page - 1) * size, MAX_OFFSET), True
    return size, _number(params.get("offset"), minimum=0) or 0, False


def _links(request: Request, count: int, limit: int, offset: int, by_page: bool
           ) -> tuple[str | None, str | None]:
    if by_page:
        page = offset // limit + 1
        following = _url(request, {"page": page + 1}) if offset + limit < count else None
        previous = (_url(request, {"page": page - 1 if page > 2 else None})
                    if page > 1 else None)
        return following, previous
    following = _url(request, {"limit": limit, "offset": offset + limit}) \
        if offset + limit < count else None
    previous = None
    if offset > 0:
        previous = _url(request, {"limit": limit,
                                  "offset": offset - limit if offset > limit else None})
    return following, previous


@router.get("/{view_id:int}/")
async def list_grid_rows(request: Request, view_id: int, actor: User) -> Response:
    params = request.query_params
    limit, offset, by_page = _window(request)
    query = RowQuery(
        include=params.get("include_fields"), exclude=params.get("exclude_fields"),
        order_by=params.get("order_by"), search=params.get("search"),
        search_mode=params.get("search_mode"),
        filter_params=[(k, v) for k, v in params.multi_items() if k.startswith("filter")],
    )
    count_only = flag(request, "count")
    page = await list_view_rows(
        services(request), actor, view_id, query, limit=limit, offset=offset,
        count_only=count_only, with_field_options="field_options" in includes(request))
    if count_only:
        return JSONResponse({"count": page.count})
    following, previous = _links(request, page.count, limit, offset, by_page)
    body: dict[str, Any] = {"count": page.count, "next": following, "previous": previous,
                            "results": page.results}
    if flag(request, "exclude_count"):
        del body["count"]
    if page.field_options is not None:
        body["field_options"] = page.field_options
    return JSONResponse(body)
