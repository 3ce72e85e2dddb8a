"""Row routes are called directly, past FastAPI's per-request machinery
(`gridbase.api.direct_routes`), and answer exactly as FastAPI's path would: the same
errors, headers and status codes."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, Query
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from gridbase.api import rows
from gridbase.api.auth import row_actor, user_actor
from gridbase.api.direct_routes import DirectRoutes, actor_dependency
from gridbase.errors import PlainError
from gridbase.handlers import rows as row_handlers
from gridbase.handlers.policy import Actor
from tests.conftest import Api


def test_every_row_route_is_called_directly() -> None:
    """A row route that grows another parameter would quietly fall back to the slower
    path: this says so."""
    assert [route.path for route in rows.router.routes
            if not isinstance(route, APIRoute) or actor_dependency(route) is None] == []


RowActor = Annotated[Actor, Depends(row_actor)]


async def _plain(request: Request, table_id: int, actor: RowActor) -> Response:
    return Response()


async def _with_query(request: Request, table_id: int, actor: RowActor,
                      size: int = Query(10)) -> Response:
    return Response()


async def _named(request: Request, name: str, actor: RowActor) -> Response:
    return Response()


async def _no_dependency(request: Request, table_id: int, actor: Actor) -> Response:
    return Response()


def _route(path: str, endpoint: Any, **options: Any) -> APIRoute:
    return APIRoute(path, endpoint, **options)


def test_only_routes_needing_nothing_else_are_called_directly() -> None:
    assert actor_dependency(_route("/t/{table_id:int}/", _plain)) is row_actor
    assert not actor_dependency(_route("/t/{table_id:int}/", _with_query))
    assert not actor_dependency(_route("/t/{name}/", _named))
    assert not actor_dependency(_route("/t/{table_id:int}/", _plain,
                                       dependencies=[Depends(row_actor)]))
    assert not actor_dependency(_route("/t/{table_id:int}/", _no_dependency))


async def test_the_actor_comes_from_the_route_s_own_dependency() -> None:
    """A route taking its actor from `user_actor` (a JWT only) refuses a database token
    as FastAPI would, where the row actor would have looked the token up."""
    async def jwt_only(request: Request, table_id: int,
                       actor: Annotated[Actor, Depends(user_actor)]) -> Response:
        return PlainTextResponse(str(actor.user_id))

    async def refused(_request: Request, exc: PlainError) -> Response:
        return PlainTextResponse(exc.detail, status_code=exc.status)

    app = DirectRoutes(PlainTextResponse("not called directly", status_code=418),
                       [_route("/t/{table_id:int}/", jwt_only)], {PlainError: refused}, "/t/")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/t/5/", headers={"Authorization": "Token abc"})
    assert (response.status_code, response.text) == (
        401, "Authentication credentials were not provided.")


async def test_errors_read_as_on_the_other_routes(client: httpx.AsyncClient) -> None:
    """No credentials: the same 401, body and challenge header from a row route as
    from a route FastAPI answers."""
    direct = await client.get("/api/database/rows/table/1/")
    routed = await client.get("/api/workspaces/")
    assert direct.status_code == routed.status_code == 401
    assert direct.json() == routed.json()
    assert direct.headers["www-authenticate"] == routed.headers["www-authenticate"]
    empty = await client.get("/api/database/rows/table/1/", headers={"Authorization": "Token"})
    assert empty.status_code == 401
    assert empty.json()["error"] == "ERROR_INVALID_TOKEN_HEADER"


async def test_path_shapes_and_methods_it_does_not_serve_reach_fastapi(api: Api) -> None:
    table = await api.table()
    base = f"/api/database/rows/table/{table['id']}"
    assert (await api.request("PUT", f"{base}/")).status_code == 405
    assert (await api.get(base)).json()["error"] == "URL_TRAILING_SLASH_MISSING"
    assert (await api.get(f"{base}/abc/")).status_code == 404
    huge = await api.get(f"{base}/99999999999999/")
    assert huge.status_code == 404
    assert huge.json()["error"] == "ERROR_ROW_DOES_NOT_EXIST"


async def test_an_unexpected_error_is_still_a_server_error(
    app: Any, api: Api, monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = await api.table()

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(row_handlers, "get_row", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get(f"/api/database/rows/table/{table['id']}/1/",
                                  headers=api.headers)
    assert response.status_code == 500
