"""A real `gridbase serve` process on a free loopback port, for tests that need a socket."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

__all__ = ["free_port", "gridbase_serve", "serve_process"]


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGTERM when the test process dies, so a killed
    pytest run leaves no server behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_PR_SET_PDEATHSIG = 1


def serve_process(args: list[str], env: dict[str, str], stdout: Any,
                  stderr: Any = subprocess.STDOUT) -> subprocess.Popen[bytes]:
    """`gridbase serve *args` as a child process that ends with the test process."""
    return subprocess.Popen(
        [sys.executable, "-m", "gridbase.cli", "serve", *args], env=env, stdout=stdout,
        stderr=stderr, preexec_fn=_die_with_parent if sys.platform == "linux" else None)


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
        process = serve_process(["--port", str(port)], full_env, log)
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
