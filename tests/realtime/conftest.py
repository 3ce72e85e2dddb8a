"""Real `gridbase serve` processes and websocket clients for the realtime suite.

Everything talks to 127.0.0.1 only, and every wait is bounded by a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from websockets.asyncio.client import ClientConnection, connect

from gridbase.clock import now
from gridbase.storage import schema as meta
from tests.conftest import BACKEND, POSTGRES_SERVER, Api, signup
from tests.serving import free_port, serve_process

REDIS_URL = os.environ.get("GRIDBASE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TIMEOUT = 10.0


class Server:
    """A `gridbase serve` subprocess on a free loopback port."""

    def __init__(self, database_url: str, data_dir: Path, *args: str, **env: str) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log = data_dir / f"server-{self.port}.log"
        environment = {**os.environ, "GRIDBASE_DATA_DIR": str(data_dir),
                       "GRIDBASE_DATABASE_URL": database_url, **env}
        if "GRIDBASE_REDIS_URL" not in env:
            environment.pop("GRIDBASE_REDIS_URL", None)
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("wb")
        self.process = serve_process(["--port", str(self.port), *args], environment,
                                     self._log_file)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/api/_health/", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"gridbase serve did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()


def start_servers(database_url: str, data_dir: Path, count: int = 1,
                  **env: str) -> list[Server]:
    """Start servers one after another (each migrates the database when it starts)."""
    servers = []
    for index in range(count):
        server = Server(database_url, data_dir / f"s{index}", **env)
        server.wait_ready()
        servers.append(server)
    return servers


@pytest.fixture(scope="session")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server with the in-memory hub, shared by most realtime tests."""
    [running] = start_servers(database_url, tmp_path_factory.mktemp("realtime"))
    yield running
    running.stop()


@asynccontextmanager
async def fresh_database(folder: Path) -> AsyncIterator[str]:
    """An empty database of the backend under test, for servers with unusual settings."""
    if BACKEND == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'fresh.sqlite3'}"
        return
    name = f"gridbase_rt_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_SERVER)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    base = POSTGRES_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(POSTGRES_SERVER)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def tight_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Server]:
    """A server on its own database that keeps events for 2 s and lets a client fall
    only 6 messages behind."""
    folder: Path = tmp_path_factory.mktemp("tight")
    async with fresh_database(folder) as url:
        [running] = start_servers(url, folder, GRIDBASE_EVENT_LOG_RETENTION_SECONDS="2",
                                  GRIDBASE_WEBSOCKET_QUEUE_SIZE="6")
        yield running
        running.stop()


@pytest.fixture
async def http(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT) as client:
        yield client


@pytest.fixture
async def alice(http: httpx.AsyncClient) -> Api:
    return await signup(http, "Alice")


@pytest.fixture
async def bob(http: httpx.AsyncClient) -> Api:
    return await signup(http, "Bob")


@pytest.fixture
async def carol(http: httpx.AsyncClient) -> Api:
    """A third user who shares nothing with the others."""
    return await signup(http, "Carol")


async def add_member(database_url: str, workspace_id: int, user_id: int) -> None:
    """Make a user a workspace member straight in the database (there is no invite API)."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(meta.workspace_users.insert().values(
                workspace_id=workspace_id, user_id=user_id, permissions="MEMBER", order=1,
                created_on=now()))
    finally:
        await engine.dispose()


async def count_log(database_url: str) -> int:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(sa.select(sa.func.count()).select_from(meta.event_log))
                       or 0)
    finally:
        await engine.dispose()


class Socket:
    """A websocket client speaking Baserow's protocol, every wait bounded."""

    def __init__(self, ws: ClientConnection, hello: dict[str, Any]) -> None:
        self.ws = ws
        self.hello = hello

    @classmethod
    async def open(cls, base: str, token: str | None, **options: Any) -> Socket:
        query = "" if token is None else f"?jwt_token={token}"
        ws = await asyncio.wait_for(connect(f"{base}/ws/core/{query}", **options), TIMEOUT)
        hello = orjson.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        return cls(ws, hello)

    @property
    def id(self) -> str:
        value: str = self.hello["web_socket_id"]
        return value

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(message).decode())

    async def next(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        message: dict[str, Any] = orjson.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        return message

    async def expect(self, type_: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next message, which must be of this type (order matters in these tests)."""
        message = await self.next(timeout)
        assert message["type"] == type_, message
        return message

    async def subscribe(self, page: str = "table", **parameters: Any) -> dict[str, Any]:
        await self.send({"page": page, **parameters})
        ack = await self.expect("page_add")
        assert ack == {"type": "page_add", "page": page, "parameters": parameters}
        return ack

    async def close(self) -> None:
        await asyncio.wait_for(self.ws.close(), TIMEOUT)


@pytest.fixture
async def sockets() -> AsyncIterator[list[Socket]]:
    """Collects sockets a test opens and closes them afterwards."""
    opened: list[Socket] = []
    yield opened
    for sock in opened:
        with contextlib.suppress(Exception):  # a socket a test broke on purpose
            await sock.close()


async def open_socket(sockets: list[Socket], base: str, api: Api) -> Socket:
    sock = await Socket.open(base, api.token)
    assert sock.hello["success"] is True, sock.hello
    sockets.append(sock)
    return sock
