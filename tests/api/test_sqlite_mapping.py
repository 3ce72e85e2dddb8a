"""SQLite reads its database file through memory mapping, as large as
GRIDBASE_SQLITE_MMAP_MB says (0 turns it off). These tests open SQLite files of their
own, so they run the same whichever backend the suite tests; the suite itself runs on
mapped files whenever it tests SQLite (the default size)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from gridbase.app import create_app
from gridbase.config import load_settings
from gridbase.storage.engine import Database

MIB = 1024 * 1024


async def _mapped_and_rows(path: Path, mmap_mb: int) -> tuple[int, list[int]]:
    """The connection's mapping size, and rows written then read back on it."""
    db = Database(f"sqlite+aiosqlite:///{path}", sqlite_mmap_mb=mmap_mb)
    try:
        async with db.write() as conn:
            await conn.execute(sa.text("CREATE TABLE numbers (n INTEGER)"))
            await conn.execute(sa.text("INSERT INTO numbers VALUES (1), (2), (3)"))
        async with db.read() as conn:
            size = (await conn.execute(sa.text("PRAGMA mmap_size"))).scalar_one()
            rows = (await conn.execute(sa.text("SELECT n FROM numbers ORDER BY n"))).scalars()
            return size, list(rows)
    finally:
        await db.dispose()


@pytest.mark.parametrize(("mmap_mb", "expected"), [(64, 64 * MIB), (0, 0), (-5, 0)])
async def test_connections_map_as_much_of_the_file_as_configured(
        tmp_path: Path, mmap_mb: int, expected: int) -> None:
    size, rows = await _mapped_and_rows(tmp_path / "mapped.sqlite3", mmap_mb)
    assert size == expected
    assert rows == [1, 2, 3]


async def test_a_size_beyond_sqlites_limit_is_capped(tmp_path: Path) -> None:
    size, _ = await _mapped_and_rows(tmp_path / "capped.sqlite3", 1024 * 1024)
    assert 0 < size < 1024 * 1024 * MIB


async def _served_mapping(tmp_path: Path) -> int:
    """The mapping size of a connection of an app made from the environment's settings."""
    tmp_path.mkdir()
    settings = load_settings(data_dir=tmp_path, secret_key="k" * 40,
                             database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}")
    db = create_app(settings).state.services.db
    try:
        async with db.read() as conn:
            size: int = (await conn.execute(sa.text("PRAGMA mmap_size"))).scalar_one()
            return size
    finally:
        await db.dispose()


async def test_the_app_maps_what_the_environment_says(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GRIDBASE_SQLITE_MMAP_MB", raising=False)
    assert await _served_mapping(tmp_path / "default") >= 256 * MIB  # capped by SQLite
    monkeypatch.setenv("GRIDBASE_SQLITE_MMAP_MB", "64")
    assert await _served_mapping(tmp_path / "set") == 64 * MIB
