"""The boolean field over HTTP: its JSON, every accepted spelling of true and false,
refused values, `boolean_default`, sorting false before true, and conversions."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.conftest import Api
from tests.examples import draw
from tests.fields.scalar_support import (
    assert_refused,
    assert_validation,
    column,
    convert,
    create,
    row_of,
    sorted_column,
    table_with,
    transcript_field,
    update,
    without_varying,
)

TRUE = ["t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1",
        "checked", 1, 1.0, True]
FALSE = ["f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
         "0", "0.0", "unchecked", 0, 0.0, False]
INVALID = [{"error": "Must be a valid boolean.", "code": "invalid"}]


async def test_boolean_field_json_matches_transcript(api: Api) -> None:
    request, expected = transcript_field("18")
    table_id, _ = await table_with(api)
    body = await api.field(table_id, **request)
    assert list(body) == list(expected)
    assert without_varying(body) == without_varying(expected)
    changed = await api.ok("PATCH", f"/api/database/fields/{body['id']}/",
                           json={"boolean_default": True})
    assert changed["boolean_default"] is True and changed["related_fields"] == []
    response = await api.post(f"/api/database/fields/table/{table_id}/", json={
        "name": "Bad", "type": "boolean", "boolean_default": None})
    assert_validation(response, {"boolean_default": [
        {"error": "This field may not be null.", "code": "null"}]})


_SPELLING = st.sampled_from([(v, True) for v in TRUE] + [(v, False) for v in FALSE])
EXAMPLES = draw(st.tuples(_SPELLING, _SPELLING), 40)


async def test_every_spelling_reads_back_as_a_boolean(api: Api) -> None:
    table_id, [paid] = await table_with(api, {"name": "Paid", "type": "boolean"})
    key = f"field_{paid['id']}"
    for (first, first_read), (second, second_read) in EXAMPLES:
        row = await create(api, table_id, {key: first})
        assert row[key] is first_read, first
        row = await update(api, table_id, row["id"], {"Paid": second}, user_field_names=True)
        assert row["Paid"] is second_read, second
        assert (await row_of(api, table_id, row["id"]))[key] is second_read
    spelled = {repr(v) for (v, _), _ in EXAMPLES} | {repr(v) for _, (v, _) in EXAMPLES}
    assert len(spelled) > 20


async def test_refused_values_change_nothing(api: Api) -> None:
    table_id, [paid] = await table_with(api, {"name": "Paid", "type": "boolean"})
    await create(api, table_id, {"Paid": True}, user_field_names=True)
    key = f"field_{paid['id']}"
    not_null = [{"error": "This field may not be null.", "code": "null"}]
    for value, entries in [("maybe", INVALID), (None, not_null), (2, INVALID), (-1, INVALID),
                           (0.5, INVALID), ("", INVALID), ("tRuE", INVALID), (" true", INVALID),
                           ("Checked", INVALID), ("2", INVALID), ([True], INVALID),
                           ({"v": True}, INVALID), ("null", INVALID)]:
        await assert_refused(api, table_id, key, value, entries)
        await assert_refused(api, table_id, "Paid", value, entries, user_field_names=True)


async def test_boolean_default_on_create(api: Api) -> None:
    table_id, [plain, checked] = await table_with(
        api, {"name": "Plain", "type": "boolean"},
        {"name": "Checked", "type": "boolean", "boolean_default": True})
    row = await create(api, table_id, {})
    assert (row[f"field_{plain['id']}"], row[f"field_{checked['id']}"]) == (False, True)
    row = await create(api, table_id, {"Checked": False}, user_field_names=True)
    assert (row["Plain"], row["Checked"]) == (False, False)
    row = await update(api, table_id, row["id"], {"Plain": True}, user_field_names=True)
    assert (row["Plain"], row["Checked"]) == (True, False)


async def test_sorting_puts_false_first(api: Api) -> None:
    table_id, [paid] = await table_with(api, {"name": "Paid", "type": "boolean"})
    for value in [True, False, True, False, False]:
        await create(api, table_id, {"Paid": value}, user_field_names=True)
    key = f"field_{paid['id']}"
    assert await sorted_column(api, table_id, key, key) == [False, False, False, True, True]
    assert await sorted_column(api, table_id, "Paid", "-Paid", True) == [
        True, True, False, False, False]
    ids = await sorted_column(api, table_id, "id", "-Paid", True)
    assert ids == sorted(ids[:2]) + sorted(ids[2:])


async def test_text_and_boolean_convert_both_ways(api: Api) -> None:
    table_id, [field] = await table_with(api, {"name": "Flag", "type": "text"})
    key = f"field_{field['id']}"
    texts = ["yes", "Checked", "nope", None, "TRUE", " yes", "1", "0", "on"]
    for text in texts:
        await create(api, table_id, {key: text})
    body = await convert(api, field["id"], type="boolean", boolean_default=True)
    assert body["boolean_default"] is True and "text_default" not in body
    flags = [True, True, False, False, True, True, True, False, True]
    assert await column(api, table_id, key) == flags
    await convert(api, field["id"], type="text")
    assert await column(api, table_id, key) == ["true" if f else "false" for f in flags]


async def test_boolean_to_numbers_and_back(api: Api) -> None:
    table_id, [paid, done] = await table_with(
        api, {"name": "Paid", "type": "boolean"}, {"name": "Done", "type": "boolean"})
    for value in [True, False]:
        await create(api, table_id, {"Paid": value, "Done": value}, user_field_names=True)
    await convert(api, paid["id"], type="number")
    await convert(api, done["id"], type="rating", max_value=3)
    rows = (await api.rows(table_id, user_field_names="true"))["results"]
    assert [(r["Paid"], r["Done"]) for r in rows] == [("1", 1), ("0", 0)]
    await update(api, table_id, rows[1]["id"], {"Done": 3}, user_field_names=True)
    await convert(api, paid["id"], type="boolean")
    await convert(api, done["id"], type="boolean")
    rows = (await api.rows(table_id, user_field_names="true"))["results"]
    assert [(r["Paid"], r["Done"]) for r in rows] == [(True, True), (False, True)]


async def test_json_rows_are_plain_booleans(api: Api) -> None:
    table_id, [paid] = await table_with(api, {"name": "Paid", "type": "boolean"})
    row = await create(api, table_id, {"Paid": "yes"}, user_field_names=True)
    assert row == {"id": row["id"], "order": row["order"], "Name": None, "Paid": True}
    listing = await api.rows(table_id)
    assert listing["results"][0][f"field_{paid['id']}"] is True
    value: Any = listing["results"][0][f"field_{paid['id']}"]
    assert isinstance(value, bool)
