"""The date field over HTTP: its JSON, value formats, time zones, conversions, sorting."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.conftest import Api
from tests.examples import draw

TRANSCRIPTS = Path("/work/shared/baserow-transcripts")
DATE_MESSAGE = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
BATCH = "/api/database/rows/table/{}/batch/"


async def _table_with(api: Api, **props: Any) -> tuple[int, str]:
    table = await api.table(name="Dates")
    field = await api.field(table["id"], name="When", type="date", **props)
    return table["id"], f"field_{field['id']}"


async def _batch(api: Api, table_id: int, key: str, values: list[Any]) -> Any:
    return await api.post(BATCH.format(table_id), json={"items": [{key: v} for v in values]})


def _utc_text(moment: datetime) -> str:
    naive = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    text = (f"{naive.year:04d}-{naive.month:02d}-{naive.day:02d}T"
            f"{naive.hour:02d}:{naive.minute:02d}:{naive.second:02d}")
    return text + (f".{naive.microsecond:06d}" if naive.microsecond else "") + "Z"


async def test_create_matches_transcript(api: Api) -> None:
    recorded = json.loads((TRANSCRIPTS / "19-field-create-date.json").read_text())
    table = await api.table(name="Orders")
    body = await api.field(table["id"], **recorded["request"]["body"])
    expected = recorded["response"]["body"]
    assert list(body) == list(expected)
    ignored = {"id", "table_id", "order", "database_id", "workspace_id"}
    assert {k: v for k, v in body.items() if k not in ignored} == {
        k: v for k, v in expected.items() if k not in ignored}


async def test_defaults_and_property_validation(api: Api) -> None:
    table = await api.table()
    body = await api.field(table["id"], name="D", type="date")
    assert (body["date_format"], body["date_include_time"], body["date_time_format"],
            body["date_show_tzinfo"], body["date_force_timezone"]) == ("EU", False, "24", False,
                                                                       None)
    assert "date_force_timezone_offset" not in body
    path = f"/api/database/fields/table/{table['id']}/"
    for bad, key, code in [({"date_format": "XX"}, "date_format", "invalid_choice"),
                           ({"date_time_format": 24}, "date_time_format", "invalid"),
                           ({"date_force_timezone": "Mars/Olympus"}, "date_force_timezone",
                            "invalid_choice"),
                           ({"date_include_time": "yes please"}, "date_include_time", "invalid"),
                           ({"date_force_timezone_offset": "60"}, "date_force_timezone_offset",
                            "invalid")]:
        response = await api.post(path, json={"name": "Bad", "type": "date", **bad})
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "ERROR_REQUEST_BODY_VALIDATION"
        assert response.json()["detail"][key][0]["code"] == code
    assert [f["name"] for f in await api.fields(table["id"])] == ["Name", "D"]
    forced = await api.field(table["id"], name="Z", type="date", date_include_time=True,
                             date_force_timezone="Europe/Amsterdam",
                             date_force_timezone_offset=60)
    assert forced["date_force_timezone"] == "Europe/Amsterdam"
    updated = await api.ok("PATCH", f"/api/database/fields/{forced['id']}/",
                           json={"date_force_timezone": None, "date_format": "US"})
    assert updated["date_force_timezone"] is None and updated["date_format"] == "US"
    assert updated["date_include_time"] is True


async def test_date_only_round_trip(api: Api) -> None:
    table_id, key = await _table_with(api, date_format="ISO")
    days = draw(st.dates(), 60)
    response = await _batch(api, table_id, key, [d.isoformat() for d in days])
    assert response.status_code == 200, response.text
    assert [row[key] for row in response.json()["items"]] == [d.isoformat() for d in days]
    listing = await api.rows(table_id, size=200)
    assert [row[key] for row in listing["results"]] == [d.isoformat() for d in days]


async def test_date_only_refuses_datetimes_and_junk(api: Api) -> None:
    table_id, key = await _table_with(api)
    before = (await api.rows(table_id))["count"]
    for value in ["2024-05-01T10:00:00Z", "2024-05-01 10:00", "31/31/2024", "2024-02-30",
                  "tomorrow", 20240501, True, ["2024-05-01"], {"date": "2024-05-01"}]:
        response = await api.create_row(table_id, {key: value})
        assert response.status_code == 400, (value, response.text)
        assert response.json() == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": {
            key: [{"error": DATE_MESSAGE, "code": "invalid"}]}}
    assert (await api.rows(table_id))["count"] == before


async def test_any_text_is_stored_canonically_or_refused(api: Api) -> None:
    table_id, key = await _table_with(api, date_include_time=True)
    texts = draw(st.one_of(st.text(max_size=30),
                           st.from_regex(r"\d{4}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{2}.*)?",
                                         fullmatch=True)), 60)
    created = 0
    for text in texts:
        response = await api.create_row(table_id, {key: text})
        assert response.status_code in (200, 400), (text, response.text)
        if response.status_code == 200:
            created += 1
            value = response.json()[key]
            assert value is None or (value.endswith("Z") and "T" in value)
        else:
            assert response.json()["detail"][key][0]["code"] == "invalid"
    assert (await api.rows(table_id))["count"] == created


async def test_datetime_round_trip_with_offsets(api: Api) -> None:
    table_id, key = await _table_with(api, date_include_time=True)
    offsets = st.sampled_from([None, UTC, timezone(timedelta(hours=2)),
                               timezone(timedelta(hours=-9, minutes=-30))])
    moments = draw(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31),
                                timezones=offsets), 60)
    response = await _batch(api, table_id, key, [m.isoformat() for m in moments])
    assert response.status_code == 200, response.text
    assert [row[key] for row in response.json()["items"]] == [_utc_text(m) for m in moments]
    listing = await api.rows(table_id, size=200)
    assert [row[key] for row in listing["results"]] == [_utc_text(m) for m in moments]


async def test_datetime_examples(api: Api) -> None:
    table_id, key = await _table_with(api, date_include_time=True)
    cases = {
        "2024-03-01T02:00:01.5+02:00": "2024-03-01T00:00:01.500000Z",
        "2020-01-01T12:00:00Z": "2020-01-01T12:00:00Z",
        "2020-01-01 12:00": "2020-01-01T12:00:00Z",
        "2020-01-01T23:30:00-01:00": "2020-01-02T00:30:00Z",
        "2020-01-01": "2020-01-01T00:00:00Z",
        "0099-01-01T00:00:00Z": "0099-01-01T00:00:00Z",
    }
    for sent, expected in cases.items():
        row = (await api.create_row(table_id, {key: sent})).json()
        assert row[key] == expected, sent
        again = await api.ok("GET", f"/api/database/rows/table/{table_id}/{row['id']}/")
        assert again[key] == expected
    response = await api.create_row(table_id, {key: "0001-01-01T00:30:00+02:00"})
    assert response.status_code == 400
    assert response.json()["detail"][key][0]["error"].startswith("Datetime has wrong format.")


async def test_update_and_clear(api: Api) -> None:
    table_id, key = await _table_with(api)
    row = (await api.create_row(table_id, {key: "2024-05-01"})).json()
    path = f"/api/database/rows/table/{table_id}/{row['id']}/"
    assert (await api.ok("PATCH", path, json={key: "2024-06-02"}))[key] == "2024-06-02"
    bad = await api.patch(path, json={key: "2024-06-02T10:00:00Z"})
    assert bad.status_code == 400
    assert (await api.ok("GET", path))[key] == "2024-06-02"
    assert (await api.ok("PATCH", path, json={key: None}))[key] is None
    assert (await api.ok("PATCH", path, json={key: ""}))[key] is None


async def test_toggling_time_converts_values(api: Api) -> None:
    table_id, key = await _table_with(api, date_format="EU")
    field_id = int(key.split("_")[1])
    await _batch(api, table_id, key, ["2024-05-01", "1999-12-31", None])
    await api.ok("PATCH", f"/api/database/fields/{field_id}/",
                 json={"date_include_time": True, "date_format": "US"})
    rows = (await api.rows(table_id))["results"]
    assert [r[key] for r in rows] == ["2024-05-01T00:00:00Z", "1999-12-31T00:00:00Z", None]
    path = f"/api/database/rows/table/{table_id}/{rows[0]['id']}/"
    await api.ok("PATCH", path, json={key: "2024-05-01T23:59:00+00:00"})
    await api.ok("PATCH", f"/api/database/fields/{field_id}/",
                 json={"date_include_time": False, "date_format": "EU"})
    assert [r[key] for r in (await api.rows(table_id))["results"]] == [
        "2024-05-01", "1999-12-31", None]


async def test_forced_timezone_decides_the_day(api: Api) -> None:
    table_id, key = await _table_with(api, date_include_time=True,
                                      date_force_timezone="Asia/Tokyo")
    field_id = int(key.split("_")[1])
    await api.create_row(table_id, {key: "2024-05-01T20:00:00Z"})
    await api.ok("PATCH", f"/api/database/fields/{field_id}/", json={"date_include_time": False})
    assert (await api.rows(table_id))["results"][0][key] == "2024-05-02"


async def test_text_to_date_and_back(api: Api) -> None:
    table = await api.table(name="Conv", data=[
        ["Name", "Raw"], ["a", "2024-05-01"], ["b", "02/03/2024"], ["c", "not a date"],
        ["d", None], ["e", "2024-05-01 13:45"]])
    raw = next(f for f in await api.fields(table["id"]) if f["name"] == "Raw")
    converted = await api.ok("PATCH", f"/api/database/fields/{raw['id']}/",
                             json={"type": "date", "date_format": "EU"})
    assert converted["type"] == "date" and converted["date_include_time"] is False
    key = f"field_{raw['id']}"
    values = [r[key] for r in (await api.rows(table["id"]))["results"]]
    assert values == ["2024-05-01", "2024-03-02", None, None, "2024-05-01"]
    await api.ok("PATCH", f"/api/database/fields/{raw['id']}/", json={"type": "text"})
    values = [r[key] for r in (await api.rows(table["id"]))["results"]]
    assert values == ["01/05/2024", "02/03/2024", None, None, "01/05/2024"]


async def test_datetime_to_text_uses_formats(api: Api) -> None:
    table_id, key = await _table_with(api, date_include_time=True, date_format="US",
                                      date_time_format="12",
                                      date_force_timezone="America/New_York")
    await api.create_row(table_id, {key: "2024-07-04T18:05:00Z"})
    field_id = int(key.split("_")[1])
    await api.ok("PATCH", f"/api/database/fields/{field_id}/", json={"type": "text"})
    assert (await api.rows(table_id))["results"][0][key] == "07/04/2024 02:05 PM"
    await api.ok("PATCH", f"/api/database/fields/{field_id}/",
                 json={"type": "date", "date_include_time": True, "date_format": "US",
                       "date_force_timezone": "America/New_York"})
    assert (await api.rows(table_id))["results"][0][key] == "2024-07-04T18:05:00Z"


async def test_sorting_puts_empty_first(api: Api) -> None:
    table_id, key = await _table_with(api)
    days = [date(2024, 5, 1), None, date(1990, 1, 2), date(2030, 12, 31)]
    await _batch(api, table_id, key, [d.isoformat() if d else None for d in days])
    ascending = [r[key] for r in (await api.rows(table_id, order_by=key))["results"]]
    assert ascending == [None, "1990-01-02", "2024-05-01", "2030-12-31"]
    descending = [r[key] for r in (await api.rows(table_id, order_by=f"-{key}"))["results"]]
    assert descending == ["2030-12-31", "2024-05-01", "1990-01-02", None]


async def test_batch_errors_are_keyed_by_item(api: Api) -> None:
    table_id, key = await _table_with(api)
    before = (await api.rows(table_id))["count"]
    response = await _batch(api, table_id, key, ["2024-01-01", "2024-13-01", None, "x"])
    assert response.status_code == 400
    entry = [{"error": DATE_MESSAGE, "code": "invalid"}]
    assert response.json() == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": {
        "items": {"1": {key: entry}, "3": {key: entry}}}}
    assert (await api.rows(table_id))["count"] == before
