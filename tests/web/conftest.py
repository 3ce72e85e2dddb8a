"""Browser tests: a real `gridbase serve` process on a loopback port, driven by Playwright
with Debian's Chromium (never a downloaded browser), against the test run's database."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from gridbase.api.web import WEB_DIST
from tests.serving import gridbase_serve

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


@pytest.fixture(scope="session")
def web_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`gridbase serve` with the built page; its output is shown if it fails to start."""
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail("The web page is not built: run `make web` (or `make test`).")
    # The 100,000-row test builds its table in one create call, past the default limit.
    with gridbase_serve(database_url, tmp_path_factory.mktemp("web-data"),
                        {"GRIDBASE_INITIAL_TABLE_DATA_LIMIT": str(BIG_TABLE_ROWS + 1)},
                        start_seconds=15) as base:
        yield base


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
