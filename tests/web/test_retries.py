"""A write whose answer was lost on the way back is sent again by the page, and applied
once: each write carries one Idempotency-Key over all its tries."""

from __future__ import annotations

import re

from playwright.async_api import Page, Route, expect

from tests.web.conftest import sign_up, unique_email
from tests.web.helpers import new_table, new_workspace_and_database, stored_rows


async def test_an_added_row_whose_answer_was_lost_is_added_once(page: Page,
                                                                 web_server: str) -> None:
    await sign_up(page, "Rita", unique_email("retry"))
    await new_workspace_and_database(page, "Retries", "Ops")
    await new_table(page, "Ops", "Tasks")
    before = len(await stored_rows(page, web_server))
    keys: list[str | None] = []

    async def lose_the_first_answer(route: Route) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        keys.append(await route.request.header_value("idempotency-key"))
        if len(keys) == 1:
            await route.fetch()  # the server applies it...
            await route.abort("connectionreset")  # ...and its answer never arrives
        else:
            await route.continue_()

    await page.route(re.compile(r"/api/database/rows/table/\d+/(\?.*)?$"),
                     lose_the_first_answer)
    await page.get_by_role("button", name="+ Add row").click()
    await expect(page.locator(".grid-row")).to_have_count(before + 1)
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1], keys
    assert len(await stored_rows(page, web_server)) == before + 1
