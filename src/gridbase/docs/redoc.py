"""The ReDoc page of the whole-API document, with ReDoc served by gridbase itself."""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["REDOC_VERSION", "redoc_page", "redoc_script"]

REDOC_VERSION = "2.5.4"


@cache
def redoc_script() -> bytes:
    """The standalone bundle fetched by the Makefile (see static/ASSETS.md), read once."""
    return (resources.files("gridbase.docs") / "static" / "redoc.standalone.js").read_bytes()


def redoc_page(spec_url: str, script_url: str) -> str:
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>gridbase API reference</title>"
        "<style>body { margin: 0; }</style></head><body>"
        f'<redoc spec-url="{spec_url}" hide-download-button="false"></redoc>'
        f'<script src="{script_url}"></script></body></html>')
