"""The sidebar: workspaces, databases and tables created, renamed, reordered and deleted."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.web.conftest import screenshot, sign_up, unique_email
from tests.web.helpers import menu, name_dialog


async def test_build_and_rearrange_the_sidebar(page: Page) -> None:
    await sign_up(page, "Lin", unique_email("lin"))
    sidebar = page.get_by_role("navigation", name="Workspaces")
    await page.get_by_role("button", name="New workspace").click()
    await name_dialog(page, "New workspace", "Acme", "Create")
    await menu(page, "Workspace Acme menu", "New database")
    await name_dialog(page, "New database", "CRM", "Create")
    for name in ("Customers", "Orders", "Invoices"):
        await menu(page, "Database CRM menu", "New table")
        await name_dialog(page, "New table", name, "Create")
        await expect(page.get_by_role("heading", name=name)).to_be_visible()
    tables = sidebar.locator("li.table .tree-label")
    await expect(tables).to_have_text(["Customers", "Orders", "Invoices"])

    await menu(page, "Table Invoices menu", "Move up")
    await expect(tables).to_have_text(["Customers", "Invoices", "Orders"])
    await menu(page, "Table Customers menu", "Move down")
    await expect(tables).to_have_text(["Invoices", "Customers", "Orders"])

    await menu(page, "Table Orders menu", "Rename")
    await name_dialog(page, "Rename table", "Purchases", "Save")
    await expect(tables).to_have_text(["Invoices", "Customers", "Purchases"])

    await menu(page, "Table Invoices menu", "Delete")
    await page.get_by_role("dialog", name="Delete table").get_by_role(
        "button", name="Delete").click()
    await expect(tables).to_have_text(["Customers", "Purchases"])
    await screenshot(page, "03-sidebar")

    # What the sidebar shows is what the server keeps.
    await page.reload()
    await expect(tables).to_have_text(["Customers", "Purchases"])

    await menu(page, "Workspace Acme menu", "Rename")
    await name_dialog(page, "Rename workspace", "Acme Inc", "Save")
    await expect(sidebar.locator(".workspace-row .tree-label")).to_have_text(["Acme Inc"])
    await page.get_by_role("button", name="New workspace").click()
    await name_dialog(page, "New workspace", "Beta", "Create")
    await expect(sidebar.locator(".workspace-row .tree-label")).to_have_text(
        ["Acme Inc", "Beta"])
    await menu(page, "Workspace Beta menu", "Move up")
    await expect(sidebar.locator(".workspace-row .tree-label")).to_have_text(
        ["Beta", "Acme Inc"])

    await menu(page, "Database CRM menu", "Rename")
    await name_dialog(page, "Rename database", "Sales", "Save")
    await menu(page, "Database Sales menu", "Delete")
    await page.get_by_role("dialog", name="Delete database").get_by_role(
        "button", name="Delete").click()
    await expect(tables).to_have_count(0)
    await page.reload()
    await expect(sidebar.locator(".database-row")).to_have_count(0)
    await expect(sidebar.locator(".workspace-row .tree-label")).to_have_text(
        ["Beta", "Acme Inc"])


async def test_an_empty_name_shows_the_servers_message(page: Page) -> None:
    await sign_up(page, "Mo", unique_email("mo"))
    await page.get_by_role("button", name="New workspace").click()
    await page.get_by_role("dialog", name="New workspace").get_by_role(
        "button", name="Create").click()
    await expect(page.get_by_role("alert")).to_contain_text("name")
    await expect(page.get_by_role("dialog", name="New workspace")).to_be_visible()
