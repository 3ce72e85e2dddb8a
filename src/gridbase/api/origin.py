"""Plain ASGI middleware remembering which websocket a request speaks for.

Clients send the `web_socket_id` they got on the websocket as a `WebSocketId` header;
every event the request causes then skips that socket, whatever handler raised it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from gridbase.events import request_origin

__all__ = ["WebSocketOrigin"]


class WebSocketOrigin:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = next((value.decode("latin-1") for name, value in scope.get("headers", [])
                       if name == b"websocketid"), None)
        token = request_origin.set(origin[:64] if origin else None)
        try:
            await self.app(scope, receive, send)
        finally:
            request_origin.reset(token)
