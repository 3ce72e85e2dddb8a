"""single_select and multiple_select over HTTP: field JSON, options and defaults, writes
by id and by value, refusals, order kept, sorting, conversions and round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.conftest import Api
from tests.examples import draw

TRANSCRIPTS = Path("/work/shared/baserow-transcripts")
ROWS = "/api/database/rows/table/{}/"
ROW = "/api/database/rows/table/{}/{}/"
BATCH = "/api/database/rows/table/{}/batch/"
FIELD = "/api/database/fields/{}/"
VARYING = frozenset({"id", "table_id", "order", "database_id", "workspace_id"})
COLORS = {"new": "blue", "shipped": "green", "cancelled": "red"}


def _recorded(name: str) -> dict[str, Any]:
    [path] = TRANSCRIPTS.glob(f"{name}-*.json")
    result: dict[str, Any] = json.loads(path.read_text())
    return result


def _options(values: list[str]) -> list[dict[str, str]]:
    return [{"value": v, "color": COLORS.get(v, "blue")} for v in values]


async def _select(api: Api, kind: str = "single_select",
                  values: tuple[str, ...] = ("new", "shipped", "cancelled"),
                  **props: Any) -> tuple[int, dict[str, Any]]:
    table = await api.table(name="Orders")
    field = await api.field(table["id"], name="Status", type=kind,
                            select_options=_options(list(values)), **props)
    return table["id"], field


def _ids(field: dict[str, Any]) -> dict[str, int]:
    return {o["value"]: o["id"] for o in field["select_options"]}


async def _write(api: Api, table_id: int, key: str, value: Any) -> Any:
    return await api.post(ROWS.format(table_id), json={key: value})


async def _count(api: Api, table_id: int) -> int:
    return int((await api.rows(table_id))["count"])


async def test_create_matches_transcript(api: Api) -> None:
    recorded = _recorded("20")
    table = await api.table(name="Orders")
    body = await api.field(table["id"], **recorded["request"]["body"])
    expected = recorded["response"]["body"]
    assert list(body) == list(expected)
    assert {k: v for k, v in body.items() if k not in VARYING | {"select_options"}} == {
        k: v for k, v in expected.items() if k not in VARYING | {"select_options"}}
    assert [(o["value"], o["color"]) for o in body["select_options"]] == [
        (o["value"], o["color"]) for o in expected["select_options"]]
    assert [list(o) for o in body["select_options"]] == [["id", "value", "color"]] * 3
    listed = [f for f in await api.fields(table["id"]) if f["id"] == body["id"]]
    assert listed == [{k: v for k, v in body.items() if k != "related_fields"}]


async def test_multiple_select_json(api: Api) -> None:
    _, field = await _select(api, "multiple_select")
    assert list(field)[-2:] == ["select_options", "multiple_select_default"]
    assert field["multiple_select_default"] is None


async def test_write_by_id_and_by_value(api: Api) -> None:
    table_id, field = await _select(api)
    key, ids = f"field_{field['id']}", _ids(field)
    by_id = (await _write(api, table_id, key, ids["shipped"])).json()
    assert by_id[key] == {"id": ids["shipped"], "value": "shipped", "color": "green"}
    by_value = (await _write(api, table_id, key, "cancelled")).json()
    assert by_value[key] == {"id": ids["cancelled"], "value": "cancelled", "color": "red"}
    empty = (await _write(api, table_id, key, None)).json()
    assert empty[key] is None
    response = await api.patch(ROW.format(table_id, by_id["id"]), json={key: None})
    assert response.json()[key] is None


async def test_batch_create_by_value_with_names(api: Api) -> None:
    table_id, field = await _select(api)
    ids = _ids(field)
    response = await api.post(BATCH.format(table_id), params={"user_field_names": "true"},
                              json={"items": [{"Name": f"B-{i}", "Status": "new"}
                                              for i in range(3)]})
    assert response.status_code == 200, response.text
    assert [item["Status"] for item in response.json()["items"]] == [
        {"id": ids["new"], "value": "new", "color": "blue"}] * 3


async def test_unknown_option_is_a_string_detail_and_changes_nothing(api: Api) -> None:
    table_id, field = await _select(api)
    key = f"field_{field['id']}"
    for value, shown in [(999999, "999999"), ("nope", "nope")]:
        response = await _write(api, table_id, key, value)
        assert response.status_code == 400
        assert response.json() == {
            "error": "ERROR_REQUEST_BODY_VALIDATION",
            "detail": f"The provided select option value '{shown}' is not a valid select option."}
    other_table, other = await _select(api)
    response = await _write(api, table_id, key, _ids(other)["new"])
    assert response.status_code == 400
    assert await _count(api, table_id) == 0
    assert other_table != table_id


async def test_per_field_errors_come_first(api: Api) -> None:
    table_id, field = await _select(api)
    number = await api.field(table_id, name="Quantity", type="number")
    response = await api.post(ROWS.format(table_id), json={
        f"field_{number['id']}": "not a number", f"field_{field['id']}": 999999})
    assert response.status_code == 400
    assert response.json()["detail"] == {f"field_{number['id']}": [
        {"error": "A valid number is required.", "code": "invalid"}]}
    for bad in [1.5, {"id": 1}, [1], True, 2.0**70]:
        response = await _write(api, table_id, f"field_{field['id']}", bad)
        assert response.status_code == 400, bad
        assert isinstance(response.json()["detail"], dict), bad
    assert await _count(api, table_id) == 0


async def test_multiple_select_keeps_written_order(api: Api) -> None:
    table_id, field = await _select(api, "multiple_select")
    key, ids = f"field_{field['id']}", _ids(field)
    row = (await _write(api, table_id, key, [ids["cancelled"], "new", ids["cancelled"]])).json()
    assert [o["value"] for o in row[key]] == ["cancelled", "new"]
    again = await api.ok("GET", ROW.format(table_id, row["id"]))
    assert again[key] == row[key]
    text = (await _write(api, table_id, key, "shipped,new")).json()
    assert [o["value"] for o in text[key]] == ["shipped", "new"]
    assert (await _write(api, table_id, key, "")).json()[key] == []
    assert (await _write(api, table_id, key, None)).json()[key] == []


async def test_multiple_select_refusals(api: Api) -> None:
    table_id, field = await _select(api, "multiple_select")
    key, ids = f"field_{field['id']}", _ids(field)
    cases = [
        ("nope,new", "The provided select option value 'nope' is not a valid select option."),
        ([999999], "The provided select option value '999999' is not a valid select option."),
        ([None], "The provided value '[None]' is not a valid integer or string."),
    ]
    for value, detail in cases:
        response = await _write(api, table_id, key, value)
        assert response.json() == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": detail}
    response = await api.post(BATCH.format(table_id), json={"items": [
        {key: [787]}, {key: [789, ids["new"]]}]})
    assert response.json()["detail"] == (
        "The provided select option values [787, 789] are not valid select options.")
    response = await _write(api, table_id, key, 5)
    assert response.json()["detail"] == {key: [
        {"error": 'Expected a list of items but got type "int".', "code": "not_a_list"}]}
    assert await _count(api, table_id) == 0


async def test_option_update_and_delete(api: Api) -> None:
    table_id, field = await _select(api)
    key, ids = f"field_{field['id']}", _ids(field)
    shipped = (await _write(api, table_id, key, ids["shipped"])).json()
    new = (await _write(api, table_id, key, ids["new"])).json()
    updated = await api.ok("PATCH", FIELD.format(field["id"]), json={"select_options": [
        {"id": ids["new"], "value": "fresh", "color": "dark-blue"},
        {"value": "returned", "color": "orange"}]})
    values = [(o["value"], o["color"]) for o in updated["select_options"]]
    assert values == [("fresh", "dark-blue"), ("returned", "orange")]
    assert updated["select_options"][0]["id"] == ids["new"]
    row = await api.ok("GET", ROW.format(table_id, new["id"]))
    assert row[key] == {"id": ids["new"], "value": "fresh", "color": "dark-blue"}
    gone = await api.ok("GET", ROW.format(table_id, shipped["id"]))
    assert gone[key] is None
    response = await _write(api, table_id, key, ids["shipped"])
    assert response.status_code == 400


async def test_option_of_another_field_is_refused(api: Api) -> None:
    _, field = await _select(api)
    _, other = await _select(api)
    response = await api.patch(FIELD.format(field["id"]), json={"select_options": [
        {"id": _ids(other)["new"], "value": "x", "color": "red"}]})
    assert response.status_code == 400
    assert response.json() == {
        "error": "ERROR_SELECT_OPTION_DOES_NOT_BELONG_TO_FIELD",
        "detail": f"Select option {_ids(other)['new']} does not belong to field {field['id']}"}
    again = await api.ok("GET", FIELD.format(field["id"]))
    assert again["select_options"] == field["select_options"]


async def test_bad_option_lists_are_refused(api: Api) -> None:
    table = await api.table()
    path = f"/api/database/fields/table/{table['id']}/"
    for options, detail in [
        ("x", {"select_options": [{"error": 'Expected a list of items but got type "str".',
                                    "code": "not_a_list"}]}),
        ([{"value": "a"}], {"select_options": [{"color": [
            {"error": "This field is required.", "code": "required"}]}]}),
        (["a"], {"select_options": [{"non_field_errors": [
            {"error": "Invalid data. Expected a dictionary, but got str.", "code": "invalid"}]}]}),
        ([{"value": "a" * 256, "color": "red", "id": "x"}], {"select_options": [{
            "value": [{"error": "Ensure this field has no more than 255 characters.",
                       "code": "max_length"}],
            "id": [{"error": "A valid integer is required.", "code": "invalid"}]}]}),
    ]:
        response = await api.post(path, json={"name": "S", "type": "single_select",
                                              "select_options": options})
        assert response.status_code == 400
        assert response.json() == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": detail}
    assert [f["name"] for f in await api.fields(table["id"])] == ["Name"]


async def test_defaults_with_placeholders(api: Api) -> None:
    table = await api.table()
    await api.create_row(table["id"], {})
    field = await api.field(table["id"], name="S", type="single_select", select_options=[
        {"id": -1, "value": "A", "color": "blue"}, {"id": -2, "value": "B", "color": "red"}],
        single_select_default=-2)
    ids = _ids(field)
    assert field["single_select_default"] == ids["B"]
    key = f"field_{field['id']}"
    assert (await api.rows(table["id"]))["results"][0][key]["value"] == "B"
    assert (await api.create_row(table["id"], {})).json()[key]["value"] == "B"
    dropped = await api.ok("PATCH", FIELD.format(field["id"]), json={
        "select_options": [{"id": ids["A"], "value": "A", "color": "blue"}]})
    assert dropped["single_select_default"] is None
    response = await api.patch(FIELD.format(field["id"]), json={"single_select_default": 424242})
    assert response.json()["error"] == "ERROR_SELECT_OPTION_DOES_NOT_BELONG_TO_FIELD"
    multi = await api.field(table["id"], name="M", type="multiple_select", select_options=[
        {"id": -1, "value": "x", "color": "blue"}, {"id": -2, "value": "y", "color": "red"}],
        multiple_select_default=[-2, -1])
    mids = _ids(multi)
    assert multi["multiple_select_default"] == [mids["y"], mids["x"]]
    row = (await api.create_row(table["id"], {})).json()
    assert [o["value"] for o in row[f"field_{multi['id']}"]] == ["y", "x"]


async def test_sort_by_option_value(api: Api) -> None:
    table_id, field = await _select(api, values=("b", "C", "a", "A"))
    key, ids = f"field_{field['id']}", _ids(field)
    for value in ["C", None, "a", "b", "A"]:
        await _write(api, table_id, key, ids[value] if value else None)
    ascending = await api.rows(table_id, order_by=key)
    assert [r[key] and r[key]["value"] for r in ascending["results"]] == [
        None, "a", "A", "b", "C"]
    descending = await api.rows(table_id, order_by=f"-{key}")
    assert [r[key] and r[key]["value"] for r in descending["results"]] == [
        "C", "b", "A", "a", None]
    _, multi = await _select(api, "multiple_select", values=("b", "a"))
    mkey = f"field_{multi['id']}"
    multi_table = multi["table_id"]
    for value in [["b"], [], ["a", "b"], ["a"]]:
        await _write(api, multi_table, mkey, value)
    listed = await api.rows(multi_table, order_by=mkey)
    assert [[o["value"] for o in r[mkey]] for r in listed["results"]] == [
        [], ["a"], ["a", "b"], ["b"]]


async def test_filters_and_search_see_option_values(api: Api) -> None:
    table_id, field = await _select(api, "multiple_select")
    key, ids = f"field_{field['id']}", _ids(field)
    await _write(api, table_id, key, [ids["shipped"], ids["new"]])
    await _write(api, table_id, key, [])
    found = await api.rows(table_id, search="shipp")
    assert [[o["value"] for o in r[key]] for r in found["results"]] == [["shipped", "new"]]
    empty = await api.rows(table_id, **{f"filter__{key}__empty": ""})
    assert [r[key] for r in empty["results"]] == [[]]


async def test_conversions_to_and_from_text(api: Api) -> None:
    table = await api.table()
    text = await api.field(table["id"], name="T", type="text")
    key = f"field_{text['id']}"
    for value in ["new", "Shipped ", "other", None]:
        await api.create_row(table["id"], {key: value})
    single = await api.ok("PATCH", FIELD.format(text["id"]), json={
        "type": "single_select", "select_options": _options(["new", "shipped"])})
    values = [r[key] and r[key]["value"] for r in (await api.rows(table["id"]))["results"]]
    assert values == ["new", "shipped", None, None]
    multi = await api.ok("PATCH", FIELD.format(text["id"]), json={"type": "multiple_select"})
    assert multi["select_options"] == single["select_options"]
    listed = (await api.rows(table["id"]))["results"]
    assert [[o["value"] for o in r[key]] for r in listed] == [["new"], ["shipped"], [], []]
    back = await api.ok("PATCH", FIELD.format(text["id"]), json={"type": "text"})
    assert "select_options" not in back
    assert [r[key] for r in (await api.rows(table["id"]))["results"]] == [
        "new", "shipped", None, None]
    again = await api.ok("PATCH", FIELD.format(text["id"]), json={"type": "single_select"})
    assert again["select_options"] == []


async def test_delete_field_and_table_with_selects(api: Api) -> None:
    table_id, field = await _select(api)
    await _write(api, table_id, f"field_{field['id']}", "new")
    await api.ok("DELETE", FIELD.format(field["id"]))
    assert [f["name"] for f in await api.fields(table_id)] == ["Name"]
    await api.ok("DELETE", f"/api/database/tables/{table_id}/")


async def test_hypothesis_round_trips(api: Api) -> None:
    values = ("a", "b, c", "D", "é", "same")
    table_id, single = await _select(api, values=values)
    multi = await api.field(table_id, name="Tags", type="multiple_select",
                            select_options=_options(list(values)))
    skey, mkey = f"field_{single['id']}", f"field_{multi['id']}"
    sids, mids = _ids(single), _ids(multi)
    examples = draw(st.tuples(
        st.one_of(st.none(), st.sampled_from(values)),
        st.lists(st.sampled_from(values), unique=True, max_size=5),
        st.booleans()), 30)
    for chosen, tags, by_value in examples:
        written_single = (chosen if by_value else sids[chosen]) if chosen else None
        written_multi = tags if by_value else [mids[t] for t in tags]
        response = await api.post(ROWS.format(table_id),
                                  json={skey: written_single, mkey: written_multi})
        assert response.status_code == 200, response.text
        row = await api.ok("GET", ROW.format(table_id, response.json()["id"]))
        assert (row[skey] and row[skey]["value"]) == chosen
        assert [o["value"] for o in row[mkey]] == tags
        assert [o["id"] for o in row[mkey]] == [mids[t] for t in tags]
