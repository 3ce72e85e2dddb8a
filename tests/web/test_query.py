"""The grid's toolbar: search, filter and sort, each answered by the row list's parameters."""

from __future__ import annotations

import httpx
from playwright.async_api import Page, expect

from tests.web.conftest import screenshot, sign_up, unique_email
from tests.web.helpers import access_token

PEOPLE = [["Name", "City"], ["Ada", "London"], ["Grace", "New York"], ["Linus", "Helsinki"],
          ["Alan", "London"], ["Edsger", "Nuenen"]]
AGES = {"Ada": 36, "Grace": 85, "Linus": 54, "Alan": 41, "Edsger": 72}


async def test_search_filter_and_sort(page: Page, web_server: str) -> None:
    await sign_up(page, "Quinn", unique_email("quinn"))
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()
    headers = {"Authorization": f"JWT {await access_token(page)}"}
    async with httpx.AsyncClient(base_url=web_server, headers=headers, timeout=10) as http:
        workspace = (await http.post("/api/workspaces/", json={"name": "Q"})).json()
        database = (await http.post(f"/api/applications/workspace/{workspace['id']}/",
                                    json={"name": "Q", "type": "database"})).json()
        table = (await http.post(f"/api/database/tables/database/{database['id']}/",
                                 json={"name": "Pioneers", "data": PEOPLE,
                                       "first_row_header": True})).json()
        age = (await http.post(f"/api/database/fields/table/{table['id']}/",
                               json={"name": "Age", "type": "number"})).json()
        rows = (await http.get(f"/api/database/rows/table/{table['id']}/",
                               params={"user_field_names": "true"})).json()["results"]
        answer = await http.patch(f"/api/database/rows/table/{table['id']}/batch/", json={
            "items": [{"id": row["id"], f"field_{age['id']}": AGES[row["Name"]]}
                      for row in rows]})
        assert answer.status_code == 200, answer.text
    await page.goto(f"/table/{table['id']}")
    count = page.get_by_label("Row count")
    names = page.locator('.grid-row .cell[data-field="Name"]')
    await expect(count).to_have_text("5 rows")

    await page.get_by_label("Search rows").fill("London")
    await expect(count).to_have_text("2 rows")
    await expect(names).to_have_text(["Ada", "Alan"])
    await page.get_by_label("Search rows").fill("")
    await expect(count).to_have_text("5 rows")

    await page.get_by_role("button", name="Filter").click()
    await page.get_by_role("button", name="Add filter").click()
    await page.get_by_label("Filter 1 field").select_option(label="Age")
    await page.get_by_label("Filter 1 type").select_option(label="is higher than")
    await page.get_by_label("Filter 1 value").fill("50")
    await expect(count).to_have_text("3 rows")
    await expect(names).to_have_text(["Grace", "Linus", "Edsger"])
    await page.get_by_role("button", name="Add filter").click()
    await page.get_by_label("Filter 2 field").select_option(label="City")
    await page.get_by_label("Filter 2 type").select_option(label="is not")
    await page.get_by_label("Filter 2 value").fill("New York")
    await page.get_by_label("Combine filters").select_option(label="and")
    await expect(names).to_have_text(["Linus", "Edsger"])

    await page.get_by_role("button", name="Sort").click()
    await page.get_by_role("button", name="Add sort").click()
    await page.get_by_label("Sort 1 field").select_option(label="Age")
    await page.get_by_label("Sort 1 direction").select_option(label="descending")
    await expect(names).to_have_text(["Edsger", "Linus"])
    await screenshot(page, "06-filter-sort")

    await page.get_by_role("button", name="Filter (2)").click()
    await page.get_by_role("button", name="Remove filter 2").click()
    await page.get_by_role("button", name="Remove filter 1").click()
    await expect(count).to_have_text("5 rows")
    await expect(names).to_have_text(["Grace", "Edsger", "Linus", "Alan", "Ada"])
