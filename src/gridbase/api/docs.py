"""Documentation routes: the OpenAPI documents, the ReDoc page and each database's docs page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from gridbase.api.auth import flag, row_actor, services
from gridbase.api.responses import JSONResponse
from gridbase.docs import (
    build_database_openapi,
    build_openapi,
    load_database_doc,
    redoc_page,
    redoc_script,
    render_database_page,
    render_message_page,
)
from gridbase.errors import ApiError
from gridbase.handlers.policy import Actor
from gridbase.handlers.users import authenticate_access_token

__all__ = ["router"]

router = APIRouter()
UserOrToken = Annotated[Actor, Depends(row_actor)]

SCHEMA_PATH = "/api/schema.json"
REDOC_SCRIPT_PATH = "/api/redoc/redoc.standalone.js"


def _base_url(request: Request) -> str:
    return services(request).settings.public_url or str(request.base_url).rstrip("/")


@router.get(SCHEMA_PATH)
async def openapi_schema(request: Request) -> Response:
    return JSONResponse(build_openapi(request.app))


@router.get("/api/redoc/")
async def redoc(request: Request) -> Response:
    return HTMLResponse(redoc_page(SCHEMA_PATH, REDOC_SCRIPT_PATH))


@router.get(REDOC_SCRIPT_PATH)
async def redoc_js() -> Response:
    return Response(redoc_script(), media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/api/database/{database_id:int}/openapi.json")
async def database_openapi(request: Request, database_id: int, actor: UserOrToken) -> Response:
    doc = await load_database_doc(services(request), actor, database_id)
    return JSONResponse(build_database_openapi(
        doc, user_field_names=flag(request, "user_field_names"),
        server_url=_base_url(request)))


def _page_jwt(request: Request) -> str | None:
    """The access token from the header, the `jwt` cookie or `?jwt_token=`, so that a
    plain browser link can open the page."""
    parts = request.headers.get("authorization", "").split()
    if len(parts) == 2 and parts[0] == "JWT":
        return parts[1]
    return request.cookies.get("jwt") or request.query_params.get("jwt_token") or None


def _refusal(status: int, title: str, message: str) -> Response:
    return HTMLResponse(render_message_page(title, message), status_code=status)


@router.get("/api-docs/database/{database_id:int}")
@router.get("/api-docs/database/{database_id:int}/", include_in_schema=False)
async def database_page(request: Request, database_id: int) -> Response:
    svc = services(request)
    token = _page_jwt(request)
    if token is None:
        return _refusal(401, "Log in first", "These docs are for members of the database's "
                        "workspace: open this page with your access token.")
    try:
        user = await authenticate_access_token(svc, token)
    except ApiError:
        return _refusal(401, "Log in again", "Your access token is expired or invalid.")
    try:
        doc = await load_database_doc(svc, Actor(user_id=user["id"]), database_id)
    except ApiError as error:
        if error.code == "ERROR_APPLICATION_DOES_NOT_EXIST":
            return _refusal(404, "No such database", f"There is no database {database_id}.")
        return _refusal(403, "No access", "You are not a member of the workspace this "
                        "database belongs to.")
    openapi_url = f"{_base_url(request)}/api/database/{database_id}/openapi.json"
    return HTMLResponse(render_database_page(doc, _base_url(request), openapi_url))
