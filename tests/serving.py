"""A real `gridbase serve` process on a free loopback port, for tests that need a socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

__all__ = ["free_port", "gridbase_serve"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gridbase_serve(database_url: str, folder: Path, env: dict[str, str] | None = None,
                   start_seconds: float = 30.0) -> Iterator[str]:
    """Start the server on the test database and yield its base URL; its log goes to a
    file in `folder` (an unread pipe fills up and then stalls the server) and is shown
    if it does not start."""
    port = free_port()
    log_path = folder / "serve.log"
    full_env = {**os.environ, "GRIDBASE_DATA_DIR": str(folder),
                "GRIDBASE_DATABASE_URL": database_url, **(env or {})}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gridbase.cli", "serve", "--port", str(port)],
            env=full_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                if httpx.get(f"{base}/api/_health/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"gridbase serve did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
