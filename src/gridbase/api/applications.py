"""Database (application) routes under /api/applications/."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import services, user_actor
from gridbase.api.body import Body, json_body, trimmed, validate
from gridbase.api.responses import JSONResponse, empty
from gridbase.handlers import applications
from gridbase.handlers.policy import Actor

router = APIRouter(prefix="/api/applications")
User = Annotated[Actor, Depends(user_actor)]


class CreateApplicationBody(Body):
    name: Annotated[str, trimmed(160)]
    type: Literal["database", "builder", "dashboard"]
    init_with_data: bool = False


class UpdateApplicationBody(Body):
    name: Annotated[str, trimmed(160)]


class OrderApplicationsBody(Body):
    application_ids: list[int]


@router.get("/")
async def list_all(request: Request, actor: User) -> Response:
    return JSONResponse(await applications.list_databases(services(request), actor))


@router.get("/workspace/{workspace_id:int}/")
async def list_in_workspace(request: Request, workspace_id: int, actor: User) -> Response:
    return JSONResponse(
        await applications.list_databases(services(request), actor, workspace_id))


@router.post("/workspace/{workspace_id:int}/")
async def create(request: Request, workspace_id: int, actor: User) -> Response:
    body = validate(CreateApplicationBody, await json_body(request))
    return JSONResponse(await applications.create_database(
        services(request), actor, workspace_id, body.name, body.type,
        init_with_data=body.init_with_data))


@router.post("/workspace/{workspace_id:int}/order/")
async def order(request: Request, workspace_id: int, actor: User) -> Response:
    body = validate(OrderApplicationsBody, await json_body(request))
    await applications.order_databases(services(request), actor, workspace_id,
                                       body.application_ids)
    return empty()


@router.get("/{application_id:int}/")
async def get(request: Request, application_id: int, actor: User) -> Response:
    return JSONResponse(
        await applications.get_database(services(request), actor, application_id))


@router.patch("/{application_id:int}/")
async def update(request: Request, application_id: int, actor: User) -> Response:
    body = validate(UpdateApplicationBody, await json_body(request))
    return JSONResponse(await applications.update_database(
        services(request), actor, application_id, body.name))


@router.delete("/{application_id:int}/")
async def delete(request: Request, application_id: int, actor: User) -> Response:
    await applications.delete_database(services(request), actor, application_id)
    return empty()
