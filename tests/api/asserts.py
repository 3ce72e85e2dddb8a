"""Shared checks for HTTP answers."""

from __future__ import annotations

from typing import Any

import httpx


def assert_json(response: httpx.Response, status: int) -> Any:
    """The status, the exact content type clients parse (no charset), and the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()
