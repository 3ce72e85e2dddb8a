"""The row routes, answered without FastAPI's per-request machinery.

Row calls are most of the traffic, and for a small one (a single create, a row by id)
FastAPI's route matching, dependency solving and exception middlewares took about a
sixth of the server's CPU. A route whose endpoint takes only the request, integer path
parameters and the row actor needs none of that: this middleware matches it by method
and path and calls the same endpoint, with the actor `row_actor` gives, and renders its
errors with the app's own exception handlers. Every other request goes on to FastAPI.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from fastapi.routing import APIRoute
from starlette.convertors import IntegerConvertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from gridbase.api.auth import row_actor
from gridbase.handlers.policy import Actor

__all__ = ["DirectRoutes", "direct_route"]

Endpoint = Callable[..., Awaitable[Response]]
Handler = Callable[[Request, Any], Response | Awaitable[Response]]


class _Direct:
    """One directly called route: its path pattern, endpoint and integer parameters."""

    def __init__(self, route: APIRoute) -> None:
        self.pattern: re.Pattern[str] = route.path_regex
        self.endpoint: Endpoint = route.endpoint
        self.convertors = route.param_convertors

    def match(self, path: str) -> dict[str, Any] | None:
        found = self.pattern.match(path)
        if found is None:
            return None
        return {name: self.convertors[name].convert(value)
                for name, value in found.groupdict().items()}


def direct_route(route: BaseRoute) -> bool:
    """Whether the route's endpoint can be called directly: `request`, integer path
    parameters, and `actor` (the row actor), nothing else."""
    if not isinstance(route, APIRoute) or route.dependencies:
        return False
    names = list(inspect.signature(route.endpoint).parameters)
    path_names = set(route.param_convertors)
    return (len(names) >= 2 and names[0] == "request" and names[-1] == "actor"
            and set(names[1:-1]) == path_names
            and all(isinstance(c, IntegerConvertor) for c in route.param_convertors.values()))


class DirectRoutes:
    """ASGI middleware calling the direct routes among `routes` (see the module doc)."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute],
                 handlers: Mapping[Any, Handler], prefix: str) -> None:
        self.app = app
        self.prefix = prefix
        self.handlers = handlers
        self.by_method: dict[str, list[_Direct]] = {}
        for route in routes:
            if direct_route(route):
                assert isinstance(route, APIRoute)
                for method in route.methods or ():
                    self.by_method.setdefault(method, []).append(_Direct(route))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            path = scope["path"]
            for direct in self.by_method.get(scope["method"], ()):
                params = direct.match(path)
                if params is not None:
                    await self._call(direct, params, scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _call(self, direct: _Direct, params: dict[str, Any], scope: Scope,
                    receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            actor: Actor = await row_actor(request)
            response = await direct.endpoint(request, **params, actor=actor)
        except Exception as exc:
            handler = self._handler(exc)
            if handler is None:
                raise
            answer = handler(request, exc)
            response = await answer if inspect.isawaitable(answer) else answer
        await response(scope, receive, send)

    def _handler(self, exc: Exception) -> Handler | None:
        """The app's handler for the error's class, as FastAPI's exception middleware
        picks it; none for unexpected errors, which reach the server error middleware."""
        for kind in type(exc).__mro__:
            if kind is Exception:
                return None
            handler = self.handlers.get(kind)
            if handler is not None:
                return handler
        return None
