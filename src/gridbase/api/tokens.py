"""Database token routes under /api/database/tokens/, plus the token-only table list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import services, token_actor, user_actor
from gridbase.api.body import object_body
from gridbase.api.responses import JSONResponse, empty
from gridbase.errors import ApiError, PlainError
from gridbase.handlers import tokens
from gridbase.handlers.policy import Actor

router = APIRouter()
User = Annotated[Actor, Depends(user_actor)]
TokenOnly = Annotated[Actor, Depends(token_actor)]


@router.get("/api/database/tokens/")
async def list_tokens(request: Request, actor: User) -> Response:
    return JSONResponse(await tokens.list_tokens(services(request), actor))


@router.post("/api/database/tokens/")
async def create_token(request: Request, actor: User) -> Response:
    body = await object_body(request)
    return JSONResponse(await tokens.create_token(services(request), actor, body))


@router.get("/api/database/tokens/check/")
async def check_token(request: Request) -> Response:
    """Token-only: every refusal here is a 403, unlike on the row endpoints."""
    try:
        await token_actor(request)
    except ApiError as error:
        raise ApiError(error.code, error.detail, status=403) from None
    except PlainError as error:
        raise PlainError(403, error.detail) from None
    return JSONResponse({"token": "OK"})


@router.get("/api/database/tokens/{token_id:int}/")
async def get_token(request: Request, token_id: int, actor: User) -> Response:
    return JSONResponse(await tokens.get_token(services(request), actor, token_id))


@router.patch("/api/database/tokens/{token_id:int}/")
async def update_token(request: Request, token_id: int, actor: User) -> Response:
    body = await object_body(request)
    return JSONResponse(await tokens.update_token(services(request), actor, token_id, body))


@router.delete("/api/database/tokens/{token_id:int}/")
async def delete_token(request: Request, token_id: int, actor: User) -> Response:
    await tokens.delete_token(services(request), actor, token_id)
    return empty()


@router.get("/api/database/tables/all-tables/")
async def all_tables(request: Request, actor: TokenOnly) -> Response:
    return JSONResponse(await tokens.token_tables(services(request), actor))
