"""Live: what one browser, or an API client, changes shows in another browser within a
second, without a reload, and a dropped connection loses nothing."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, Page, expect

from tests.web.conftest import PASSWORD, new_context, screenshot, sign_up, unique_email
from tests.web.helpers import (
    access_token,
    add_field,
    cell,
    new_table,
    new_workspace_and_database,
    stored_rows,
    table_id,
    type_into,
)

LIVE_MS = 1000


async def log_in(page: Page, email: str) -> None:
    await page.goto("/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()


async def test_a_second_browser_sees_edits_live(page: Page, browser: Browser,
                                               web_server: str) -> None:
    email = unique_email("live")
    await sign_up(page, "Uma", email)
    await new_workspace_and_database(page, "Live", "Ops")
    await new_table(page, "Ops", "Tasks")
    table = await table_id(page)

    other_context = await new_context(browser, web_server)
    try:
        other = await other_context.new_page()
        await log_in(other, email)
        await other.goto(f"/table/{table}")
        await expect(other.get_by_label("Row count")).to_have_text("2 rows")

        await type_into(page, 0, "Name", "Written in tab one")
        await expect(cell(other, 0, "Name")).to_have_text("Written in tab one", timeout=LIVE_MS)

        # An API client's changes arrive too.
        headers = {"Authorization": f"JWT {await access_token(page)}"}
        async with httpx.AsyncClient(base_url=web_server, headers=headers, timeout=10) as http:
            created = await http.post(f"/api/database/rows/table/{table}/",
                                      params={"user_field_names": "true"},
                                      json={"Name": "From the API"})
            assert created.status_code == 200, created.text
            await expect(other.get_by_label("Row count")).to_have_text("3 rows", timeout=LIVE_MS)
            await expect(cell(other, 2, "Name")).to_have_text("From the API", timeout=LIVE_MS)
            await expect(cell(page, 2, "Name")).to_have_text("From the API", timeout=LIVE_MS)

            # The second browser is typing in a cell when the row changes under it:
            # the draft stays, the other cell updates, and the draft is then saved.
            await cell(other, 1, "Name").dblclick()
            editor = other.get_by_label("Edit Name")
            await editor.fill("Half-typed")
            notes = await http.patch(f"/api/database/rows/table/{table}/{created.json()['id']}/",
                                     params={"user_field_names": "true"},
                                     json={"Notes": "changed meanwhile"})
            assert notes.status_code == 200
            await expect(cell(other, 2, "Notes")).to_have_text("changed meanwhile",
                                                               timeout=LIVE_MS)
            await type_into(page, 1, "Notes", "changed in the same row")
            await expect(cell(other, 1, "Notes")).to_have_text("changed in the same row",
                                                               timeout=LIVE_MS)
            await expect(editor).to_have_value("Half-typed")
            await editor.press("Enter")
            await expect(cell(page, 1, "Name")).to_have_text("Half-typed", timeout=LIVE_MS)

        dialog = await add_field(page, "Priority", "Number")
        await dialog.get_by_role("button", name="Create").click()
        await expect(other.locator('.head-cell[data-field="Priority"]')).to_be_visible(
            timeout=LIVE_MS)
        await screenshot(other, "05-live-second-browser")

        # The sidebar follows too: a table made in one browser appears in the other.
        await new_table(page, "Ops", "Incidents")
        await expect(other.get_by_role("link", name="Incidents")).to_be_visible(timeout=LIVE_MS)
        await other.goto(f"/table/{table}")
        await expect(other.get_by_label("Row count")).to_have_text("3 rows")
        await page.goto(f"/table/{table}")
        await expect(page.get_by_label("Row count")).to_have_text("3 rows")

        # The connection drops: an edit made meanwhile is kept and sent when it is back,
        # and what others changed meanwhile shows after the reconnect.
        await other_context.set_offline(True)
        await expect(other.get_by_role("status").filter(has_text="reconnecting")).to_be_visible()
        await type_into(other, 0, "Notes", "typed while offline")
        await type_into(page, 2, "Name", "renamed while the other was offline")
        await other_context.set_offline(False)
        await expect(cell(other, 2, "Name")).to_have_text("renamed while the other was offline")
        await expect(cell(page, 0, "Notes")).to_have_text("typed while offline")
        await expect(other.get_by_role("status").filter(has_text="reconnecting")).to_be_hidden()
        names = {row["Name"]: row["Notes"] for row in await stored_rows(page, web_server)}
        assert names["Written in tab one"] == "typed while offline"
    finally:
        await other_context.close()
