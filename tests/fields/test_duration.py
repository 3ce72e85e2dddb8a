"""The duration field over HTTP: formats, parsing, rounding, refusals, conversions, sorting."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import strategies as st

from tests.conftest import Api
from tests.examples import draw

BATCH = "/api/database/rows/table/{}/batch/"
FORMATS = ["h:mm", "h:mm:ss", "h:mm:ss.s", "h:mm:ss.ss", "h:mm:ss.sss", "d h", "d h:mm",
           "d h:mm:ss", "d h mm", "d h mm ss"]
STEPS = {"h:mm": Decimal(60), "h:mm:ss": Decimal(1), "h:mm:ss.s": Decimal("0.1"),
         "h:mm:ss.ss": Decimal("0.01"), "h:mm:ss.sss": Decimal("0.001"), "d h": Decimal(3600),
         "d h:mm": Decimal(60), "d h:mm:ss": Decimal(1), "d h mm": Decimal(60),
         "d h mm ss": Decimal(1)}


async def _table_with(api: Api, **props: Any) -> tuple[int, str]:
    table = await api.table(name="Durations")
    field = await api.field(table["id"], name="Took", type="duration", **props)
    return table["id"], f"field_{field['id']}"


def _rounded(seconds: float, duration_format: str) -> float:
    step = STEPS[duration_format]
    return float((Decimal(repr(float(seconds))) / step).quantize(Decimal(1), ROUND_HALF_UP)
                 * step) + 0.0


async def test_field_json_and_format_choices(api: Api) -> None:
    table = await api.table()
    body = await api.field(table["id"], name="D", type="duration")
    assert body["duration_format"] == "h:mm" and body["read_only"] is False
    for duration_format in FORMATS:
        made = await api.field(table["id"], name=f"D {duration_format}", type="duration",
                               duration_format=duration_format)
        assert made["duration_format"] == duration_format
    response = await api.post(f"/api/database/fields/table/{table['id']}/",
                              json={"name": "Bad", "type": "duration", "duration_format": "m"})
    assert response.status_code == 400
    assert response.json()["detail"]["duration_format"][0]["code"] == "invalid_choice"


async def test_numbers_round_trip_rounded_to_the_format(api: Api) -> None:
    numbers = draw(st.one_of(st.integers(-10**9, 10**9),
                             st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)), 50)
    for duration_format in ["h:mm", "h:mm:ss.sss", "d h"]:
        table_id, key = await _table_with(api, duration_format=duration_format)
        response = await api.post(BATCH.format(table_id),
                                  json={"items": [{key: n} for n in numbers]})
        assert response.status_code == 200, response.text
        expected = [_rounded(n, duration_format) for n in numbers]
        assert [r[key] for r in response.json()["items"]] == expected
        listing = await api.rows(table_id, size=200)
        assert [r[key] for r in listing["results"]] == expected


async def test_text_in_each_format(api: Api) -> None:
    cases = {
        "h:mm": {"1:30": 5400, "90": 120, "0:01": 60, "-1:30": -5400, "2h 5m": 7500},
        "h:mm:ss": {"1:30": 90, "1:02:03": 3723, "0:00:59.6": 60, "1d 1:00:00": 90000},
        "h:mm:ss.s": {"1:02:03.45": 3723.5, "2.25": 2.3},
        "h:mm:ss.sss": {"0:00:01.2345": 1.235, "1:30.5": 90.5},
        "d h": {"1d 2h": 93600, "3d": 259200, "1d 5": 104400, "1 2h": 93600},
        "d h:mm": {"1d 2:30": 95400, "2:30": 9000},
        "d h:mm:ss": {"1d 2:03:04": 93784},
        "d h mm": {"1d 2h 03m": 93780, "45m": 2700},
        "d h mm ss": {"1d 2h 3m 4s": 93784, "10s": 10, "1.4s": 1},
    }
    for duration_format, examples in cases.items():
        table_id, key = await _table_with(api, duration_format=duration_format)
        for text, seconds in examples.items():
            response = await api.create_row(table_id, {key: text})
            assert response.status_code == 200, (duration_format, text, response.text)
            assert response.json()[key] == seconds, (duration_format, text)


async def test_refused_values_change_nothing(api: Api) -> None:
    table_id, key = await _table_with(api, duration_format="h:mm:ss")
    for value in ["abc", "1:2:3:4", "1.5:00", True, False, [60], {"s": 1}, "nan", "inf",
                  10**20, 1e300, "--5"]:
        response = await api.create_row(table_id, {key: value})
        assert response.status_code == 400, (value, response.text)
        body = response.json()
        assert body["error"] == "ERROR_REQUEST_BODY_VALIDATION"
        assert body["detail"][key][0]["code"] == "invalid"
    junk = draw(st.text(max_size=12), 40)
    created = 0
    for text in junk:
        response = await api.create_row(table_id, {key: text})
        assert response.status_code in (200, 400), (text, response.text)
        created += response.status_code == 200
    assert (await api.rows(table_id))["count"] == created


async def test_null_and_empty_clear(api: Api) -> None:
    table_id, key = await _table_with(api)
    row = (await api.create_row(table_id, {key: 60})).json()
    assert row[key] == 60
    path = f"/api/database/rows/table/{table_id}/{row['id']}/"
    assert (await api.ok("PATCH", path, json={key: None}))[key] is None
    assert (await api.ok("PATCH", path, json={key: "1:00"}))[key] == 3600
    assert (await api.ok("PATCH", path, json={key: ""}))[key] is None
    assert (await api.create_row(table_id, {})).json()[key] is None


async def test_conversions(api: Api) -> None:
    table_id, key = await _table_with(api, duration_format="h:mm:ss.sss")
    field_id = int(key.split("_")[1])
    await api.post(BATCH.format(table_id), json={"items": [{key: 3723.456}, {key: None}]})
    await api.ok("PATCH", f"/api/database/fields/{field_id}/", json={"duration_format": "h:mm"})
    assert [r[key] for r in (await api.rows(table_id))["results"]] == [3720, None]
    await api.ok("PATCH", f"/api/database/fields/{field_id}/", json={"type": "text"})
    assert [r[key] for r in (await api.rows(table_id))["results"]] == ["1:02", None]
    await api.ok("PATCH", f"/api/database/fields/{field_id}/",
                 json={"type": "duration", "duration_format": "h:mm"})
    assert [r[key] for r in (await api.rows(table_id))["results"]] == [3720, None]
    await api.ok("PATCH", f"/api/database/fields/{field_id}/",
                 json={"type": "number", "number_decimal_places": 0})
    assert [r[key] for r in (await api.rows(table_id))["results"]] == ["3720", None]


async def test_number_to_duration_counts_seconds(api: Api) -> None:
    table = await api.table(name="N", data=[["Name", "Secs"], ["a", "90"], ["b", "x"]])
    secs = next(f for f in await api.fields(table["id"]) if f["name"] == "Secs")
    await api.ok("PATCH", f"/api/database/fields/{secs['id']}/",
                 json={"type": "duration", "duration_format": "h:mm:ss"})
    values = [r[f"field_{secs['id']}"] for r in (await api.rows(table["id"]))["results"]]
    assert values == [90, None]


async def test_sorting(api: Api) -> None:
    table_id, key = await _table_with(api, duration_format="h:mm:ss")
    await api.post(BATCH.format(table_id), json={"items": [
        {key: 30}, {key: None}, {key: -5}, {key: 3600}]})
    ascending = [r[key] for r in (await api.rows(table_id, order_by=key))["results"]]
    assert ascending == [None, -5, 30, 3600]
    descending = [r[key] for r in (await api.rows(table_id, order_by=f"-{key}"))["results"]]
    assert descending == [3600, 30, -5, None]
