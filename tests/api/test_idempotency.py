"""A write retried with the same `Idempotency-Key` is applied once, and its retries get
the first answer again (`api/idempotency.py`), as when a client lost the answer."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from gridbase.api.idempotency import IdempotentWrites
from tests.conftest import Api

ROWS = "/api/database/rows/table/{}/"
NAMES = {"user_field_names": "true"}


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def _count(api: Api, table_id: int) -> int:
    count: int = (await api.rows(table_id))["count"]
    return count


async def test_a_retried_create_is_applied_once_and_answered_the_same(api: Api) -> None:
    table = await api.table()
    key = _key()
    first = await api.post(ROWS.format(table["id"]), params=NAMES, json={"Name": "once"},
                           headers=key)
    again = await api.post(ROWS.format(table["id"]), params=NAMES, json={"Name": "once"},
                           headers=key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await _count(api, table["id"]) == 1


async def test_other_keys_bodies_or_no_key_are_other_writes(api: Api) -> None:
    table = await api.table()
    rows = ROWS.format(table["id"])
    key = _key()
    answers = [await api.post(rows, params=NAMES, json={"Name": "a"}, headers=key),
               await api.post(rows, params=NAMES, json={"Name": "b"}, headers=key),
               await api.post(rows, params=NAMES, json={"Name": "a"}, headers=_key()),
               await api.post(rows, params=NAMES, json={"Name": "a"}),
               await api.post(rows, params=NAMES, json={"Name": "a"})]
    assert [a.status_code for a in answers] == [200] * 5
    assert len({a.json()["id"] for a in answers}) == 5
    assert await _count(api, table["id"]) == 5


async def test_another_users_request_with_the_key_is_not_answered_with_the_first(
        api: Api, other_api: Api) -> None:
    table = await api.table()
    key = _key()
    mine = await api.post(ROWS.format(table["id"]), json={}, headers=key)
    theirs = await other_api.post(ROWS.format(table["id"]), json={}, headers=key)
    assert mine.status_code == 200
    assert theirs.status_code == 400, theirs.text
    assert theirs.json()["error"] == "ERROR_USER_NOT_IN_GROUP"
    assert await _count(api, table["id"]) == 1


async def test_a_failed_write_is_not_kept_and_its_retry_runs_again(api: Api) -> None:
    """The first try places the row before one that does not exist yet; once it does,
    the retry (same key, same body) is applied."""
    table = await api.table()
    rows = ROWS.format(table["id"])
    latest = (await api.ok("POST", rows, json={}))["id"]
    before = {"before": str(latest + 1)}
    key = _key()
    failed = await api.post(rows, params=before, json={}, headers=key)
    assert failed.status_code == 404, failed.text
    assert (await api.ok("POST", rows, json={}))["id"] == latest + 1
    retried = await api.post(rows, params=before, json={}, headers=key)
    assert retried.status_code == 200, retried.text
    assert "idempotent-replayed" not in retried.headers
    listed = [row["id"] for row in (await api.rows(table["id"]))["results"]]
    assert listed == [latest, retried.json()["id"], latest + 1]


async def test_duplicates_sent_at_once_write_once(api: Api) -> None:
    table = await api.table()
    key = _key()
    answers = await asyncio.gather(*[
        api.post(f"{ROWS.format(table['id'])}batch/", params=NAMES, headers=key,
                 json={"items": [{"Name": f"r{i}"} for i in range(20)]})
        for _ in range(4)])
    assert [a.status_code for a in answers] == [200] * 4
    assert all(a.json() == answers[0].json() for a in answers)
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 3
    assert await _count(api, table["id"]) == 20


async def test_a_retried_delete_answers_as_the_first_did(api: Api) -> None:
    table = await api.table()
    row: dict[str, Any] = await api.ok("POST", ROWS.format(table["id"]), json={})
    key = _key()
    first = await api.delete(f"{ROWS.format(table['id'])}{row['id']}/", headers=key)
    again = await api.delete(f"{ROWS.format(table['id'])}{row['id']}/", headers=key)
    unkeyed = await api.delete(f"{ROWS.format(table['id'])}{row['id']}/")
    assert first.status_code == again.status_code == 204
    assert unkeyed.status_code == 404


async def _answers(app: Any, requests: list[str]) -> list[str]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        return [(await http.post("/", content=b"{}", headers={"Idempotency-Key": key})).text
                for key in requests]


def _counting_app(size: int) -> Any:
    """An app whose every run answers a new number, padded to `size` bytes."""
    runs: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        runs.append(len(runs))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(len(runs)).encode().ljust(size)})

    return app


async def test_answers_kept_are_bounded_in_bytes_and_time() -> None:
    bounded = IdempotentWrites(_counting_app(1000), max_kept_bytes=2000)
    answers = await _answers(bounded, ["a", "b", "c", "c", "b", "a"])
    # "a" was let go to keep "c": its retry runs again; "b" and "c" are replayed
    assert [answer.strip() for answer in answers] == ["1", "2", "3", "3", "2", "4"]
    brief = IdempotentWrites(_counting_app(10), seconds=0.0)
    answers = await _answers(brief, ["a", "a"])
    assert [answer.strip() for answer in answers] == ["1", "2"]
