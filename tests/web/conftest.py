"""Browser tests: a real `gridbase serve` process on a loopback port, driven by Playwright
with Debian's Chromium (never a downloaded browser), against the test run's database."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from gridbase.api.web import WEB_DIST

CHROMIUM = os.environ.get("GRIDBASE_TEST_CHROMIUM", "/usr/bin/chromium")
# This machine's network is closed: without these Chromium's background connections fail.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "a-long-password"
BIG_TABLE_ROWS = 100_000

_counter = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def web_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`gridbase serve` with the built page; its output is shown if it fails to start."""
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail("The web page is not built: run `make web` (or `make test`).")
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("web-data")
    log_path = data_dir / "serve.log"
    # The 100,000-row test builds its table in one create call, past the default limit.
    env = {**os.environ, "GRIDBASE_DATA_DIR": str(data_dir), "GRIDBASE_DATABASE_URL": database_url,
           "GRIDBASE_INITIAL_TABLE_DATA_LIMIT": str(BIG_TABLE_ROWS + 1)}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gridbase.cli", "serve", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/api/_health/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            process.kill()
            pytest.fail(f"gridbase serve did not start:\n{log_path.read_text()}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium is missing at {CHROMIUM} (apt-get install chromium).")
    launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    await launched.close()


async def new_context(browser: Browser, base_url: str) -> BrowserContext:
    made = await browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    made.set_default_timeout(10_000)
    return made


@pytest.fixture
async def context(browser: Browser, web_server: str) -> AsyncIterator[BrowserContext]:
    made = await new_context(browser, web_server)
    yield made
    await made.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


def unique_email(prefix: str) -> str:
    return f"{prefix}-{os.getpid()}-{next(_counter)}@example.com"


async def screenshot(page: Page, name: str) -> None:
    """Keep a picture of a main screen for people reviewing the page."""
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


async def sign_up(page: Page, name: str, email: str, password: str = PASSWORD) -> None:
    await page.goto("/signup")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign up").click()
