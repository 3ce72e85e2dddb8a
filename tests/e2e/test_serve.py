"""End to end: the real `gridbase serve` process, driven over a loopback socket."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.serving import free_port, gridbase_serve, serve_process


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "GRIDBASE_DATA_DIR": str(tmp_path / "data"),
           "GRIDBASE_DATABASE_URL": database_url}
    process = serve_process(["--port", str(port)], env, subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/_health/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            process.kill()
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"gridbase serve did not start:\n{output}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_new_user_builds_a_table_over_a_socket(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as http:
        settings = http.get("/api/settings/")
        assert settings.status_code == 200
        assert settings.json()["allow_new_signups"] is True
        signup = http.post("/api/user/", json={
            "name": "Ada", "email": "ada-e2e@example.com", "password": "a-long-password"})
        assert signup.status_code == 200, signup.text
        login = http.post("/api/user/token-auth/", json={
            "username": "ada-e2e@example.com", "password": "a-long-password"})
        assert login.status_code == 200
        token = login.json()["token"]
        assert token == login.json()["access_token"]
        auth = {"Authorization": f"JWT {token}"}
        workspace = http.post("/api/workspaces/", json={"name": "Team"}, headers=auth).json()
        database = http.post(f"/api/applications/workspace/{workspace['id']}/",
                             json={"name": "CRM", "type": "database"}, headers=auth).json()
        table = http.post(f"/api/database/tables/database/{database['id']}/",
                          json={"name": "Customers"}, headers=auth).json()
        fields = http.get(f"/api/database/fields/table/{table['id']}/", headers=auth).json()
        assert [f["name"] for f in fields] == ["Name", "Notes", "Active"]
        created = http.post(f"/api/database/rows/table/{table['id']}/?user_field_names=true",
                            json={"Name": "Grace", "Active": "yes"}, headers=auth)
        assert created.status_code == 200
        assert created.json()["Active"] is True
        listing = http.get(f"/api/database/rows/table/{table['id']}/?size=2", headers=auth).json()
        assert listing["count"] == 3
        assert listing["next"] == (f"{server}/api/database/rows/table/{table['id']}/"
                                   "?size=2&page=2")
        assert http.get(listing["next"], headers=auth).json()["results"][0][
            f"field_{fields[0]['id']}"] == "Grace"
        no_slash = http.get(f"/api/database/rows/table/{table['id']}", headers=auth)
        assert no_slash.status_code == 404
        assert no_slash.json()["error"] == "URL_TRAILING_SLASH_MISSING"


@pytest.mark.parametrize(("env", "logged"), [({}, True), ({"GRIDBASE_ACCESS_LOG": "false"}, False)])
def test_requests_are_logged_unless_turned_off(database_url: str, tmp_path: Path,
                                               env: dict[str, str], logged: bool) -> None:
    """A line per request by default; GRIDBASE_ACCESS_LOG=false (`--no-access-log`)
    leaves them out, for a proxy that logs them anyway."""
    with gridbase_serve(database_url, tmp_path, env) as base:
        assert httpx.get(f"{base}/api/settings/", timeout=10).status_code == 200
        for page in range(1, 31):
            assert httpx.get(f"{base}/api/nowhere/?page={page}", timeout=10).status_code == 404
    # the server stops right after the last request: its lines are written as it stops
    log = (tmp_path / "serve.log").read_text()
    assert "gridbase on" in log
    assert ('"GET /api/settings/ HTTP/1.1" 200 OK' in log) is logged
    missing = [page for page in range(1, 31)
               if f'"GET /api/nowhere/?page={page} HTTP/1.1" 404 Not Found\n' not in log]
    assert missing == ([] if logged else list(range(1, 31)))
