"""A 100,000-row table opens and scrolls, fetching only the pages in view."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
from playwright.async_api import Page, Request, expect

from tests.web.conftest import BIG_TABLE_ROWS, screenshot, sign_up, unique_email
from tests.web.helpers import access_token, cell

ROW_HEIGHT = 33


async def test_a_big_table_loads_only_the_pages_in_view(page: Page, web_server: str) -> None:
    await sign_up(page, "Bea", unique_email("bea"))
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()
    headers = {"Authorization": f"JWT {await access_token(page)}"}
    data = [["Name", "Position"]] + [[f"Row {i:06d}", str(i)] for i in range(1, BIG_TABLE_ROWS + 1)]
    async with httpx.AsyncClient(base_url=web_server, headers=headers, timeout=300) as http:
        workspace = (await http.post("/api/workspaces/", json={"name": "Big"})).json()
        database = (await http.post(f"/api/applications/workspace/{workspace['id']}/",
                                    json={"name": "Big", "type": "database"})).json()
        created = await http.post(f"/api/database/tables/database/{database['id']}/",
                                  json={"name": "Events", "data": data,
                                        "first_row_header": True})
        assert created.status_code == 200, created.text
    table = created.json()["id"]

    fetched: list[dict[str, list[str]]] = []

    def record(request: Request) -> None:
        url = urlparse(request.url)
        if url.path == f"/api/database/rows/table/{table}/":
            fetched.append(parse_qs(url.query))

    page.on("request", record)
    await page.goto(f"/table/{table}")
    await expect(page.get_by_label("Row count")).to_have_text(f"{BIG_TABLE_ROWS} rows")
    await expect(cell(page, 0, "Name")).to_have_text("Row 000001")
    await expect(cell(page, 20, "Name")).to_have_text("Row 000021")
    assert [query["page"] for query in fetched] == [["1"]]
    assert all(query["size"] == ["100"] for query in fetched)

    grid = page.get_by_role("grid", name="Rows")
    target = 75_000
    await grid.evaluate(f"grid => {{ grid.scrollTop = {target * ROW_HEIGHT}; }}")
    await expect(cell(page, target, "Name")).to_have_text(f"Row {target + 1:06d}")
    pages = {int(query["page"][0]) for query in fetched}
    assert target // 100 + 1 in pages
    assert len(fetched) <= 4, fetched

    # Scrolling on with the wheel loads the next page when it comes into view.
    await page.mouse.move(700, 400)
    for _ in range(5):
        await page.mouse.wheel(0, 1000)
    await page.wait_for_function(
        f"document.querySelector('.grid-scroll').scrollTop > {(target + 100) * ROW_HEIGHT}")
    # The wheel scrolls smoothly: read the position once it has come to rest.
    await page.wait_for_function("""() => new Promise(resolve => {
        const grid = document.querySelector('.grid-scroll');
        const before = grid.scrollTop;
        setTimeout(() => resolve(grid.scrollTop === before), 300);
    })""")
    shown = int(await grid.evaluate("grid => grid.scrollTop")) // ROW_HEIGHT + 5
    await expect(cell(page, shown, "Name")).to_have_text(f"Row {shown + 1:06d}")
    pages = sorted({int(query["page"][0]) for query in fetched})
    assert pages[0] == 1 and set(pages[1:]) <= {750, 751, 752, 753}, pages
    assert len(fetched) <= 8, fetched
    await screenshot(page, "09-big-table")
