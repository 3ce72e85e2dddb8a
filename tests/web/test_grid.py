"""The grid: fields of each main type added through the page, cells edited in place with
the editor of their type, rows added and deleted, fields renamed, retyped and deleted."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.conftest import screenshot, sign_up, unique_email
from tests.web.helpers import (
    add_field,
    cell,
    menu,
    new_table,
    new_workspace_and_database,
    stored_rows,
    type_into,
)


async def test_fields_of_each_type_and_their_editors(page: Page, web_server: str) -> None:
    await sign_up(page, "Kim", unique_email("kim"))
    await new_workspace_and_database(page, "Team", "CRM")
    await new_table(page, "CRM", "People")
    await type_into(page, 0, "Name", "Ada Lovelace")
    await new_table(page, "CRM", "Projects")
    await expect(page.get_by_label("Row count")).to_have_text("2 rows")

    dialog = await add_field(page, "Budget", "Number")
    await dialog.get_by_label("Decimal places").fill("2")
    await dialog.get_by_role("button", name="Create").click()
    dialog = await add_field(page, "Due", "Date")
    await dialog.get_by_role("button", name="Create").click()
    dialog = await add_field(page, "Status", "Single select")
    for index, (value, colour) in enumerate((("Open", "green"), ("Done", "blue"))):
        await dialog.get_by_role("button", name="Add option").click()
        await dialog.get_by_label(f"Option {index + 1}", exact=True).fill(value)
        await dialog.get_by_label(f"Colour of option {index + 1}").select_option(colour)
    await dialog.get_by_role("button", name="Create").click()
    dialog = await add_field(page, "Tags", "Multiple select")
    for index, value in enumerate(("urgent", "small")):
        await dialog.get_by_role("button", name="Add option").click()
        await dialog.get_by_label(f"Option {index + 1}", exact=True).fill(value)
    await dialog.get_by_role("button", name="Create").click()
    dialog = await add_field(page, "Owner", "Link to table")
    await dialog.get_by_label("Table to link to").select_option(label="People")
    await dialog.get_by_role("button", name="Create").click()
    dialog = await add_field(page, "Created", "Created on")
    await dialog.get_by_role("button", name="Create").click()
    await expect(page.locator(".grid-header .head-cell[data-field]")).to_have_count(9)

    await type_into(page, 0, "Name", "Launch")
    await type_into(page, 0, "Notes", "First release")
    await type_into(page, 0, "Budget", "1200.5")
    await expect(cell(page, 0, "Budget")).to_have_text("1200.50")
    await cell(page, 0, "Due").dblclick()
    due = page.get_by_label("Edit Due")
    await due.fill("2026-03-01")
    await due.press("Enter")
    await expect(cell(page, 0, "Due")).to_have_text("2026-03-01")
    await cell(page, 0, "Status").dblclick()
    await page.get_by_role("option", name="Open").click()
    await expect(cell(page, 0, "Status").locator(".chip.color-green")).to_have_text("Open")
    await cell(page, 0, "Active").get_by_role("checkbox").check()
    await cell(page, 0, "Tags").dblclick()
    await page.get_by_role("checkbox", name="urgent").check()
    await page.get_by_role("checkbox", name="small").check()
    await page.keyboard.press("Escape")
    await expect(cell(page, 0, "Tags").locator(".chip")).to_have_text(["urgent", "small"])
    await cell(page, 0, "Owner").dblclick()
    await page.get_by_role("button", name="Ada Lovelace").click()
    await expect(cell(page, 0, "Owner").locator(".chip").first).to_have_text("Ada Lovelace")
    await page.keyboard.press("Escape")
    # Read-only types show their value but open no editor.
    await expect(cell(page, 0, "Created")).not_to_be_empty()
    await cell(page, 0, "Created").dblclick()
    await expect(page.get_by_label("Edit Created")).to_have_count(0)
    await page.get_by_role("grid", name="Rows").evaluate("grid => { grid.scrollLeft = 0; }")
    await screenshot(page, "04-grid")

    rows = await stored_rows(page, web_server)
    first = rows[0]
    assert first["Name"] == "Launch"
    assert first["Notes"] == "First release"
    assert first["Budget"] == "1200.50"
    assert first["Due"] == "2026-03-01"
    assert first["Status"]["value"] == "Open"
    assert first["Active"] is True
    assert [option["value"] for option in first["Tags"]] == ["urgent", "small"]
    assert [link["value"] for link in first["Owner"]] == ["Ada Lovelace"]

    # A value the server refuses shows its message and the cell keeps the stored value.
    await type_into(page, 0, "Budget", "12.345")
    await expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"Budget: .*no more than 2 decimal places"))
    await expect(cell(page, 0, "Budget")).to_have_text("1200.50")

    # Keyboard: select a cell, type to replace its value.
    await cell(page, 1, "Name").click()
    await page.keyboard.type("Typed")
    await page.keyboard.press("Enter")
    await expect(cell(page, 1, "Name")).to_have_text("Typed")

    await page.get_by_role("button", name="+ Add row").click()
    await expect(page.get_by_label("Row count")).to_have_text("3 rows")
    await type_into(page, 2, "Name", "Third")
    await cell(page, 1, "Name").hover()
    await page.get_by_role("button", name="Delete row 2").click()
    await expect(page.get_by_label("Row count")).to_have_text("2 rows")
    await expect(cell(page, 1, "Name")).to_have_text("Third")
    assert [row["Name"] for row in await stored_rows(page, web_server)] == ["Launch", "Third"]

    await menu(page, "Field Notes menu", "Edit field")
    dialog = page.get_by_role("dialog", name="Edit field Notes")
    await dialog.get_by_label("Field name").fill("Summary")
    await dialog.get_by_label("Field type").select_option(label="Single line text")
    await dialog.get_by_role("button", name="Save").click()
    await expect(page.locator('.head-cell[data-field="Summary"]')).to_be_visible()
    await expect(cell(page, 0, "Summary")).to_have_text("First release")

    await menu(page, "Field Budget menu", "Delete field")
    await page.get_by_role("dialog", name="Delete field").get_by_role(
        "button", name="Delete").click()
    await expect(page.locator('.head-cell[data-field="Budget"]')).to_have_count(0)
    first = (await stored_rows(page, web_server))[0]
    assert "Budget" not in first
    assert first["Summary"] == "First release"
