"""HTTPS policy: refusing plain-HTTP API calls, trusted proxies only, HSTS, real TLS."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gridbase.app import create_app
from gridbase.config import load_settings
from tests.serving import free_port, serve_process

REMOTE = ("203.0.113.5", 40000)
PROXY = ("10.9.8.7", 40000)


@pytest.fixture
async def strict_app(database_url: str, tmp_path: Path, app: Any) -> AsyncIterator[Any]:
    settings = load_settings(data_dir=tmp_path, database_url=database_url, secret_key="k" * 40,
                             require_https=True, trusted_proxies=("10.9.8.0/24",))
    application = create_app(settings)
    yield application
    await application.state.services.db.dispose()


def _client(app: Any, client: tuple[str, int], scheme: str = "http") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=client)
    return httpx.AsyncClient(transport=transport, base_url=f"{scheme}://gridbase.test")


async def test_plain_http_api_call_is_refused(strict_app: Any) -> None:
    async with _client(strict_app, REMOTE) as http:
        response = await http.get("/api/settings/")
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "ERROR_HTTPS_REQUIRED",
                               "detail": "This gridbase only accepts API calls over HTTPS."}


async def test_loopback_and_https_are_allowed_with_hsts(strict_app: Any) -> None:
    async with _client(strict_app, ("127.0.0.1", 5000)) as http:
        local = await http.get("/api/settings/")
    assert local.status_code == 200 and "strict-transport-security" not in local.headers
    async with _client(strict_app, REMOTE, scheme="https") as http:
        secure = await http.get("/api/settings/")
    assert secure.status_code == 200
    assert secure.headers["strict-transport-security"].startswith("max-age=")


async def test_forwarded_proto_is_believed_only_from_trusted_proxies(strict_app: Any) -> None:
    forwarded = {"X-Forwarded-Proto": "https"}
    async with _client(strict_app, PROXY) as http:
        via_proxy = await http.get("/api/settings/", headers=forwarded)
    assert via_proxy.status_code == 200
    assert "strict-transport-security" in via_proxy.headers
    async with _client(strict_app, REMOTE) as http:
        spoofed = await http.get("/api/settings/", headers=forwarded)
    assert spoofed.status_code == 403



def test_serve_with_a_self_signed_certificate(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    env = {**os.environ, "GRIDBASE_DATA_DIR": str(tmp_path / "data"),
           "GRIDBASE_DATABASE_URL": database_url}
    process = serve_process(["--port", str(port), "--tls-self-signed"], env, log)
    try:
        response = None
        for _ in range(100):
            try:
                response = httpx.get(f"https://127.0.0.1:{port}/api/settings/", verify=False,
                                     timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response is not None, (tmp_path / "serve.log").read_text()
        assert response.status_code == 200
        assert "strict-transport-security" in response.headers
        assert (tmp_path / "data" / "tls" / "cert.pem").exists()
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/api/settings/", timeout=2)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
