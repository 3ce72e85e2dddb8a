"""The app `gridbase serve` runs, in its one process or in each worker process."""

from __future__ import annotations

import os

from starlette.types import ASGIApp

from gridbase.access_log import AccessLog
from gridbase.app import create_app

__all__ = ["ACCESS_LOG_VARIABLE", "served_app"]

# `gridbase serve` decides (its option, or this variable) and sets it for its workers.
ACCESS_LOG_VARIABLE = "GRIDBASE_ACCESS_LOG"


def served_app() -> ASGIApp:
    """`create_app`'s app, behind the access log unless it was turned off."""
    app = create_app()
    return app if os.environ.get(ACCESS_LOG_VARIABLE) == "false" else AccessLog(app)
