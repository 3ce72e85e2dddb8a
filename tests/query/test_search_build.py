"""Building a table's search index whole: links are read in one pass (several links per
row, in the linked table's order, self links, linked rows with no primary text, a
number primary) and give what search finds row by row; a big table's index is built in
the background, in steps, while searches scan and rows are written, and is read once
built; a build under way in another process is left alone until its mark is stale.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from gridbase.handlers import search_build
from gridbase.storage import schema as meta
from gridbase.storage import search_index
from tests.conftest import BACKEND, Api, app_instance, signed_up
from tests.query.test_search_index import _batch, _items_and_others, assert_search_matches


async def _drop_index(app: Any, table_id: int) -> None:
    """As for a table made before indexes existed: the next search builds it whole."""
    async with app.state.services.db.write() as conn:
        await search_index.drop_index(conn, table_id)


async def _linked_tables(api: Api) -> tuple[int, int, int]:
    """`Items` linking `People` (two-way), `Sizes` (one way, a number primary) and
    itself, with rows linking several rows, none, empty primaries and themselves."""
    database_id = (await api.database())["id"]
    people = (await api.table(database_id, name="People"))["id"]
    await _batch(api, "POST", people, [{"Name": n} for n in ("Ada", "", "bob", None, "Zoë")])
    sizes = (await api.table(database_id, name="Sizes"))["id"]
    await _batch(api, "POST", sizes, [{"Name": n} for n in ("2.5", "10", None)])
    primary = next(f for f in await api.fields(sizes) if f["primary"])
    await api.ok("PATCH", f"/api/database/fields/{primary['id']}/",
                 json={"type": "number", "number_decimal_places": 1})
    items = (await api.table(database_id, name="Items"))["id"]
    await api.field(items, name="People", type="link_row", link_row_table_id=people)
    await api.field(items, name="Sizes", type="link_row", link_row_table_id=sizes,
                    has_related_field=False)
    await api.field(items, name="Parent", type="link_row", link_row_table_id=items,
                    has_related_field=False)
    await _batch(api, "POST", items, [
        {"Name": "first", "People": [5, 1, 3, 2], "Sizes": [2, 1]},
        {"Name": "second", "People": [4], "Sizes": [3], "Parent": [1]},
        {"Name": "third", "People": [2, 4], "Parent": [3, 1, 2]},
        {"Name": None},
        {"Name": "fifth", "People": [3], "Parent": [4]},
    ])
    # The linked table's order, not the ids', decides the order of a cell's texts.
    await api.ok("PATCH", f"/api/database/rows/table/{people}/3/move/",
                 params={"before_id": 1})
    await api.ok("PATCH", f"/api/database/rows/table/{items}/3/move/",
                 params={"before_id": 1})
    return items, people, sizes


LINK_TERMS = ["bob, ada", "ada, , zoë", "bob, ada, , zoë", ", ", ",", "10.0, 2.5", "2.5",
              "third, first", "first, second", "third", "zoë", "ë"]


async def test_whole_build_reads_links_as_search_does(api: Api, app: Any) -> None:
    items, people, sizes = await _linked_tables(api)
    await assert_search_matches(api, items, LINK_TERMS)
    await assert_search_matches(api, people, ["first", "second, third"])
    for table_id in (items, people, sizes):
        await _drop_index(app, table_id)
    await assert_search_matches(api, items, LINK_TERMS)
    await assert_search_matches(api, people, ["first", "second, third"])
    # Entries written row by row after the whole build read the links alike.
    await _batch(api, "PATCH", items, [{"id": 2, "People": [5, 3], "Parent": [2, 5]},
                                       {"id": 4, "Sizes": [1, 2, 3]}])
    await _batch(api, "PATCH", people, [{"id": 1, "Name": "Adele"}])
    await api.ok("DELETE", f"/api/database/rows/table/{people}/5/")
    await api.ok("PATCH", f"/api/database/rows/table/{sizes}/2/move/", params={"before_id": 1})
    await assert_search_matches(api, items, [*LINK_TERMS, "adele", "second, fifth"])


@pytest.fixture
async def background(app: Any, database_url: str, tmp_path: Path
                     ) -> AsyncIterator[tuple[Api, Any]]:
    """A second app on the test database (migrated by the first) that builds the search
    index of a table of 4 rows or more in the background."""
    async with app_instance(database_url, tmp_path, search_index_sync_rows=4,
                            auto_index_uses=0) as second, signed_up(second) as user:
        yield user, second


async def _built(app: Any, table_id: int) -> bool:
    """Whether the table's index is built (not missing, nor being built)."""
    async with app.state.services.db.read() as conn:
        found = await search_index.built_signature(conn, table_id)
    return found is not None and not search_index.building(found)


async def _trigram_index(app: Any, table_id: int) -> bool:
    """Whether the side table has its trigram index (SQLite: the FTS5 table is one)."""
    if BACKEND == "sqlite":
        return True
    name = f"{search_index.side_table_name(table_id)}_trgm"
    async with app.state.services.db.read() as conn:
        valid = await conn.scalar(sa.text(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = :name"), {"name": name})
    return bool(valid)


async def _index_is_read(api: Api, app: Any, table_id: int) -> None:
    """A cell changed behind gridbase's back is not found: search reads the index."""
    name = next(f for f in await api.fields(table_id) if f["primary"])
    async with app.state.services.db.write() as conn:
        await conn.execute(sa.text(f"UPDATE database_table_{table_id} "
                                   f"SET field_{name['id']} = 'behind-the-back' WHERE id = 1"))
    assert (await api.rows(table_id, search="behind-the-back"))["count"] == 0


async def test_big_table_is_built_in_the_background(background: tuple[Api, Any]) -> None:
    """While the build waits for its turn, searches scan and answer right, and writes
    (rows, links, linked rows) go on; once built, the index holds them and is read."""
    api, app = background
    items, others, _ = await _items_and_others(api)
    await _batch(api, "POST", items, [{"Name": "sixth", "Link": [4, 2]}])
    builds = app.state.services.indexes.builds
    await builds.one_at_a_time.acquire()  # the build waits behind another one
    try:
        await assert_search_matches(api, items, ["Ada, bob", "sixth"])
        assert not await _built(app, items)
        await _batch(api, "POST", items, [{"Name": "seventh", "Link": [3, 1]}])
        await _batch(api, "PATCH", items, [{"id": 1, "Name": "grape", "Link": [4]}])
        await _batch(api, "PATCH", others, [{"id": 2, "Name": "Robert"}])
        await api.ok("DELETE", f"/api/database/rows/table/{items}/2/")
        await assert_search_matches(api, items, ["seventh", "grape", "Robert", "bob"])
        assert not await _built(app, items)
    finally:
        builds.one_at_a_time.release()
    await app.state.services.indexes.settle()
    assert await _built(app, items)
    assert await _trigram_index(app, items)
    await assert_search_matches(api, items, ["seventh", "grape", "Robert", "bob", "Zoë, Ada"])
    await _index_is_read(api, app, items)


async def test_writes_racing_a_background_build(background: tuple[Api, Any],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes made while the build runs, between its steps, are in the index once it is
    built."""
    monkeypatch.setattr(search_build, "STEP_ROWS", 7)
    api, app = background
    table_id = (await api.table(data=[["Name"], *[[f"row {i} river"] for i in range(60)]]))["id"]
    await _drop_index(app, table_id)

    async def write(i: int) -> None:
        await _batch(api, "POST", table_id, [{"Name": f"late {i} river {j}"} for j in range(3)])
        await _batch(api, "PATCH", table_id, [{"id": i + 1, "Name": f"renamed {i}"}])
        await api.ok("DELETE", f"/api/database/rows/table/{table_id}/{60 - i}/")

    builds = app.state.services.indexes.builds
    await builds.one_at_a_time.acquire()  # the build waits until the writes begin
    try:
        searches = [api.rows(table_id, search="river", size=1) for _ in range(3)]
        await asyncio.gather(*searches, write(0))
    finally:
        builds.one_at_a_time.release()
    during = 0
    for i in range(1, 30):
        if not builds.busy(("search_index", table_id)):
            break
        await write(i)
        during += 1
    assert during > 0
    await app.state.services.indexes.settle()
    assert await _built(app, table_id)
    await assert_search_matches(api, table_id, ["late", "renamed", "river"])
    await _index_is_read(api, app, table_id)


async def test_a_build_under_way_elsewhere_is_left_alone(background: tuple[Api, Any]
                                                         ) -> None:
    """A build whose mark is fresh (another process's) is left to finish; searches scan
    and writes keep its entries meanwhile. Once the mark is stale (that process died),
    the next search builds the index afresh."""
    api, app = background
    table_id = (await api.table(data=[["Name"], *[[f"row {i}"] for i in range(8)]]))["id"]
    db = app.state.services.db
    async with db.write() as conn:
        assert await search_index.begin_build(conn, table_id, search_index.BUILDING + "other",
                                              [], fresh_for=timedelta(minutes=1))
    assert (await api.rows(table_id, search="row"))["count"] == 8
    await app.state.services.indexes.settle()
    assert not await _built(app, table_id)
    await _batch(api, "POST", table_id, [{"Name": "written meanwhile"}])
    async with db.read() as conn:
        side = sa.table(search_index.side_table_name(table_id),
                        sa.column("rowid" if BACKEND == "sqlite" else "id"))
        assert await conn.scalar(sa.select(sa.func.count()).select_from(side)) == 1
    async with db.write() as conn:
        await conn.execute(meta.search_indexes.update().where(
            meta.search_indexes.c.table_id == table_id).values(
            built_on=datetime.now(UTC) - timedelta(hours=1)))
    await assert_search_matches(api, table_id, ["meanwhile"])
    await app.state.services.indexes.settle()
    assert await _built(app, table_id)
    await assert_search_matches(api, table_id, ["meanwhile"])
    await _index_is_read(api, app, table_id)


async def test_small_table_is_built_inline(api: Api, app: Any) -> None:
    """Below the threshold the search that needs the index builds it and reads it."""
    table_id = (await api.table(data=[["Name"], ["alpha"], ["beta"]]))["id"]
    await _drop_index(app, table_id)
    assert (await api.rows(table_id, search="alp"))["count"] == 1
    assert await _built(app, table_id)
    assert await _trigram_index(app, table_id)
    await _index_is_read(api, app, table_id)


async def test_a_missing_trigram_index_is_added_again(
        background: tuple[Api, Any], database_url: str, tmp_path: Path) -> None:
    """A process that died between a build's last step and its trigram index (added last,
    concurrently) left the index built without it: the first search in a later process
    that reads the index has it added in the background. SQLite's FTS5 table is its own
    index: there searches must simply keep answering from it."""
    api, app = background
    items, _, _ = await _items_and_others(api)
    await assert_search_matches(api, items, ["Ada, bob"])  # builds it in the background
    await app.state.services.indexes.settle()
    assert await _built(app, items)
    if BACKEND == "postgresql":
        side = search_index.side_table_name(items)
        async with app.state.services.db.write() as conn:
            await conn.execute(sa.text(f'DROP INDEX "{side}_trgm"'))
        assert not await _trigram_index(app, items)
    secret = app.state.services.settings.secret_key
    async with app_instance(database_url, tmp_path / "later", secret) as later:
        transport = httpx.ASGITransport(app=later)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            again = Api(http, api.token, api.user, api.password)
            await assert_search_matches(again, items, ["Ada, bob", "Zoë"])
            await later.state.services.indexes.settle()
            assert await _trigram_index(later, items)
            await _index_is_read(again, later, items)
