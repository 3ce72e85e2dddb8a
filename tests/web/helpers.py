"""Steps the browser tests share: building a table through the page, finding cells, and
reading what the server stored with a plain HTTP call."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.async_api import Locator, Page, expect


async def name_dialog(page: Page, title: str, name: str, button: str) -> None:
    dialog = page.get_by_role("dialog", name=title)
    await dialog.get_by_label("Name").fill(name)
    await dialog.get_by_role("button", name=button).click()
    await expect(dialog).to_be_hidden()


async def menu(page: Page, label: str, item: str) -> None:
    await page.get_by_role("button", name=label, exact=True).click()
    await page.get_by_role("menuitem", name=item).click()


async def new_workspace_and_database(page: Page, workspace: str, database: str) -> None:
    await page.get_by_role("button", name="New workspace").click()
    await name_dialog(page, "New workspace", workspace, "Create")
    await menu(page, f"Workspace {workspace} menu", "New database")
    await name_dialog(page, "New database", database, "Create")


async def new_table(page: Page, database: str, name: str) -> None:
    await menu(page, f"Database {database} menu", "New table")
    await name_dialog(page, "New table", name, "Create")
    await expect(page.locator(".toolbar h2")).to_have_text(name)
    await expect(page.get_by_label("Row count")).not_to_be_empty()


def cell(page: Page, index: int, field: str) -> Locator:
    return page.locator(f'.grid-row[data-index="{index}"] .cell[data-field="{field}"]')


async def type_into(page: Page, index: int, field: str, text: str) -> None:
    """Double-click a cell, type, press Enter."""
    await cell(page, index, field).dblclick()
    editor = page.get_by_label(f"Edit {field}")
    await editor.fill(text)
    await editor.press("Enter")
    await expect(editor).to_be_hidden()


async def access_token(page: Page) -> str:
    token: str = await page.evaluate(
        "JSON.parse(localStorage.getItem('gridbase.session')).access")
    return token


async def table_id(page: Page) -> int:
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


async def stored_rows(page: Page, base_url: str) -> list[dict[str, Any]]:
    """The current table's rows as the API returns them, keyed by field name."""
    headers = {"Authorization": f"JWT {await access_token(page)}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as http:
        answer = await http.get(f"/api/database/rows/table/{await table_id(page)}/",
                                params={"user_field_names": "true", "size": 200})
        assert answer.status_code == 200, answer.text
        rows: list[dict[str, Any]] = answer.json()["results"]
        return rows


async def add_field(page: Page, name: str, type_label: str) -> Locator:
    """Open the new-field dialog with a name and a type; returns the dialog to finish.
    A person opens it once the previous dialog has closed (its save answered)."""
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await page.get_by_role("button", name="Add field").click()
    dialog = page.get_by_role("dialog", name="New field")
    await dialog.get_by_label("Field name").fill(name)
    await dialog.get_by_label("Field type").select_option(label=type_label)
    return dialog
