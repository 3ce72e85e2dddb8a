"""Workspace routes under /api/workspaces/."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import services, user_actor
from gridbase.api.body import Body, json_body, trimmed, validate
from gridbase.api.responses import JSONResponse, empty
from gridbase.handlers import workspaces
from gridbase.handlers.policy import Actor

router = APIRouter(prefix="/api/workspaces")
User = Annotated[Actor, Depends(user_actor)]


class WorkspaceBody(Body):
    name: Annotated[str, trimmed(165)]


class WorkspaceOrderBody(Body):
    workspaces: list[int]


@router.get("/")
async def list_workspaces(request: Request, actor: User) -> Response:
    return JSONResponse(await workspaces.list_workspaces(services(request), actor))


@router.post("/")
async def create_workspace(request: Request, actor: User) -> Response:
    body = validate(WorkspaceBody, await json_body(request))
    return JSONResponse(await workspaces.create_workspace(services(request), actor, body.name))


@router.patch("/{workspace_id:int}/")
async def update_workspace(request: Request, workspace_id: int, actor: User) -> Response:
    body = validate(WorkspaceBody, await json_body(request))
    return JSONResponse(
        await workspaces.update_workspace(services(request), actor, workspace_id, body.name))


@router.delete("/{workspace_id:int}/")
async def delete_workspace(request: Request, workspace_id: int, actor: User) -> Response:
    await workspaces.delete_workspace(services(request), actor, workspace_id)
    return empty()


@router.post("/order/")
async def order_workspaces(request: Request, actor: User) -> Response:
    body = validate(WorkspaceOrderBody, await json_body(request))
    await workspaces.order_workspaces(services(request), actor, body.workspaces)
    return empty()


@router.post("/{workspace_id:int}/leave/")
async def leave_workspace(request: Request, workspace_id: int, actor: User) -> Response:
    await workspaces.leave_workspace(services(request), actor, workspace_id)
    return empty()
