"""Start gridbase (or the floor app) as a real process on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = ["Server", "floor_command", "free_port", "gridbase_command", "process_cpu_seconds",
           "running"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def process_cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, process: subprocess.Popen[bytes], base_url: str) -> None:
        self.process = process
        self.base_url = base_url
        self.peak_rss_mb = 0.0
        # the part of RSS that is the process's own (RssAnon): SQLite's mapped database
        # file counts in RSS too (RssFile), though it is the file's shared page cache
        self.peak_private_mb = 0.0

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user and system)."""
        return process_cpu_seconds(self.process.pid)

    def sample_rss(self) -> float:
        """Resident memory of the server process now (MB); keeps the peaks of it and of
        its private part."""
        sizes = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon"):
                sizes[key] = int(value.split()[0]) / 1024
        self.peak_private_mb = max(self.peak_private_mb, sizes.get("RssAnon", 0.0))
        rss = sizes.get("VmRSS", 0.0)
        self.peak_rss_mb = max(self.peak_rss_mb, rss)
        return rss


@contextmanager
def running(command: list[str], env: dict[str, str], health_path: str) -> Iterator[Server]:
    """The server as a child process; its errors go to a temporary file, shown if it does
    not start (an unread pipe would fill up with warnings and stall it)."""
    port = free_port()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([*command, "--port", str(port)],
                                   env={**os.environ, **env},
                                   stdout=subprocess.DEVNULL, stderr=errors)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(base + health_path, timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                errors.seek(0)
                raise RuntimeError("server did not start: " + errors.read().decode())
            yield Server(process, base)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def gridbase_command() -> list[str]:
    return [sys.executable, "-m", "gridbase.cli", "serve"]


def floor_command(database_url: str, table: str) -> list[str]:
    return [sys.executable, "-m", "bench.floor", "--database-url", database_url,
            "--table", table]

