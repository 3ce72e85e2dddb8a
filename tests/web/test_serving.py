"""gridbase serves the built page at `/` and for client-side routes, and leaves the API alone."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gridbase.api.web import WEB_DIST, install_web
from gridbase.app import create_app
from gridbase.config import load_settings


@pytest.fixture
def built() -> Path:
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail("The web page is not built: run `make web` (or `make test`).")
    return WEB_DIST


async def test_the_page_answers_at_the_root_and_for_client_routes(
        client: httpx.AsyncClient, built: Path) -> None:
    index = (built / "index.html").read_text()
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for path in ("/", "/login", "/table/12", "/settings/tokens"):
        answer = await client.get(path, headers=browser)
        assert answer.status_code == 200, path
        assert answer.headers["content-type"].startswith("text/html")
        assert answer.text == index
        assert answer.headers["cache-control"] == "no-cache"
    # An API client asking for a path that is no page keeps Baserow's JSON 404.
    not_a_page = await client.get("/table/12", headers={"Accept": "application/json"})
    assert not_a_page.status_code == 404
    assert not_a_page.json()["error"] == "URL_NOT_FOUND"


async def test_assets_are_cached_for_long(client: httpx.AsyncClient, built: Path) -> None:
    asset = next((built / "assets").glob("*.js"))
    answer = await client.get(f"/assets/{asset.name}")
    assert answer.status_code == 200
    assert answer.content == asset.read_bytes()
    assert "max-age=31536000" in answer.headers["cache-control"]
    missing = await client.get("/assets/nothing-here.js")
    assert missing.status_code == 404
    escape = await client.get("/assets/..%2F..%2Fapp.py")
    assert escape.status_code == 404


async def test_api_paths_keep_their_json_errors(client: httpx.AsyncClient, built: Path) -> None:
    unknown = await client.get("/api/no-such-thing/")
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "URL_NOT_FOUND"
    no_slash = await client.get("/api/workspaces")
    assert no_slash.json()["error"] == "URL_TRAILING_SLASH_MISSING"
    wrong_method = await client.get("/api/user/token-auth/")
    assert wrong_method.status_code == 405
    not_get = await client.post("/table/12")
    assert not_get.status_code == 404
    assert not_get.json()["error"] == "URL_NOT_FOUND"


async def test_without_a_build_the_root_says_how_to_build(tmp_path: Path,
                                                         database_url: str) -> None:
    settings = load_settings(data_dir=tmp_path, database_url=database_url,
                             secret_key="test-secret-key-" + "x" * 32)
    bare = create_app(settings)
    install_web(bare, tmp_path / "missing")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bare),
                                 base_url="http://testserver") as http:
        answer = await http.get("/")
        assert answer.status_code == 200
        assert "npm run build" in answer.text
        assert (await http.get("/api/no-such-thing/")).json()["error"] == "URL_NOT_FOUND"
