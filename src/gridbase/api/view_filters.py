"""Routes for a view's filters, filter groups and sorts under /api/database/views/."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import StringConstraints
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import services, user_actor
from gridbase.api.body import Body, json_body, validate
from gridbase.api.responses import JSONResponse, empty
from gridbase.api.views import FilterType, Text
from gridbase.handlers import view_filters, view_sorts
from gridbase.handlers.policy import Actor

__all__ = ["router"]

router = APIRouter(prefix="/api/database/views")
User = Annotated[Actor, Depends(user_actor)]
SortType = Annotated[str, StringConstraints(max_length=32)]
SortOrder = Literal["ASC", "DESC"]


class CreateFilterBody(Body):
    field: int
    type: str
    value: Text = ""
    group: int | None = None


class UpdateFilterBody(Body):
    """Partial: only the keys sent are used."""

    field: int = 0
    type: str = ""
    value: Text = ""


class CreateGroupBody(Body):
    filter_type: FilterType = "AND"
    parent_group: int | None = None


class UpdateGroupBody(Body):
    filter_type: FilterType = "AND"


class CreateSortBody(Body):
    field: int
    order: SortOrder = "ASC"
    type: SortType = "default"


class UpdateSortBody(Body):
    """Partial: only the keys sent are used."""

    field: int = 0
    order: SortOrder = "ASC"
    type: SortType = "default"


@router.get("/{view_id:int}/filters/")
async def list_filters(request: Request, view_id: int, actor: User) -> Response:
    return JSONResponse(await view_filters.list_filters(services(request), actor, view_id))


@router.post("/{view_id:int}/filters/")
async def create_filter(request: Request, view_id: int, actor: User) -> Response:
    body = validate(CreateFilterBody, await json_body(request))
    return JSONResponse(await view_filters.create_filter(
        services(request), actor, view_id, body.field, body.type, body.value, body.group))


@router.get("/filter/{filter_id:int}/")
async def get_filter(request: Request, filter_id: int, actor: User) -> Response:
    return JSONResponse(await view_filters.get_filter(services(request), actor, filter_id))


@router.patch("/filter/{filter_id:int}/")
async def update_filter(request: Request, filter_id: int, actor: User) -> Response:
    body = validate(UpdateFilterBody, await json_body(request))
    return JSONResponse(await view_filters.update_filter(
        services(request), actor, filter_id, body.model_dump(include=body.model_fields_set)))


@router.delete("/filter/{filter_id:int}/")
async def delete_filter(request: Request, filter_id: int, actor: User) -> Response:
    await view_filters.delete_filter(services(request), actor, filter_id)
    return empty()


@router.post("/{view_id:int}/filter-groups/")
async def create_filter_group(request: Request, view_id: int, actor: User) -> Response:
    body = validate(CreateGroupBody, await json_body(request))
    return JSONResponse(await view_filters.create_filter_group(
        services(request), actor, view_id, body.filter_type, body.parent_group))


@router.get("/filter-group/{group_id:int}/")
async def get_filter_group(request: Request, group_id: int, actor: User) -> Response:
    return JSONResponse(await view_filters.get_filter_group(services(request), actor, group_id))


@router.patch("/filter-group/{group_id:int}/")
async def update_filter_group(request: Request, group_id: int, actor: User) -> Response:
    body = validate(UpdateGroupBody, await json_body(request))
    filter_type = body.filter_type if "filter_type" in body.model_fields_set else None
    return JSONResponse(await view_filters.update_filter_group(
        services(request), actor, group_id, filter_type))


@router.delete("/filter-group/{group_id:int}/")
async def delete_filter_group(request: Request, group_id: int, actor: User) -> Response:
    await view_filters.delete_filter_group(services(request), actor, group_id)
    return empty()


@router.get("/{view_id:int}/sortings/")
async def list_sorts(request: Request, view_id: int, actor: User) -> Response:
    return JSONResponse(await view_sorts.list_sorts(services(request), actor, view_id))


@router.post("/{view_id:int}/sortings/")
async def create_sort(request: Request, view_id: int, actor: User) -> Response:
    body = validate(CreateSortBody, await json_body(request))
    return JSONResponse(await view_sorts.create_sort(
        services(request), actor, view_id, body.field, body.order, body.type))


@router.get("/sort/{sort_id:int}/")
async def get_sort(request: Request, sort_id: int, actor: User) -> Response:
    return JSONResponse(await view_sorts.get_sort(services(request), actor, sort_id))


@router.patch("/sort/{sort_id:int}/")
async def update_sort(request: Request, sort_id: int, actor: User) -> Response:
    body = validate(UpdateSortBody, await json_body(request))
    return JSONResponse(await view_sorts.update_sort(
        services(request), actor, sort_id, body.model_dump(include=body.model_fields_set)))


@router.delete("/sort/{sort_id:int}/")
async def delete_sort(request: Request, sort_id: int, actor: User) -> Response:
    await view_sorts.delete_sort(services(request), actor, sort_id)
    return empty()
