"""Fixtures for the row query tests: one signed-up user per module (tables are built
once per module and queried many times) and a frozen clock for relative date filters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from gridbase.handlers import row_query
from tests.conftest import Api, signup

# A Wednesday noon; in Pacific/Kiritimati (UTC+14) it is already Thursday.
FROZEN_NOW = datetime(2024, 5, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def module_api(app: Any) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield await signup(http)


@pytest.fixture(scope="module")
def frozen_now() -> Iterator[datetime]:
    """Row listings see FROZEN_NOW as the current time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(row_query, "now", lambda: FROZEN_NOW)
        yield FROZEN_NOW
