"""Sign up, log out, log in: the first screens of the web page."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.conftest import PASSWORD, screenshot, sign_up, unique_email


async def test_sign_up_log_out_and_log_in_again(page: Page) -> None:
    email = unique_email("ada")
    await page.goto("/")
    await expect(page).to_have_url(re.compile(r"/login$"))
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    await sign_up(page, "Ada", email)
    await expect(page.get_by_role("heading", name="Welcome, Ada")).to_be_visible()
    await screenshot(page, "01-welcome")

    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill("not-the-password")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_contain_text("No active account found")
    await screenshot(page, "02-login-error")

    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Welcome, Ada")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("heading", name="Welcome, Ada")).to_be_visible()


async def test_signing_up_twice_says_the_email_is_taken(page: Page) -> None:
    email = unique_email("grace")
    await sign_up(page, "Grace", email)
    await expect(page.get_by_role("heading", name="Welcome, Grace")).to_be_visible()
    await page.get_by_role("button", name="Log out").click()
    await sign_up(page, "Grace again", email)
    await expect(page.get_by_role("alert")).to_contain_text("already exists")
