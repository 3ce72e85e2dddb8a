"""Text-like fields over HTTP: text, long_text, url, email and phone_number.

Their JSON, values written in every accepted form read back as Baserow answers them,
refused values (nothing changes), defaults, case-insensitive sorting and conversions.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.conftest import Api
from tests.examples import draw
from tests.fields.scalar_support import (
    FIELD,
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

TYPES = ("text", "long_text", "url", "email", "phone_number")
COMMON = {
    "type": "text", "primary": False, "read_only": False, "immutable_type": False,
    "immutable_properties": False, "description": None, "db_index": False,
    "field_constraints": [],
}
INVALID = [{"error": "Enter a valid value.", "code": "invalid"}]
NOT_A_STRING = [{"error": "Not a valid string.", "code": "invalid"}]
NUL = [{"error": "Null characters are not allowed.", "code": "null_characters_not_allowed"}]


def _too_long(limit: int) -> dict[str, str]:
    return {"error": f"Ensure this field has no more than {limit} characters.",
            "code": "max_length"}


async def _all_types(api: Api) -> tuple[int, dict[str, dict[str, Any]]]:
    table_id, fields = await table_with(api, *({"name": t, "type": t} for t in TYPES))
    return table_id, {f["type"]: f for f in fields}


# -- field JSON --------------------------------------------------------------------------


async def test_text_field_json_matches_transcript(api: Api) -> None:
    request, expected = transcript_field("16")
    table_id, _ = await table_with(api)
    body = await api.field(table_id, **request)
    assert list(body) == list(expected)
    assert without_varying(body) == without_varying(expected)
    assert body["name"] == "Notes" and body["table_id"] == table_id


async def test_type_props_on_create_get_list_and_update(api: Api) -> None:
    table_id, _ = await table_with(api)
    path = f"/api/database/fields/table/{table_id}/"
    extra = {
        "text": {"text_default": ""}, "long_text": {"long_text_enable_rich_text": None},
        "url": {}, "email": {}, "phone_number": {},
    }
    for field_type in TYPES:
        body = await api.ok("POST", path, json={"name": field_type, "type": field_type})
        assert without_varying(body) == {**COMMON, "type": field_type, "related_fields": [],
                                         **extra[field_type]}
        got = await api.ok("GET", FIELD.format(body["id"]))
        assert got == {k: v for k, v in body.items() if k != "related_fields"}
        assert got in await api.fields(table_id)

    text = await api.field(table_id, name="Greeting", type="text", text_default="hello")
    assert text["text_default"] == "hello"
    changed = await convert(api, text["id"], text_default="bye")
    assert changed["text_default"] == "bye" and changed["related_fields"] == []
    rich = await api.field(table_id, name="Rich", type="long_text",
                           long_text_enable_rich_text=True)
    assert rich["long_text_enable_rich_text"] is True
    assert (await convert(api, rich["id"], long_text_enable_rich_text=False))[
        "long_text_enable_rich_text"] is False


async def test_bad_text_props_are_refused(api: Api) -> None:
    table_id, _ = await table_with(api)
    path = f"/api/database/fields/table/{table_id}/"
    response = await api.post(path, json={"name": "T", "type": "text", "text_default": None})
    assert_validation(response, {"text_default": [
        {"error": "This field may not be null.", "code": "null"}]})
    response = await api.post(path, json={"name": "T", "type": "long_text",
                                          "long_text_enable_rich_text": "maybe"})
    assert response.status_code == 400
    assert "long_text_enable_rich_text" in response.json()["detail"]
    assert [f["name"] for f in await api.fields(table_id)] == ["Name"]


# -- values written and read back -------------------------------------------------------

_PLAIN = st.characters(codec="utf-8", exclude_characters="\x00")
_WORD = st.text(st.characters(categories=["L", "N"], codec="utf-8") | st.sampled_from("_-."),
                min_size=1, max_size=12)
_PAD = st.sampled_from(["", " ", "  ", "\t", "\n", " \r\n"])


def _padded(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(_PAD, inner, _PAD).map("".join)


_TEXT = st.one_of(st.none(), st.text(_PLAIN, max_size=60), st.integers(-2**63, 2**63 - 1),
                  st.floats(allow_nan=False, allow_infinity=False))
_URL = st.one_of(
    st.tuples(st.sampled_from(["", "https://", "ftp://", "//"]), _WORD,
              st.sampled_from([".", "//"]), _WORD).map("".join),
    st.sampled_from(["example.com", "http://localhost:8000/x?y=1#z", "a.b"]),
)
_EMAIL = st.tuples(_WORD, st.just("@"), _WORD, st.sampled_from(["", ".com", ".co.uk"])).map(
    "".join)
_PHONE = st.text(st.sampled_from("0123456789NnXx,+._*()#=;/ -"), min_size=1, max_size=100).filter(
    lambda s: s.strip() != "")
_EMPTY = st.sampled_from([None, "", "   "])


def _read_text(value: Any) -> Any:
    """What a text cell holds after `value` was written: trimmed text, or null."""
    return None if value is None else str(value).strip()


def _read_pattern(value: Any) -> str:
    return "" if value is None else str(value).strip()


_ROW = st.fixed_dictionaries({
    "text": _TEXT,
    "long_text": _TEXT,
    "url": _EMPTY | _padded(_URL),
    "email": _EMPTY | _padded(_EMAIL),
    "phone_number": _EMPTY | _PHONE,
})
ROW_EXAMPLES = draw(st.tuples(_ROW, _ROW), 40)


def _expected(values: dict[str, Any]) -> dict[str, Any]:
    return {t: _read_text(v) if t in ("text", "long_text") else _read_pattern(v)
            for t, v in values.items()}


async def test_written_values_read_back(api: Api) -> None:
    table_id, fields = await _all_types(api)

    def by_id(values: dict[str, Any]) -> dict[str, Any]:
        return {f"field_{fields[t]['id']}": v for t, v in values.items()}

    for first, second in ROW_EXAMPLES:
        row = await create(api, table_id, by_id(first))
        assert {k: v for k, v in row.items() if k in by_id(first)} == by_id(_expected(first))
        updated = await update(api, table_id, row["id"], second, user_field_names=True)
        assert {t: updated[t] for t in TYPES} == _expected(second), second
        stored = await row_of(api, table_id, row["id"])
        assert {t: stored[f"field_{fields[t]['id']}"] for t in TYPES} == _expected(second)


async def test_row_json_shape_with_names(api: Api) -> None:
    table_id, fields = await _all_types(api)
    row = await create(api, table_id, {"text": "  a  ", "url": "x.io", "Nope": 1},
                       user_field_names=True)
    assert row == {"id": row["id"], "order": row["order"], "Name": None, "text": "a",
                   "long_text": None, "url": "x.io", "email": "", "phone_number": ""}
    row = await create(api, table_id, {"text": "ignored without the flag"},
                       user_field_names=False)
    assert row[f"field_{fields['text']['id']}"] is None


async def test_empty_values(api: Api) -> None:
    table_id, fields = await _all_types(api)
    keys = {t: f"field_{f['id']}" for t, f in fields.items()}
    row = await create(api, table_id, {keys[t]: "" for t in TYPES})
    assert [row[keys[t]] for t in TYPES] == ["", "", "", "", ""]
    row = await update(api, table_id, row["id"], {keys[t]: None for t in TYPES})
    assert [row[keys[t]] for t in TYPES] == [None, None, "", "", ""]
    row = await update(api, table_id, row["id"], {keys[t]: "  \t " for t in TYPES})
    assert [row[keys[t]] for t in TYPES] == ["", "", "", "", ""]
    blank = await create(api, table_id, {})
    assert [blank[keys[t]] for t in TYPES] == [None, None, "", "", ""]


# -- refused values ------------------------------------------------------------------------


async def test_refused_values_change_nothing(api: Api) -> None:
    table_id, fields = await _all_types(api)
    keys = {t: f"field_{f['id']}" for t, f in fields.items()}
    await create(api, table_id, {keys["text"]: "keep", keys["url"]: "keep.me"})
    cases: list[tuple[str, Any, list[dict[str, str]]]] = [
        ("text", True, NOT_A_STRING),
        ("text", {"a": 1}, NOT_A_STRING),
        ("long_text", [1, 2], NOT_A_STRING),
        ("text", "a\x00b", NUL),
        ("long_text", "\x00", NUL),
        ("url", "no dot here", INVALID),
        ("url", "trailing.", INVALID),
        ("url", "with space.com/a b", INVALID),
        ("url", "a" * 256 + ".com", INVALID),
        ("url", False, NOT_A_STRING),
        ("email", "plain", INVALID),
        ("email", "a@b@c", INVALID),
        ("email", "it's@example.com", INVALID),
        ("email", "a@", INVALID),
        ("email", "x" * 250 + "@b.cd", [*INVALID, _too_long(254)]),
        ("phone_number", "call me", INVALID),
        ("phone_number", "+1 (555) 123-4567 ext", INVALID),
        ("phone_number", "1" * 101, [*INVALID, _too_long(100)]),
    ]
    for field_type, value, entries in cases:
        await assert_refused(api, table_id, keys[field_type], value, entries)
        await assert_refused(api, table_id, field_type, value, entries, user_field_names=True)


async def test_numbers_are_text(api: Api) -> None:
    table_id, fields = await _all_types(api)
    keys = {t: f"field_{f['id']}" for t, f in fields.items()}
    row = await create(api, table_id, {keys["text"]: 12, keys["long_text"]: 2.5,
                                       keys["phone_number"]: 5551234, keys["url"]: 1.5})
    assert [row[keys[t]] for t in ("text", "long_text", "phone_number", "url")] == [
        "12", "2.5", "5551234", "1.5"]


async def test_batch_errors_are_keyed_by_index(api: Api) -> None:
    table_id, fields = await _all_types(api)
    key = f"field_{fields['email']['id']}"
    response = await api.post(f"/api/database/rows/table/{table_id}/batch/", json={"items": [
        {key: "good@example.com"}, {key: "bad"}, {key: ""}, {key: "worse"}]})
    assert_validation(response, {"items": {"1": {key: INVALID}, "3": {key: INVALID}}})
    assert (await api.rows(table_id))["count"] == 0


# -- defaults ----------------------------------------------------------------------------


async def test_text_default_on_create(api: Api) -> None:
    table_id, [greeting, blank] = await table_with(
        api, {"name": "Greeting", "type": "text", "text_default": "hello"},
        {"name": "Blank", "type": "text", "text_default": ""})
    row = await create(api, table_id, {})
    assert row[f"field_{greeting['id']}"] == "hello"
    assert row[f"field_{blank['id']}"] is None
    row = await create(api, table_id, {"Greeting": None, "Blank": "set"}, user_field_names=True)
    assert (row["Greeting"], row["Blank"]) == (None, "set")
    row = await update(api, table_id, row["id"], {"Blank": "changed"}, user_field_names=True)
    assert row["Greeting"] is None
    await convert(api, greeting["id"], text_default="bye")
    assert (await create(api, table_id, {}))[f"field_{greeting['id']}"] == "bye"


# -- sorting -----------------------------------------------------------------------------


async def test_sorting_is_case_insensitive_with_empty_first(api: Api) -> None:
    table_id, fields = await _all_types(api)
    keys = {t: f"field_{f['id']}" for t, f in fields.items()}
    for text in ["banana", None, "Cherry", "apple", "", "Date"]:
        await create(api, table_id, {keys["text"]: text, keys["long_text"]: text})
    ascending = [None, "", "apple", "banana", "Cherry", "Date"]
    for field_type in ("text", "long_text"):
        key = keys[field_type]
        assert await sorted_column(api, table_id, key, key) == ascending
        assert await sorted_column(api, table_id, key, f"+{key}") == ascending
        assert await sorted_column(api, table_id, key, f"-{key}") == ascending[::-1]
        assert await sorted_column(api, table_id, field_type, f"-{field_type}",
                                   user_field_names=True) == ascending[::-1]


async def test_url_email_and_phone_sort(api: Api) -> None:
    table_id, fields = await _all_types(api)
    keys = {t: f"field_{f['id']}" for t, f in fields.items()}
    for url, email, phone in [("b.io", "Bob@x.io", "2"), ("", "", ""), ("A.io", "al@x.io", "10"),
                              ("c.io", "carl@x.io", "1")]:
        await create(api, table_id, {keys["url"]: url, keys["email"]: email,
                                     keys["phone_number"]: phone})
    assert await sorted_column(api, table_id, keys["url"], keys["url"]) == [
        "", "A.io", "b.io", "c.io"]
    assert await sorted_column(api, table_id, keys["email"], f"-{keys['email']}") == [
        "carl@x.io", "Bob@x.io", "al@x.io", ""]
    assert await sorted_column(api, table_id, keys["phone_number"], keys["phone_number"]) == [
        "", "1", "10", "2"]


# -- conversions -------------------------------------------------------------------------


async def test_text_to_number_and_back(api: Api) -> None:
    table_id, [field] = await table_with(api, {"name": "Amount", "type": "text"})
    key = f"field_{field['id']}"
    for text in ["12.5", "abc", None, " 7 ", "-3", "1.25", "1e2"]:
        await create(api, table_id, {key: text})
    body = await convert(api, field["id"], type="number", number_decimal_places=1)
    assert body["type"] == "number" and body["number_decimal_places"] == 1
    assert "text_default" not in body
    assert await column(api, table_id, key) == ["12.5", None, None, "7.0", "0.0", "1.3", "100.0"]
    body = await convert(api, field["id"], type="text")
    assert body["text_default"] == ""
    assert await column(api, table_id, key) == ["12.5", None, None, "7.0", "0.0", "1.3", "100.0"]


async def test_conversions_between_text_types(api: Api) -> None:
    table_id, [field] = await table_with(api, {"name": "Contact", "type": "long_text"})
    key = f"field_{field['id']}"
    for text in ["a@b.io", "not an email", None, "x.org", "+1 555"]:
        await create(api, table_id, {key: text})
    await convert(api, field["id"], type="email")
    assert await column(api, table_id, key) == ["a@b.io", "", "", "", ""]
    await convert(api, field["id"], type="url")
    assert await column(api, table_id, key) == ["a@b.io", "", "", "", ""]
    await convert(api, field["id"], type="text")
    assert await column(api, table_id, key) == ["a@b.io", None, None, None, None]
    await update(api, table_id, (await api.rows(table_id))["results"][4]["id"], {key: "+1 555"})
    await convert(api, field["id"], type="phone_number")
    assert await column(api, table_id, key) == ["", "", "", "", "+1 555"]
    await convert(api, field["id"], type="long_text")
    assert await column(api, table_id, key) == [None, None, None, None, "+1 555"]


async def test_boolean_and_rating_to_text(api: Api) -> None:
    table_id, [paid, stars] = await table_with(
        api, {"name": "Paid", "type": "boolean"}, {"name": "Stars", "type": "rating"})
    await create(api, table_id, {"Paid": True, "Stars": 4}, user_field_names=True)
    await create(api, table_id, {"Paid": False, "Stars": 0}, user_field_names=True)
    await convert(api, paid["id"], type="text")
    await convert(api, stars["id"], type="long_text")
    rows = (await api.rows(table_id, user_field_names="true"))["results"]
    assert [(r["Paid"], r["Stars"]) for r in rows] == [("true", "4"), ("false", "0")]
