"""Exact counts with the count cache: a filtered count stays exact after every kind of
change (rows, fields, select options, the rows of a linked table), whichever of two app
instances sharing the database made it; relative date filters follow the clock; and a
repeated count is answered without counting again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from gridbase.config import load_settings
from gridbase.handlers import row_query, view_rows
from gridbase.storage import schema as meta
from tests.conftest import Api, signup

ROWS = "/api/database/rows/table"


@pytest.fixture
def counting(app: Any) -> Iterator[list[str]]:
    """The COUNT statements the first instance runs (not pages, which count their own
    rows)."""
    seen: list[str] = []
    engine = app.state.services.db.engine.sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lower().startswith("select count("):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


async def _count(api: Api, table_id: int, **params: Any) -> int:
    body = await api.rows(table_id, user_field_names="true", **params)
    return int(body["count"])


async def _all(api: Api, table_id: int) -> list[dict[str, Any]]:
    body = await api.rows(table_id, user_field_names="true", size=200, exclude_count="true")
    rows: list[dict[str, Any]] = body["results"]
    return rows


async def _expect(api: Api, table_id: int, keep: Callable[[dict[str, Any]], bool],
                  **params: Any) -> None:
    """The filtered count, asked twice, equals the rows `keep` picks from the full list."""
    want = sum(1 for row in await _all(api, table_id) if keep(row))
    assert await _count(api, table_id, **params) == want
    assert await _count(api, table_id, **params) == want


def _over_5(row: dict[str, Any]) -> bool:
    return row["Amount"] is not None and float(row["Amount"]) > 5


async def _numbers(api: Api) -> int:
    table = await api.table(name="Numbers")
    await api.field(table["id"], name="Amount", type="number", number_decimal_places=0)
    await api.ok("POST", f"{ROWS}/{table['id']}/batch/", params={"user_field_names": "true"},
                 json={"items": [{"Name": f"n{i}", "Amount": i} for i in range(10)]})
    return int(table["id"])


async def test_counts_follow_every_row_change_from_either_instance(
        api: Api, second: Api) -> None:
    table_id = await _numbers(api)
    over_5 = {"filter__Amount__higher_than": "5"}
    await _expect(api, table_id, _over_5, **over_5)
    await _expect(second, table_id, _over_5, **over_5)
    writers = [api, second]
    changes: list[Callable[[dict[str, int]], tuple[str, str, Any]]] = [
        lambda ids: ("POST", "/", {"Amount": 50}),
        lambda ids: ("POST", "/batch/", {"items": [{"Amount": 6}, {"Amount": 1},
                                                   {"Amount": 7}]}),
        lambda ids: ("PATCH", f"/{ids['first']}/", {"Amount": 99}),
        lambda ids: ("PATCH", "/batch/", {"items": [{"id": ids["last"], "Amount": 0}]}),
        lambda ids: ("PATCH", f"/{ids['first']}/move/", None),
        lambda ids: ("DELETE", f"/{ids['over']}/", None),
        lambda ids: ("POST", "/batch-delete/", {"items": [ids["over"], ids["last"]]}),
    ]
    for turn, change in enumerate(changes):
        rows = await _all(api, table_id)
        method, path, body = change({"first": rows[0]["id"], "last": rows[-1]["id"],
                                     "over": next(r["id"] for r in rows if _over_5(r))})
        url = f"{ROWS}/{table_id}{path}"
        writer = writers[turn % 2]
        await writer.ok(method, url, params={"user_field_names": "true"},
                        **({"json": body} if body is not None else {}))
        for reader in writers:
            await _expect(reader, table_id, _over_5, **over_5)
            await _expect(reader, table_id, lambda row: True)


async def test_a_repeated_count_is_not_counted_again(
        api: Api, app: Any, counting: list[str]) -> None:
    table_id = await _numbers(api)
    params = {"filter__Amount__higher_than": "5", "search": "n"}
    assert await _count(api, table_id, **params) == 4
    assert len(counting) == 1
    hits = app.state.services.counts.hits
    for _ in range(3):
        assert await _count(api, table_id, **params) == 4
    assert len(counting) == 1
    assert app.state.services.counts.hits == hits + 3
    # Another filter value is another count; a write makes both count again.
    assert await _count(api, table_id, filter__Amount__higher_than="6") == 3
    assert len(counting) == 2
    # The same clause with other values is another entry too.
    assert await _count(api, table_id, filter__Amount__higher_than="6", search="n") == 3
    assert await _count(api, table_id, filter__Amount__higher_than="5", search="n9") == 1
    assert len(counting) == 4
    await api.ok("POST", f"{ROWS}/{table_id}/", json={}, params={"user_field_names": "true"})
    assert await _count(api, table_id, **params) == 4
    assert len(counting) == 5


async def test_clients_asking_at_once_share_one_count(
        api: Api, app: Any, counting: list[str]) -> None:
    """Identical filtered pages asked at once, as every client of a view asks after a
    write, are counted once between them, and each gets the count."""
    table_id = await _numbers(api)
    params = {"filter__Amount__higher_than": "5"}
    for _ in range(3):
        counts = await asyncio.gather(*[_count(api, table_id, **params) for _ in range(8)])
        assert counts == [4] * 8
        await api.ok("POST", f"{ROWS}/{table_id}/", json={"Amount": "1"},
                     params={"user_field_names": "true"})  # the next round misses again
    assert len(counting) == 3


async def test_a_grid_view_count_follows_changes(api: Api, second: Api,
                                                 counting: list[str]) -> None:
    table_id = await _numbers(api)
    fields = {f["name"]: f["id"] for f in await api.fields(table_id)}
    view = await api.ok("POST", f"/api/database/views/table/{table_id}/",
                        json={"name": "Grid", "type": "grid"})
    await api.ok("POST", f"/api/database/views/{view['id']}/filters/",
                 json={"field": fields["Amount"], "type": "higher_than", "value": "5"})
    grid = f"/api/database/views/grid/{view['id']}/"
    assert (await api.ok("GET", grid, params={"count": "true"}))["count"] == 4
    assert (await api.ok("GET", grid))["count"] == 4
    assert len(counting) == 1
    await second.ok("POST", f"{ROWS}/{table_id}/", json={f"field_{fields['Amount']}": 8})
    assert (await api.ok("GET", grid))["count"] == 5
    assert await _count(api, table_id, view_id=view["id"]) == 5
    # The view's own filter changing is a new WHERE clause, so a new count.
    await api.ok("POST", f"/api/database/views/{view['id']}/filters/",
                 json={"field": fields["Amount"], "type": "lower_than", "value": "8"})
    assert (await api.ok("GET", grid))["count"] == 2


async def test_counts_follow_field_changes(api: Api, second: Api) -> None:
    table = await api.table(name="Fields")
    table_id = table["id"]
    code = await api.field(table_id, name="Code", type="text")
    kind = await api.field(table_id, name="Kind", type="single_select",
                           select_options=[{"value": "a", "color": "blue"},
                                           {"value": "b", "color": "red"}])
    a, b = kind["select_options"]
    await api.ok("POST", f"{ROWS}/{table_id}/batch/", params={"user_field_names": "true"},
                 json={"items": [{"Name": "x1", "Code": "12", "Kind": a["id"]},
                                 {"Name": "x2", "Code": "abc", "Kind": a["id"]},
                                 {"Name": "x3", "Code": "7", "Kind": b["id"]},
                                 {"Name": "x4", "Code": None, "Kind": None}]})
    empty_code = {"filter__Code__empty": ""}
    kind_a = {"filter__Kind__single_select_equal": str(a["id"])}
    assert await _count(api, table_id, **empty_code) == 1
    assert await _count(api, table_id, search="abc") == 1
    assert await _count(second, table_id, **kind_a) == 2
    # Converting text to a number empties the cell that is not a number.
    await second.ok("PATCH", f"/api/database/fields/{code['id']}/",
                    json={"type": "number"})
    assert await _count(api, table_id, **empty_code) == 2
    assert await _count(api, table_id, search="abc") == 0
    # Dropping a select option empties its cells.
    await api.ok("PATCH", f"/api/database/fields/{kind['id']}/",
                 json={"select_options": [{"id": b["id"], "value": "b", "color": "red"}]})
    assert await _count(second, table_id, **kind_a) == 0
    assert await _count(second, table_id, filter__Kind__empty="") == 3
    # A new field: every row is empty in it; a deleted one no longer matches a search.
    note = await second.field(table_id, name="Note", type="text", text_default="hello")
    assert await _count(api, table_id, filter__Note__empty="") == 4
    await api.ok("POST", f"{ROWS}/{table_id}/", params={"user_field_names": "true"},
                 json={"Name": "x5"})
    assert await _count(api, table_id, search="hello") == 1
    await api.ok("DELETE", f"/api/database/fields/{note['id']}/")
    assert await _count(second, table_id, search="hello") == 0


async def test_counts_follow_the_linked_table(api: Api, second: Api) -> None:
    database = await api.database()
    people = (await api.table(database["id"], name="People"))["id"]
    projects = (await api.table(database["id"], name="Projects"))["id"]
    await api.field(projects, name="Team", type="link_row", link_row_table_id=people)
    created = await api.ok("POST", f"{ROWS}/{people}/batch/",
                           params={"user_field_names": "true"},
                           json={"items": [{"Name": n} for n in ("ada", "bob", "cy", "dee")]})
    ada, bob, cy, dee = (row["id"] for row in created["items"])
    teams = [[ada, bob], [bob], [cy], []]
    made = await api.ok("POST", f"{ROWS}/{projects}/batch/", params={"user_field_names": "true"},
                        json={"items": [{"Name": f"p{i + 1}", "Team": team}
                                        for i, team in enumerate(teams)]})
    p4 = made["items"][3]["id"]
    has_bob = {"filter__Team__link_row_has": str(bob)}
    named_a = {"filter__Team__link_row_contains": "a"}
    no_project = {"filter__Projects__empty": ""}
    assert await _count(api, projects, **has_bob) == 2
    assert await _count(api, projects, **named_a) == 1
    assert await _count(api, projects, search="cy") == 1
    assert await _count(api, people, **no_project) == 1
    # Renaming a linked row changes what the projects' links contain.
    await second.ok("PATCH", f"{ROWS}/{people}/{cy}/", params={"user_field_names": "true"},
                    json={"Name": "cyan"})
    assert await _count(api, projects, **named_a) == 2
    assert await _count(api, projects, search="cyan") == 1
    # Linking from the projects changes the people's reverse links.
    await second.ok("PATCH", f"{ROWS}/{projects}/batch/", params={"user_field_names": "true"},
                    json={"items": [{"id": p4, "Team": [dee]}]})
    assert await _count(api, people, **no_project) == 0
    # Deleting a linked row removes it from the links pointing at it.
    await second.ok("DELETE", f"{ROWS}/{people}/{bob}/")
    assert await _count(api, projects, **has_bob) == 0
    assert await _count(api, projects, filter__Team__empty="") == 1
    # Deleting a project removes it from the people's reverse links.
    await second.ok("DELETE", f"{ROWS}/{projects}/{p4}/")
    assert await _count(api, people, **no_project) == 1
    # Converting the linked table's primary field changes the links' text.
    primary = next(f for f in await api.fields(people) if f["primary"])
    await second.ok("PATCH", f"/api/database/fields/{primary['id']}/",
                    json={"type": "number"})
    assert await _count(api, projects, **named_a) == 0
    # Deleting the projects table takes the people's reverse link field with it.
    assert await _count(api, people, search="p1") == 1
    await second.ok("DELETE", f"/api/database/tables/{projects}/")
    assert await _count(api, people, search="p1") == 0


async def test_tables_without_a_version_row_still_count_exactly(api: Api, app: Any) -> None:
    """A table made before the data version existed has no row until its first write."""
    table_id = await _numbers(api)
    async with app.state.services.db.write() as conn:
        await conn.execute(meta.table_data_versions.delete().where(
            meta.table_data_versions.c.table_id == table_id))
    await _expect(api, table_id, _over_5, filter__Amount__higher_than="5")
    await api.ok("POST", f"{ROWS}/{table_id}/", params={"user_field_names": "true"},
                 json={"Amount": 9})
    await _expect(api, table_id, _over_5, filter__Amount__higher_than="5")
    async with app.state.services.db.read() as conn:
        assert await conn.scalar(sa.select(sa.func.sum(meta.table_data_versions.c.version))
                                 .where(meta.table_data_versions.c.table_id == table_id)) == 1


async def test_relative_date_filters_follow_the_clock(
        api: Api, monkeypatch: pytest.MonkeyPatch, counting: list[str]) -> None:
    current = [datetime(2026, 3, 10, 12, 0, tzinfo=UTC)]
    monkeypatch.setattr(row_query, "now", lambda: current[0])
    monkeypatch.setattr(view_rows, "now", lambda: current[0])
    table = await api.table(name="Days")
    day = await api.field(table["id"], name="Day", type="date", date_format="ISO")
    await api.ok("POST", f"{ROWS}/{table['id']}/batch/", params={"user_field_names": "true"},
                 json={"items": [{"Day": d} for d in ("2026-03-10", "2026-03-10",
                                                      "2026-03-11", "2026-03-20")]})
    view = await api.ok("POST", f"/api/database/views/table/{table['id']}/",
                        json={"name": "Today", "type": "grid"})
    await api.ok("POST", f"/api/database/views/{view['id']}/filters/",
                 json={"field": day["id"], "type": "date_is", "value": "UTC??today"})
    grid = f"/api/database/views/grid/{view['id']}/"
    today = {"filter__Day__date_is": "UTC??today"}
    this_week = {"filter__Day__date_is": "UTC??this_week"}
    expected = [("2026-03-10", 2, 3), ("2026-03-11", 1, 3), ("2026-03-12", 0, 3),
                ("2026-03-16", 0, 1), ("2026-03-20", 1, 1)]
    for moment, on_the_day, in_the_week in expected:
        current[0] = datetime.fromisoformat(f"{moment}T12:00:00+00:00")
        for _ in range(2):
            assert await _count(api, table["id"], **today) == on_the_day, moment
            assert await _count(api, table["id"], **this_week) == in_the_week, moment
            assert (await api.ok("GET", grid))["count"] == on_the_day, moment
    # Counted once per distinct period: the view's filter is the same WHERE clause as
    # the `today` parameter (5 days), and three of the days share a week (2 weeks).
    assert len(counting) == 5 + 2


async def test_the_cache_stays_within_its_memory_bound(api: Api, app: Any) -> None:
    counts = app.state.services.counts
    limit, counts.max_bytes = counts.max_bytes, 4000
    try:
        counts.clear()
        table_id = await _numbers(api)
        for threshold in range(10):
            assert await _count(api, table_id,
                                filter__Amount__higher_than=str(threshold)) == 9 - threshold
            assert counts.size_bytes <= 4000
        assert 0 < len(counts) < 10
        assert await _count(api, table_id, filter__Amount__higher_than="0") == 9
    finally:
        counts.max_bytes = limit


async def test_counting_is_exact_with_the_cache_off(app: Any, client: httpx.AsyncClient
                                                    ) -> None:
    counts = app.state.services.counts
    limit, counts.max_bytes = counts.max_bytes, 0
    try:
        api = await signup(client)
        table_id = await _numbers(api)
        held = len(counts)
        await _expect(api, table_id, _over_5, filter__Amount__higher_than="5")
        await api.ok("DELETE", f"{ROWS}/{table_id}/{(await _all(api, table_id))[-1]['id']}/")
        await _expect(api, table_id, _over_5, filter__Amount__higher_than="5")
        assert len(counts) == held
    finally:
        counts.max_bytes = limit


def test_settings_read_the_cache_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                      ) -> None:
    monkeypatch.setenv("GRIDBASE_COUNT_CACHE_MB", "3")
    settings = load_settings(data_dir=tmp_path, secret_key="k" * 40)
    assert settings.count_cache_mb == 3


async def test_a_page_filtered_by_every_kind_of_field_is_counted_once(
        api: Api, counting: list[str]) -> None:
    table = await api.table(name="Mixed")
    await api.field(table["id"], name="Amount", type="number", number_decimal_places=2)
    await api.field(table["id"], name="Due", type="date")
    status = await api.field(table["id"], name="Status", type="single_select",
                             select_options=[{"value": "open", "color": "blue"}])
    open_id = status["select_options"][0]["id"]
    await api.ok("POST", f"{ROWS}/{table['id']}/batch/", params={"user_field_names": "true"},
                 json={"items": [{"Name": f"river {i}", "Amount": str(50 * i),
                                  "Due": f"2022-0{1 + i % 9}-01",
                                  "Status": open_id if i % 2 else None} for i in range(12)]})
    params = {"order_by": "-Amount,Name", "filter__Amount__higher_than": "100",
              "filter__Amount__lower_than": "600", "filter__Name__contains": "river",
              "filter__Status__single_select_equal": str(open_id),
              "filter__Due__date_is_after": "UTC?2021-01-01?exact_date",
              "filter__Due__date_is_before": "UTC?2025-12-31?exact_date"}
    for _ in range(3):
        assert await _count(api, table["id"], **params) == 5
    assert len(counting) == 1
