"""Field routes under /api/database/fields/."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import row_actor, services, user_actor
from gridbase.api.body import object_body
from gridbase.api.responses import JSONResponse
from gridbase.errors import ApiError
from gridbase.handlers import fields
from gridbase.handlers.policy import Actor

router = APIRouter(prefix="/api/database/fields")
User = Annotated[Actor, Depends(user_actor)]
UserOrToken = Annotated[Actor, Depends(row_actor)]


@router.get("/table/{table_id:int}/")
async def list_fields(request: Request, table_id: int, actor: UserOrToken) -> Response:
    return JSONResponse(await fields.list_fields(services(request), actor, table_id))


@router.post("/table/{table_id:int}/")
async def create_field(request: Request, table_id: int, actor: UserOrToken) -> Response:
    body = await object_body(request)
    if actor.token is not None:
        raise ApiError("ERROR_NO_PERMISSION_TO_TABLE")
    return JSONResponse(await fields.create_field(services(request), actor, table_id, body))


@router.get("/{field_id:int}/")
async def get_field(request: Request, field_id: int, actor: User) -> Response:
    return JSONResponse(await fields.get_field(services(request), actor, field_id))


@router.patch("/{field_id:int}/")
async def update_field(request: Request, field_id: int, actor: User) -> Response:
    body = await object_body(request)
    return JSONResponse(await fields.update_field(services(request), actor, field_id, body))


@router.delete("/{field_id:int}/")
async def delete_field(request: Request, field_id: int, actor: User) -> Response:
    return JSONResponse(await fields.delete_field(services(request), actor, field_id))
