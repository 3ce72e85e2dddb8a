"""Generated API documentation: the OpenAPI document of the whole API, the ReDoc page that
shows it, and per database an HTML page and an OpenAPI document built from its live fields.

Nothing here is written by hand per table: every example and schema comes from the field
types' own code, so the docs change as soon as a field does.
"""

from __future__ import annotations

from gridbase.docs.database_openapi import build_database_openapi
from gridbase.docs.loader import load_database_doc
from gridbase.docs.openapi import build_openapi, undocumented_routes
from gridbase.docs.page import render_database_page, render_message_page
from gridbase.docs.redoc import redoc_page, redoc_script

__all__ = [
    "build_database_openapi",
    "build_openapi",
    "load_database_doc",
    "redoc_page",
    "redoc_script",
    "render_database_page",
    "render_message_page",
    "undocumented_routes",
]
