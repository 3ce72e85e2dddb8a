"""The web page: the built single-page app, served at `/` by gridbase itself.

It runs as the router's fallback, so it only sees requests no API route claimed (a wrong
method on an API path still gets its 405, an unknown API path its JSON 404). Built assets
carry a content hash in their names and are cached for a year. `/`, and any other path a
browser asks for as a page (`Accept: text/html`), is a client-side route and gets
`index.html`, never cached so a new build shows at once; API clients asking for an unknown
path keep getting Baserow's JSON 404.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["WEB_DIST", "install_web"]

WEB_DIST = Path(__file__).resolve().parent.parent / "web_dist"

# Paths that belong to the API: never answered with the page.
_SERVER_PREFIXES = ("/api/", "/ws/", "/api-docs/")
_SERVER_PATHS = {"/api", "/ws", "/api-docs"}
_ASSET_CACHE = "public, max-age=31536000, immutable"

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gridbase</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto">
<h1>gridbase</h1>
<p>The API is running, but the web page has not been built.</p>
<p>Build it with <code>make run</code>
(or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>), then reload this page.
The API itself is documented at <a href="/api/redoc/">/api/redoc/</a>.</p>
</body></html>
"""


def _is_server_path(path: str) -> bool:
    return path in _SERVER_PATHS or path.startswith(_SERVER_PREFIXES)


def _built_file(dist: Path, path: str) -> Path | None:
    """The file of the build at `path`, refusing anything that escapes the build folder."""
    relative = path.lstrip("/")
    if not relative:
        return None
    candidate = (dist / relative).resolve()
    if not candidate.is_relative_to(dist.resolve()) or not candidate.is_file():
        return None
    return candidate


def page_response(dist: Path, path: str, accept: str = "text/html") -> Response | None:
    """What the web page answers for a GET of `path`; None when the path is not its own."""
    if _is_server_path(path):
        return None
    index = dist / "index.html"
    if not index.is_file():
        return HTMLResponse(_NOT_BUILT)
    built = _built_file(dist, path)
    if built is not None and built.name != "index.html":
        cache = _ASSET_CACHE if path.startswith("/assets/") else "no-cache"
        return FileResponse(built, headers={"Cache-Control": cache})
    if path.startswith("/assets/") or (path != "/" and "text/html" not in accept):
        return None
    return HTMLResponse(index.read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})


class WebFallback:
    """The router's default app: the page for GET/HEAD of non-API paths, else `fallback`."""

    def __init__(self, fallback: ASGIApp, dist: Path = WEB_DIST) -> None:
        self.fallback = fallback
        self.dist = dist

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            accept = Headers(scope=scope).get("accept", "")
            response = page_response(self.dist, scope["path"], accept)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.fallback(scope, receive, send)


def install_web(app: FastAPI, dist: Path = WEB_DIST) -> None:
    """Serve the web page for whatever no route of `app` answers."""
    app.router.default = WebFallback(app.router.default, dist)
