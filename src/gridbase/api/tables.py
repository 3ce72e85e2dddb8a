"""Table routes under /api/database/tables/."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import services, user_actor
from gridbase.api.body import Body, json_body, trimmed, validate
from gridbase.api.responses import JSONResponse, empty
from gridbase.handlers import tables
from gridbase.handlers.policy import Actor

router = APIRouter(prefix="/api/database/tables")
User = Annotated[Actor, Depends(user_actor)]


class CreateTableBody(Body):
    name: Annotated[str, trimmed(255)]
    data: Annotated[list[Any] | None, Field(min_length=1)] = None
    first_row_header: bool = False


class UpdateTableBody(Body):
    name: Annotated[str, trimmed(255)]


class OrderTablesBody(Body):
    table_ids: list[int]


@router.get("/database/{database_id:int}/")
async def list_tables(request: Request, database_id: int, actor: User) -> Response:
    return JSONResponse(await tables.list_tables(services(request), actor, database_id))


@router.post("/database/{database_id:int}/")
async def create_table(request: Request, database_id: int, actor: User) -> Response:
    body = validate(CreateTableBody, await json_body(request))
    return JSONResponse(await tables.create_table(
        services(request), actor, database_id, body.name, body.data, body.first_row_header))


@router.post("/database/{database_id:int}/order/")
async def order_tables(request: Request, database_id: int, actor: User) -> Response:
    body = validate(OrderTablesBody, await json_body(request))
    await tables.order_tables(services(request), actor, database_id, body.table_ids)
    return empty()


@router.get("/{table_id:int}/")
async def get_table(request: Request, table_id: int, actor: User) -> Response:
    return JSONResponse(await tables.get_table(services(request), actor, table_id))


@router.patch("/{table_id:int}/")
async def update_table(request: Request, table_id: int, actor: User) -> Response:
    body = validate(UpdateTableBody, await json_body(request))
    return JSONResponse(await tables.update_table(services(request), actor, table_id, body.name))


@router.delete("/{table_id:int}/")
async def delete_table(request: Request, table_id: int, actor: User) -> Response:
    await tables.delete_table(services(request), actor, table_id)
    return empty()
