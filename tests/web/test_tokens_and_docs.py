"""Settings → database tokens, checked with plain HTTP calls; and "View API Docs"."""

from __future__ import annotations

import httpx
from playwright.async_api import BrowserContext, Page, expect

from tests.web.conftest import screenshot, sign_up, unique_email
from tests.web.helpers import (
    add_field,
    menu,
    new_table,
    new_workspace_and_database,
    table_id,
    type_into,
)


async def rows_with(http: httpx.AsyncClient, table: int, key: str) -> httpx.Response:
    return await http.get(f"/api/database/rows/table/{table}/",
                          headers={"Authorization": f"Token {key}"})


async def test_a_token_made_in_settings_works_until_rotated(page: Page, context: BrowserContext,
                                                          web_server: str) -> None:
    await context.grant_permissions(["clipboard-read", "clipboard-write"])
    await sign_up(page, "Tess", unique_email("tess"))
    await new_workspace_and_database(page, "Tokens", "Shop")
    await new_table(page, "Shop", "Products")
    await type_into(page, 0, "Name", "Teapot")
    table = await table_id(page)
    await new_table(page, "Shop", "Secrets")
    secrets = await table_id(page)

    await page.get_by_role("link", name="Settings").click()
    await expect(page.get_by_role("heading", name="Database tokens")).to_be_visible()
    await page.get_by_label("Token name").fill("Shop sync")
    await page.get_by_role("button", name="Create token").click()
    card = page.get_by_role("region", name="Token Shop sync")
    key = await card.get_by_label("Token key").inner_text()
    assert len(key) == 32
    await card.get_by_role("button", name="Copy").click()
    await expect(card.get_by_role("button", name="Copied")).to_be_visible()
    assert await page.evaluate("navigator.clipboard.readText()") == key

    async with httpx.AsyncClient(base_url=web_server, timeout=10) as http:
        listed = await rows_with(http, table, key)
        assert listed.status_code == 200, listed.text
        assert listed.json()["results"][0][next(
            k for k in listed.json()["results"][0] if k.startswith("field_"))] == "Teapot"

        # Create: none; read: only the Products table.
        await card.get_by_role("radiogroup", name="create permission").get_by_label(
            "None").check()
        await card.get_by_role("radiogroup", name="read permission").get_by_label(
            "Chosen").check()
        await card.get_by_label("read scope").get_by_label("Table Products").check()
        await expect(card.get_by_label("read scope").get_by_label("Table Products")
                     ).to_be_checked()
        await expect(card.get_by_role("status", name="Save status")).to_have_text("Saved")
        refused = await http.post(f"/api/database/rows/table/{table}/", json={},
                                  headers={"Authorization": f"Token {key}"})
        assert refused.status_code == 401
        assert refused.json()["error"] == "ERROR_NO_PERMISSION_TO_TABLE"
        assert (await rows_with(http, table, key)).status_code == 200
        assert (await rows_with(http, secrets, key)).status_code == 401
        await screenshot(page, "07-tokens")

        await card.get_by_role("button", name="Rotate key").click()
        dialog = page.get_by_role("dialog", name="Rotate key")
        await expect(dialog).to_contain_text("stops working at once")
        await dialog.get_by_role("button", name="Rotate key").click()
        await expect(card.get_by_label("Token key")).not_to_have_text(key)
        new_key = await card.get_by_label("Token key").inner_text()
        assert (await rows_with(http, table, key)).status_code == 401
        assert (await rows_with(http, table, new_key)).status_code == 200

        # Reloaded, the page never shows the key again.
        await page.reload()
        await expect(card).to_be_visible()
        await expect(card.get_by_label("Token key")).to_have_count(0)
        assert new_key not in await card.inner_text()

        await card.get_by_role("button", name="Delete").click()
        await page.get_by_role("dialog", name="Delete token").get_by_role(
            "button", name="Delete").click()
        await expect(card).to_be_hidden()
        assert (await rows_with(http, table, new_key)).status_code == 401


async def test_view_api_docs_lists_the_tables_fields(page: Page, context: BrowserContext) -> None:
    await sign_up(page, "Dora", unique_email("dora"))
    await new_workspace_and_database(page, "Docs", "Library")
    await new_table(page, "Library", "Books")
    dialog = await add_field(page, "Published", "Date")
    await dialog.get_by_role("button", name="Create").click()
    await expect(page.locator('.head-cell[data-field="Published"]')).to_be_visible()

    async with context.expect_page() as opened:
        await menu(page, "Database Library menu", "View API Docs")
    docs = await opened.value
    await expect(docs.get_by_text("Books").first).to_be_visible()
    for field in ("Name", "Notes", "Active", "Published"):
        await expect(docs.get_by_text(field, exact=True).first).to_be_visible()
    await screenshot(docs, "08-api-docs")
