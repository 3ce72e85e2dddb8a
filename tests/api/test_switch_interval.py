"""Serving from SQLite shortens the GIL's switch interval (see `gil_tuning`), so results
of SQLite's statements come back from aiosqlite's threads sooner; serving from
PostgreSQL leaves Python's default. The app's own start-up (its lifespan) does it."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridbase.app import create_app
from gridbase.config import load_settings
from gridbase.gil_tuning import SQLITE_SWITCH_INTERVAL, tune_switch_interval
from gridbase.storage.migrate import migrate

DEFAULT = 0.005


@pytest.fixture
def default_interval() -> Iterator[None]:
    """Python's default around each test, and the test process's own settings back
    after it (the app's start-up also tunes the garbage collector, see `gc_tuning`)."""
    before, thresholds = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(DEFAULT)
    yield
    sys.setswitchinterval(before)
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("default_interval")
async def test_an_app_serving_from_sqlite_shortens_it(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, secret_key="k" * 40,
                             database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}")
    app = create_app(settings)
    await migrate(app.state.services.db)
    assert sys.getswitchinterval() == pytest.approx(DEFAULT)
    async with app.router.lifespan_context(app):
        assert sys.getswitchinterval() == pytest.approx(SQLITE_SWITCH_INTERVAL)


@pytest.mark.usefixtures("default_interval")
def test_postgresql_keeps_the_default() -> None:
    tune_switch_interval("postgresql")
    assert sys.getswitchinterval() == pytest.approx(DEFAULT)
    tune_switch_interval("sqlite")
    assert sys.getswitchinterval() == pytest.approx(SQLITE_SWITCH_INTERVAL)
