"""HTTPS policy as plain ASGI middleware: which scheme a request really came over,
refusing plain-HTTP API calls when asked to, and HSTS on secure responses.

`X-Forwarded-Proto` is believed only from the proxies listed in GRIDBASE_TRUSTED_PROXIES;
anyone else could send it to pretend a plain request was secure.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HSTS_VALUE", "HttpsPolicy", "is_loopback"]

HSTS_VALUE = b"max-age=31536000; includeSubDomains"
_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def _networks(entries: Iterable[str]) -> list[Any]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return networks


@functools.lru_cache(maxsize=1024)
def _address(host: str | None) -> Any:
    """The parsed client address (the same few clients come back on every request)."""
    try:
        return ipaddress.ip_address(host or "")
    except ValueError:
        return None


def is_loopback(host: str | None) -> bool:
    address = _address(host)
    return address is not None and any(address in net for net in _LOOPBACK
                                       if net.version == address.version)


class HttpsPolicy:
    def __init__(self, app: ASGIApp, *, require_https: bool, trusted_proxies: Iterable[str]
                 ) -> None:
        self.app = app
        self.require_https = require_https
        self.trusted = _networks(trusted_proxies)

    def _trusted(self, host: str | None) -> bool:
        if not self.trusted:
            return False
        address = _address(host)
        return address is not None and any(address in net for net in self.trusted
                                           if net.version == address.version)

    def _secure(self, scope: Scope) -> bool:
        client = scope.get("client")
        host = client[0] if client else None
        if self._trusted(host):
            for name, value in scope.get("headers", []):
                if name == b"x-forwarded-proto":
                    proto = value.decode("latin-1").split(",")[0].strip().lower()
                    return proto in ("https", "wss")
        return scope.get("scheme") in ("https", "wss")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        secure = self._secure(scope)
        if secure:
            scope = {**scope, "scheme": "https" if scope["type"] == "http" else "wss"}
        client = scope.get("client")
        path: str = scope.get("path", "")
        if (self.require_https and not secure and (path.startswith(("/api/", "/ws/")))
                and not is_loopback(client[0] if client else None)):
            await self._refuse(scope, send)
            return
        if not secure or scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_hsts(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []),
                           (b"strict-transport-security", HSTS_VALUE)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_hsts)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = orjson.dumps({"error": "ERROR_HTTPS_REQUIRED",
                             "detail": "This gridbase only accepts API calls over HTTPS."})
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
