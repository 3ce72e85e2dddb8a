"""The row routes, answered without FastAPI's per-request machinery.

Row calls are most of the traffic, and for a small one (a single create, a row by id)
FastAPI's route matching, dependency solving and exception middlewares took about a
sixth of the server's CPU. A route whose endpoint takes only the request, integer path
parameters and an actor from a dependency on the request alone needs none of that: this
middleware matches it by method and path and calls the same endpoint, with the actor
its own dependency gives (as FastAPI analysed the route), and renders its errors with
the app's own exception handlers. Every other request goes on to FastAPI.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.convertors import IntegerConvertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from gridbase.handlers.policy import Actor

__all__ = ["DirectRoutes", "actor_dependency"]

Endpoint = Callable[..., Awaitable[Response]]
ActorDependency = Callable[[Request], Awaitable[Actor]]
Handler = Callable[[Request, Any], Response | Awaitable[Response]]


class _Direct:
    """One directly called route: its path pattern, endpoint, integer parameters and
    actor dependency."""

    def __init__(self, route: APIRoute, actor: ActorDependency) -> None:
        self.pattern: re.Pattern[str] = route.path_regex
        self.endpoint: Endpoint = route.endpoint
        self.convertors = route.param_convertors
        self.request_name = route.dependant.request_param_name or "request"
        self.actor = actor

    def match(self, path: str) -> dict[str, Any] | None:
        found = self.pattern.match(path)
        if found is None:
            return None
        return {name: self.convertors[name].convert(value)
                for name, value in found.groupdict().items()}


def _takes_only_the_request(dependant: Dependant) -> bool:
    return (dependant.request_param_name is not None and not (
        dependant.query_params or dependant.header_params or dependant.cookie_params
        or dependant.body_params or dependant.websocket_param_name
        or dependant.http_connection_param_name or dependant.response_param_name
        or dependant.background_tasks_param_name or dependant.security_scopes_param_name))


def actor_dependency(route: APIRoute) -> ActorDependency | None:
    """The dependency giving the actor when the route's endpoint can be called directly
    (it takes `request`, integer path parameters, and `actor` from an async dependency
    on the request alone, nothing else), else None."""
    dependant = route.dependant
    if (not _takes_only_the_request(dependant) or len(dependant.dependencies) != 1
            or {param.name for param in dependant.path_params} != set(route.param_convertors)
            or not all(isinstance(c, IntegerConvertor)
                       for c in route.param_convertors.values())):
        return None
    [actor] = dependant.dependencies
    if (actor.name != "actor" or actor.path_params or actor.dependencies
            or not _takes_only_the_request(actor)
            or not inspect.iscoroutinefunction(actor.call)):
        return None
    call: ActorDependency = actor.call
    return call


class DirectRoutes:
    """ASGI middleware calling the direct routes among `routes` (see the module doc)."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute],
                 handlers: Mapping[Any, Handler], prefix: str) -> None:
        self.app = app
        self.prefix = prefix
        self.handlers = handlers
        self.by_method: dict[str, list[_Direct]] = {}
        for route in routes:
            if not isinstance(route, APIRoute):
                continue
            actor = actor_dependency(route)
            if actor is not None:
                for method in route.methods or ():
                    self.by_method.setdefault(method, []).append(_Direct(route, actor))

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
            actor = await direct.actor(request)
            params[direct.request_name] = request
            response = await direct.endpoint(**params, actor=actor)
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
