"""Fixtures: one app per test session on SQLite (default) or PostgreSQL, and a factory
that builds users, workspaces, databases and tables through the public API.

`GRIDBASE_TEST_DATABASE=postgresql` runs the suite on a fresh PostgreSQL database
(created here, dropped at the end) on `GRIDBASE_TEST_POSTGRES_URL`.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from gridbase.app import create_app
from gridbase.config import load_settings
from gridbase.storage.migrate import migrate

SECRET_KEY = "test-secret-key-" + "x" * 32
BACKEND = os.environ.get("GRIDBASE_TEST_DATABASE", "sqlite")
POSTGRES_SERVER = os.environ.get(
    "GRIDBASE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if BACKEND == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    name = f"gridbase_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_SERVER)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    base = POSTGRES_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    yield f"{base}/{name}"
    admin = await asyncpg.connect(POSTGRES_SERVER)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture(scope="session")
async def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    data_dir: Path = tmp_path_factory.mktemp("data")
    settings = load_settings(data_dir=data_dir, database_url=database_url,
                             secret_key=SECRET_KEY)
    application = create_app(settings)
    services = application.state.services
    await migrate(services.db)
    yield application
    await services.db.dispose()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


_counter = itertools.count(1)


class Api:
    """A logged-in user driving the API, with shortcuts for the common set-up steps."""

    def __init__(self, client: httpx.AsyncClient, token: str, user: dict[str, Any],
                 password: str) -> None:
        self.client = client
        self.token = token
        self.user = user
        self.password = password

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"JWT {self.token}"}

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", path, **kwargs)

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call and insist on success; returns the JSON body (None for 204)."""
        response = await self.request(method, path, **kwargs)
        assert response.status_code in (200, 204), (response.status_code, response.text)
        return response.json() if response.status_code == 200 else None

    async def workspace(self, name: str = "Workspace") -> dict[str, Any]:
        result: dict[str, Any] = await self.ok("POST", "/api/workspaces/", json={"name": name})
        return result

    async def database(self, workspace_id: int | None = None, name: str = "Database"
                       ) -> dict[str, Any]:
        if workspace_id is None:
            workspace_id = (await self.workspace())["id"]
        result: dict[str, Any] = await self.ok(
            "POST", f"/api/applications/workspace/{workspace_id}/",
            json={"name": name, "type": "database"})
        return result

    async def table(self, database_id: int | None = None, name: str = "Table",
                    data: list[list[Any]] | None = None, first_row_header: bool = True,
                    ) -> dict[str, Any]:
        """A table; with `data` it is built from it, else a bare one with a `Name` field."""
        if database_id is None:
            database_id = (await self.database())["id"]
        body: dict[str, Any] = {"name": name}
        if data is not None:
            body.update(data=data, first_row_header=first_row_header)
        else:
            body.update(data=[["Name"]], first_row_header=True)
        result: dict[str, Any] = await self.ok(
            "POST", f"/api/database/tables/database/{database_id}/", json=body)
        return result

    async def field(self, table_id: int, **body: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.ok(
            "POST", f"/api/database/fields/table/{table_id}/", json=body)
        return result

    async def fields(self, table_id: int) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.ok(
            "GET", f"/api/database/fields/table/{table_id}/")
        return result

    async def create_row(self, table_id: int, values: dict[str, Any],
                         user_field_names: bool = False) -> httpx.Response:
        params = {"user_field_names": "true"} if user_field_names else {}
        return await self.post(f"/api/database/rows/table/{table_id}/", json=values,
                               params=params)

    async def rows(self, table_id: int, **params: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.ok(
            "GET", f"/api/database/rows/table/{table_id}/", params=params)
        return result


async def signup(client: httpx.AsyncClient, name: str = "Test User") -> Api:
    email = f"user{next(_counter)}-{uuid.uuid4().hex[:6]}@example.com"
    password = "correct-horse-battery"
    response = await client.post("/api/user/", json={
        "name": name, "email": email, "password": password, "authenticate": True})
    assert response.status_code == 200, response.text
    body = response.json()
    return Api(client, body["access_token"], body["user"], password)


@pytest.fixture
async def api(client: httpx.AsyncClient) -> Api:
    return await signup(client)


@pytest.fixture
async def other_api(client: httpx.AsyncClient) -> Api:
    return await signup(client, "Someone Else")


@asynccontextmanager
async def app_instance(database_url: str, data_dir: Path, secret_key: str = SECRET_KEY,
                       **overrides: Any) -> AsyncIterator[Any]:
    """Another app instance on the test database (migrated by the session's app), with
    its own caches and background builds, as a second worker process has."""
    settings = load_settings(data_dir=data_dir, database_url=database_url,
                             secret_key=secret_key, **overrides)
    instance = create_app(settings)
    try:
        yield instance
    finally:
        await instance.state.services.indexes.close()
        await instance.state.services.db.dispose()


@asynccontextmanager
async def signed_up(instance: Any) -> AsyncIterator[Api]:
    """A new user of `instance`, talking to it in process."""
    transport = httpx.ASGITransport(app=instance)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield await signup(http)


@pytest.fixture(scope="module")
async def second_app(database_url: str, app: Any,
                     tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    """Another instance on the same database: its own schema and count caches, as a
    second worker process has."""
    async with app_instance(database_url, tmp_path_factory.mktemp("second"),
                            app.state.services.settings.secret_key) as instance:
        yield instance


@pytest.fixture
async def second(second_app: Any, api: Api) -> AsyncIterator[Api]:
    """The same user, talking to the second instance."""
    transport = httpx.ASGITransport(app=second_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Api(http, api.token, api.user, api.password)
