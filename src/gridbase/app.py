"""The application factory: routes, error rendering and the database lifecycle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, WebSocketRoute

from gridbase import __version__
from gridbase.api import (
    applications,
    fields,
    instance,
    rows,
    tables,
    tokens,
    users,
    view_filters,
    view_grid,
    views,
    workspaces,
)
from gridbase.api import docs as api_docs
from gridbase.api.direct_routes import DirectRoutes
from gridbase.api.idempotency import IdempotentWrites
from gridbase.api.origin import WebSocketOrigin
from gridbase.api.responses import JSONResponse, error_response
from gridbase.api.web import install_web
from gridbase.config import Settings, load_settings
from gridbase.errors import ApiError, PlainError
from gridbase.gc_tuning import tune_for_serving
from gridbase.gil_tuning import tune_switch_interval
from gridbase.handlers.services import Services
from gridbase.https import HttpsPolicy
from gridbase.realtime import Realtime, WebsocketEndpoint
from gridbase.realtime import sse as realtime_sse
from gridbase.storage.engine import Database

__all__ = ["create_app"]


def _path_exists_with_slash(app: FastAPI, request: Request) -> bool:
    scope = dict(request.scope)
    scope["path"] = request.url.path + "/"
    return any(route.matches(scope)[0] != Match.NONE for route in app.router.routes)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> Response:
        headers = {"WWW-Authenticate": 'JWT realm="api"'} if exc.status == 401 else None
        return error_response(exc.status, exc.body(), headers)

    @app.exception_handler(PlainError)
    async def plain_error(_request: Request, exc: PlainError) -> Response:
        return error_response(exc.status, {"detail": exc.detail}, exc.headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        path = request.url.path
        if exc.status_code == 404:
            if not path.endswith("/") and _path_exists_with_slash(app, request):
                return error_response(404, {
                    "error": "URL_TRAILING_SLASH_MISSING",
                    "detail": "A valid URL must end with a trailing slash. Please, redirect "
                              f"requests to {path}/",
                })
            return error_response(404, {"error": "URL_NOT_FOUND",
                                        "detail": f"URL {path} not found."})
        if exc.status_code == 405:
            return error_response(405, {"detail": f'Method "{request.method}" not allowed.'})
        return error_response(exc.status_code, {"detail": exc.detail})

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> Response:
        return error_response(400, {"error": "ERROR_QUERY_PARAMETER_VALIDATION",
                                    "detail": str(exc.errors())})


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the ASGI app; the database is opened and closed with the app's lifespan."""
    settings = settings or load_settings()
    services = Services(settings=settings, db=Database(
        settings.database_url, sqlite_mmap_mb=settings.sqlite_mmap_mb))
    realtime = Realtime(services)
    services.events.subscribe(realtime.publish)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await realtime.start()
        tune_for_serving()
        tune_switch_interval(services.db.dialect)
        try:
            yield
        finally:
            await realtime.stop()
            await services.indexes.close()
            await services.db.dispose()

    app = FastAPI(
        title="gridbase API", version=__version__, lifespan=lifespan,
        redirect_slashes=False, docs_url=None, redoc_url=None, openapi_url=None,
        default_response_class=JSONResponse,
    )
    app.state.services = services
    app.state.realtime = realtime
    _install_error_handlers(app)
    # Innermost: row calls skip FastAPI's routing (see direct_routes), after the HTTPS
    # policy and CORS have seen them.
    app.add_middleware(DirectRoutes, routes=rows.router.routes,
                       handlers=app.exception_handlers, prefix=rows.router.prefix)
    # A write retried with the same Idempotency-Key gets its first answer again.
    app.add_middleware(IdempotentWrites)
    # Baserow allows every origin, and any request header (WebSocketId, ClientSessionId...).
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"],
                       allow_headers=["*"])
    app.add_middleware(WebSocketOrigin)
    app.add_middleware(HttpsPolicy, require_https=settings.require_https,
                       trusted_proxies=settings.trusted_proxies)
    # Rows first: routes are tried in order, and row calls are most of the traffic (no
    # two routers share a path prefix, so the order changes nothing else).
    for module in (rows, instance, users, workspaces, applications, tokens, tables, fields,
                   views, view_filters, view_grid):
        app.include_router(module.router)
    app.include_router(realtime_sse.router)
    app.include_router(api_docs.router)
    app.router.routes.append(WebSocketRoute("/ws/core/", WebsocketEndpoint(realtime)))
    install_web(app)
    return app
