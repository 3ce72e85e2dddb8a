"""`gridbase serve --workers N`: refused without Redis, live updates shared with it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import signup
from tests.realtime.conftest import REDIS_URL, TIMEOUT, Server, Socket, open_socket


def test_several_workers_without_redis_are_refused(tmp_path: Path, database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GRIDBASE_REDIS_URL"}
    env.update(GRIDBASE_DATA_DIR=str(tmp_path), GRIDBASE_DATABASE_URL=database_url)
    result = subprocess.run(
        [sys.executable, "-m", "gridbase.cli", "serve", "--workers", "2", "--port", "1"],
        env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "GRIDBASE_REDIS_URL" in result.stdout + result.stderr


@pytest.fixture(scope="module")
def workers(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`gridbase serve --workers 2`: the kernel spreads connections over both workers."""
    server = Server(database_url, tmp_path_factory.mktemp("workers"), "--workers", "2",
                    GRIDBASE_REDIS_URL=REDIS_URL)
    server.wait_ready()
    yield server
    server.stop()


async def test_every_worker_delivers_every_change(
        workers: Server, sockets: list[Socket]) -> None:
    async with httpx.AsyncClient(base_url=workers.url, timeout=TIMEOUT) as http:
        user = await signup(http, "Wes")
        table = await user.table()
        # Eight connections: both workers hold some of them (and write some of the rows).
        socks = [await open_socket(sockets, workers.ws_url, user) for _ in range(8)]
        for sock in socks:
            await sock.subscribe(table_id=table["id"])
        rows = []
        for _ in range(6):
            async with httpx.AsyncClient(base_url=workers.url, timeout=TIMEOUT) as fresh:
                response = await fresh.post(f"/api/database/rows/table/{table['id']}/",
                                            json={}, headers=user.headers)
                rows.append(response.json())
        for sock in socks:
            assert [(await sock.expect("rows_created"))["rows"] for _ in rows] == [
                [row] for row in rows]
