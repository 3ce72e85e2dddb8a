"""Connections the database server drops (a restart, terminated backends) cost no
request: the pool replaces them at checkout. SQLite has no server to drop them, so
there the same requests simply go on answering."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import Api


async def _drop_every_connection(database_url: str) -> int:
    """Terminate every backend of the test database but the one asking; how many."""
    engine = create_async_engine(database_url)
    async with engine.connect() as conn:
        dropped = len((await conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))).all())
    await engine.dispose()
    return dropped


async def test_requests_after_the_server_dropped_the_pool_succeed(
        api: Api, app: Any, database_url: str) -> None:
    table = await api.table()
    rows = f"/api/database/rows/table/{table['id']}/"
    created = await api.ok("POST", rows, params={"user_field_names": "true"},
                           json={"Name": "kept"})
    # Every pool in use: reads of both kinds and a write.
    await api.rows(table["id"], user_field_names="true", filter__Name__contains="kept")
    await api.ok("GET", f"{rows}{created['id']}/")
    if not app.state.services.db.is_sqlite:
        assert await _drop_every_connection(database_url) > 0
        await asyncio.sleep(0.3)  # the loop reads the ends of the sockets
    for _ in range(3):
        one = await api.ok("GET", f"{rows}{created['id']}/", params={"user_field_names": "true"})
        assert one["Name"] == "kept"
        page = await api.rows(table["id"], user_field_names="true",
                              filter__Name__contains="kept")
        assert [r["Name"] for r in page["results"]] == ["kept"]
        await api.ok("PATCH", f"{rows}{created['id']}/", params={"user_field_names": "true"},
                     json={"Name": "kept"})
