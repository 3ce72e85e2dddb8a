"""Search answered from the search index stays equal to the plain-Python reference after
every kind of change: row writes (single and batch), link changes seen from the other
table, field changes, select option renames and tables made from data. Each check
searches many terms (words, pieces, odd characters, row ids) in both modes.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.storage import search_index
from tests.api.view_support import VIEWS, add_filter, create_view, food_table
from tests.conftest import Api
from tests.query import reference as ref
from tests.query.reference_cells import Field, text_of

ODD_TERMS = ["%", "_", "\\", '"', "'", "a_b", "100%", '"hi"', "x", "zz", ", ", "\x1f", "-"]


async def _fields(api: Api, table_id: int) -> list[Field]:
    return [Field(f["id"], f["name"], f["type"], f) for f in await api.fields(table_id)]


async def _all_rows(api: Api, table_id: int) -> list[dict[str, Any]]:
    page = await api.rows(table_id, user_field_names="true", size=200)
    assert page["count"] <= 200, "the checks read one page of rows"
    rows: list[dict[str, Any]] = page["results"]
    return rows


def _terms(fields: list[Field], rows: list[dict[str, Any]]) -> list[str]:
    """Whole cells, words, pieces of two to five characters and case swaps, from the
    rows' own text, plus odd characters and row ids."""
    found: list[str] = []
    for row in rows:
        for spec in fields:
            text = text_of(spec, row[spec.name]) if spec.type != "boolean" else None
            if not text:
                continue
            for term in (text, text.swapcase(), *text.split(), text[:2], text[1:4],
                         text[-5:]):
                if term.strip() and term not in found:
                    found.append(term)
    picked = found[::max(1, len(found) // 30)]
    ids = [str(row["id"]) for row in rows[:2]]
    return [*picked, *ODD_TERMS, *ids, "nothing-like-it"]


async def assert_search_matches(api: Api, table_id: int, extra: list[str] = ()) -> None:
    """Every term, in both modes: the ids and count gridbase returns are the reference's."""
    fields = await _fields(api, table_id)
    rows = await _all_rows(api, table_id)
    for term in [*_terms(fields, rows), *extra]:
        for compat in (False, True):
            params = {"search": term, "size": 200, "user_field_names": "true"}
            if compat:
                params["search_mode"] = "compat"
            page = await api.rows(table_id, **params)
            keep = ref.search_predicate(fields, term, compat)
            want = [row["id"] for row in rows if keep is None or keep(row)]
            got = [row["id"] for row in page["results"]]
            assert (got, page["count"]) == (want, len(want)), (term, compat)


async def _batch(api: Api, method: str, table_id: int, items: list[dict[str, Any]]) -> Any:
    return await api.ok(method, f"/api/database/rows/table/{table_id}/batch/",
                        params={"user_field_names": "true"}, json={"items": items})


async def _items_and_others(api: Api) -> tuple[int, int, dict[str, int]]:
    """`Items` with one field of each searchable kind and a two-way link to `Others`."""
    database = await api.database()
    others = (await api.table(database["id"], name="Others"))["id"]
    await _batch(api, "POST", others, [{"Name": n} for n in ("Ada", "bob", "Zoë", "")])
    items = (await api.table(database["id"], name="Items"))["id"]
    options = [{"value": v, "color": "blue"} for v in ("open", "In progress", "Élan")]
    fields: dict[str, int] = {}
    for body in (
        {"name": "Notes", "type": "long_text"},
        {"name": "Amount", "type": "number", "number_decimal_places": 2,
         "number_negative": True},
        {"name": "Day", "type": "date", "date_format": "EU"},
        {"name": "Done", "type": "boolean"},
        {"name": "Status", "type": "single_select", "select_options": options},
        {"name": "Tags", "type": "multiple_select", "select_options": options},
        {"name": "Link", "type": "link_row", "link_row_table_id": others},
    ):
        fields[body["name"]] = (await api.field(items, **body))["id"]
    await _batch(api, "POST", items, [
        {"Name": "apple pie", "Notes": "say \"hi\"\nsecond line", "Amount": "3.50",
         "Day": "2024-01-31", "Status": "open", "Tags": ["open", "Élan"], "Link": [1, 2]},
        {"Name": "Banana split", "Notes": "100% a_b", "Amount": "-12", "Done": True,
         "Status": "Élan", "Link": [2]},
        {"Name": "über-cool", "Notes": "back\\slash", "Day": "1999-12-31",
         "Tags": ["In progress"], "Link": [3, 1]},
        {"Name": None, "Amount": "0"},
    ])
    return items, others, fields


async def test_row_writes_keep_search_in_step(api: Api) -> None:
    items, others, _ = await _items_and_others(api)
    await assert_search_matches(api, items)
    await assert_search_matches(api, others)
    created = await api.create_row(items, {"Name": "cherry tart", "Link": [4, 1]}, True)
    assert created.status_code == 200
    await _batch(api, "POST", items, [{"Name": "date loaf", "Amount": "7.25"},
                                      {"Name": "elderberry", "Link": [3]}])
    await assert_search_matches(api, items, ["cherry", "loaf", "7.25"])
    await assert_search_matches(api, others, ["cherry"])
    row_id = created.json()["id"]
    await api.ok("PATCH", f"/api/database/rows/table/{items}/{row_id}/",
                 params={"user_field_names": "true"},
                 json={"Name": "fig roll", "Notes": "new note", "Status": "In progress"})
    await _batch(api, "PATCH", items, [{"id": 1, "Name": "grape", "Tags": []},
                                       {"id": 2, "Amount": "99.99", "Link": [4]}])
    await assert_search_matches(api, items, ["cherry", "fig", "apple", "99.99"])
    await assert_search_matches(api, others, ["apple", "grape", "fig", "Banana"])
    await api.ok("DELETE", f"/api/database/rows/table/{items}/{row_id}/")
    await api.ok("POST", f"/api/database/rows/table/{items}/batch-delete/",
                 json={"items": [2, 3]})
    await assert_search_matches(api, items, ["fig", "Banana", "über"])
    await assert_search_matches(api, others, ["fig", "Banana", "grape"])


async def test_linked_rows_follow_what_they_link_to(api: Api) -> None:
    items, others, _ = await _items_and_others(api)
    database_id = (await api.ok("GET", f"/api/database/tables/{items}/"))["database_id"]
    lone = (await api.table(database_id, name="Lone"))["id"]
    await _batch(api, "POST", lone, [{"Name": "kiwi"}, {"Name": "lime"}])
    await api.field(items, name="One way", type="link_row", link_row_table_id=lone,
                    has_related_field=False)
    await _batch(api, "PATCH", items, [{"id": 1, "One way": [1, 2]}, {"id": 3, "One way": [2]}])
    await assert_search_matches(api, items, ["Ada, bob", "bob, Ada", "kiwi, lime"])
    # A linked row's primary value changes: the rows linking to it show the new value.
    await _batch(api, "PATCH", others, [{"id": 1, "Name": "Adele"}])
    await api.ok("PATCH", f"/api/database/rows/table/{lone}/2/",
                 params={"user_field_names": "true"}, json={"Name": "mango"})
    await assert_search_matches(api, items, ["Adele", "Ada", "lime", "mango", "kiwi, mango"])
    # A linked row moves: the linking rows list their links in the new order.
    await api.ok("PATCH", f"/api/database/rows/table/{others}/2/move/",
                 params={"before_id": 1})
    await api.ok("PATCH", f"/api/database/rows/table/{lone}/2/move/", params={"before_id": 1})
    await assert_search_matches(api, items, ["Adele, bob", "bob, Adele", "mango, kiwi"])
    # Linked rows go away: the linking rows stop showing them.
    await api.ok("DELETE", f"/api/database/rows/table/{others}/2/")
    await api.ok("DELETE", f"/api/database/rows/table/{lone}/1/")
    await assert_search_matches(api, items, ["bob", "kiwi", "Adele"])
    # Links written from the other side of a two-way link.
    await api.ok("PATCH", f"/api/database/rows/table/{others}/3/",
                 params={"user_field_names": "true"}, json={"Items": [4]})
    await assert_search_matches(api, items, ["Zoë"])
    await assert_search_matches(api, others, ["apple", "über"])


async def test_field_changes_keep_search_in_step(api: Api) -> None:
    items, others, fields = await _items_and_others(api)
    await assert_search_matches(api, items)
    code = await api.field(items, name="Code", type="text", text_default="K-1")
    await _batch(api, "PATCH", items, [{"id": 2, "Code": "Z-9"}])
    await assert_search_matches(api, items, ["K-1", "Z-9"])
    await api.ok("PATCH", f"/api/database/fields/{fields['Amount']}/",
                 json={"number_decimal_places": 0})
    await assert_search_matches(api, items, ["3.50", "4", "-12"])
    await api.ok("PATCH", f"/api/database/fields/{fields['Day']}/",
                 json={"date_format": "ISO"})
    await assert_search_matches(api, items, ["2024-01", "31/01"])
    await api.ok("PATCH", f"/api/database/fields/{code['id']}/", json={"type": "number"})
    await assert_search_matches(api, items, ["K-1", "9"])
    status = next(f for f in await api.fields(items) if f["name"] == "Status")
    renamed = [{**o, "value": "Closed"} if o["value"] == "open" else o
               for o in status["select_options"]]
    await api.ok("PATCH", f"/api/database/fields/{fields['Status']}/",
                 json={"select_options": renamed})
    tags = next(f for f in await api.fields(items) if f["name"] == "Tags")
    await api.ok("PATCH", f"/api/database/fields/{fields['Tags']}/", json={
        "select_options": [{**o, "value": o["value"] + "!"} for o in tags["select_options"]]})
    await assert_search_matches(api, items, ["open", "Closed", "Élan!", "progress!"])
    # The linked table's primary field is converted: its values read differently.
    primary = next(f for f in await api.fields(others) if f["primary"])
    await api.ok("PATCH", f"/api/database/fields/{primary['id']}/",
                 json={"name": "Title", "type": "long_text"})
    await _batch(api, "PATCH", others, [{"id": 2, "Title": "Robert"}])
    await assert_search_matches(api, items, ["bob", "Robert"])
    await api.ok("DELETE", f"/api/database/fields/{fields['Notes']}/")
    await api.ok("DELETE", f"/api/database/fields/{fields['Link']}/")
    await assert_search_matches(api, items, ["hi", "Ada", "slash"])
    await assert_search_matches(api, others, ["apple"])


async def test_table_made_from_data_is_searchable(api: Api) -> None:
    table = await api.table(data=[["Title", "Body"], ["First row", "alpha beta"],
                                  ["Second", "gamma 100%"], [None, "beta"], ["x_y", None]])
    await assert_search_matches(api, table["id"], ["alpha beta", "a b"])


async def _engine_sql(app: Any, statement: str) -> None:
    async with app.state.services.db.write() as conn:
        await conn.execute(sa.text(statement))


async def test_search_reads_the_index(api: Api, app: Any) -> None:
    """A cell changed behind gridbase's back is not found until the index is rebuilt:
    search reads the index, not the cells. A dropped index (as for a table made before
    indexes existed) is built again by the next search."""
    table = await api.table(data=[["Name"], ["alpha"], ["beta"]])
    table_id = table["id"]
    assert (await api.rows(table_id, search="alp"))["count"] == 1
    name = next(f for f in await api.fields(table_id) if f["primary"])
    await _engine_sql(app, f"UPDATE database_table_{table_id} "
                           f"SET field_{name['id']} = 'omega' WHERE id = 1")
    assert (await api.rows(table_id, search="omega"))["count"] == 0
    assert (await api.rows(table_id, search="alp"))["count"] == 1
    async with app.state.services.db.write() as conn:
        await search_index.drop_index(conn, table_id)
    assert (await api.rows(table_id, search="omega"))["count"] == 1
    assert (await api.rows(table_id, search="alp"))["count"] == 0
    await api.create_row(table_id, {f"field_{name['id']}": "alphabet"})
    assert (await api.rows(table_id, search="alp"))["count"] == 1


async def test_index_serves_the_query(api: Api, app: Any) -> None:
    """The query plan of a search reads the trigram index (SQLite: the FTS5 table)."""
    table = await api.table(data=[["Name"], ["alpha"], ["beta"]])
    assert (await api.rows(table["id"], search="alpha beta"))["count"] == 0
    db = app.state.services.db
    query = search_index.matching_ids(table["id"], db.dialect,
                                      [search_index.Term("alpha"), search_index.Term("ph")])
    async with db.write() as conn:
        compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        if db.dialect == "postgresql":
            await conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join((await conn.execute(sa.text(f"EXPLAIN {compiled}"))).scalars())
            assert f"database_table_{table['id']}_search_trgm" in plan
        else:
            rows = (await conn.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}"))).all()
            plan = "\n".join(str(r[-1]) for r in rows)
            assert "VIRTUAL TABLE INDEX" in plan, plan


async def test_case_folds_alike_on_both_backends(api: Api) -> None:
    """Characters fold one at a time, as PostgreSQL's lower() does: capital I with a dot
    becomes a plain "i", a word-final capital sigma the ordinary small sigma (never the
    final form), and sharp s stays itself."""
    table = await api.table(data=[["Name"], ["ΟΔΟΣ"], ["İstanbul"], ["Straße"], ["οδος"]])

    async def found(term: str) -> list[int]:
        return [r["id"] for r in (await api.rows(table["id"], search=term))["results"]]

    assert await found("οδοσ") == [1]
    assert await found("ΟΔΟΣ") == [1]
    assert await found("ς") == [4]
    assert await found("istanbul") == [2]
    assert await found("İST") == [2]
    assert await found("STRAßE") == [3]
    assert await found("strasse") == []
    contains = await api.rows(table["id"], user_field_names="true",
                              filter__Name__contains="ΟΔΟΣ")
    assert [r["id"] for r in contains["results"]] == [1]
    contains = await api.rows(table["id"], user_field_names="true",
                              filter__Name__contains="İ")
    assert [r["id"] for r in contains["results"]] == [2]


async def test_counts_with_filters_and_views(api: Api) -> None:
    """The count of a search with filters (ad hoc or a view's) is that of the rows both
    select, not of the search alone."""
    food = await food_table(api)
    rows = f"/api/database/rows/table/{food.table_id}/"

    async def page(path: str, **params: Any) -> tuple[list[str], int]:
        body = await api.ok("GET", path, params={"user_field_names": "true", **params})
        return [row.get("Name", row.get(f"field_{food.name}")) for row in body["results"]], \
            body["count"]

    assert await page(rows, search="e") == (["Apple", "Cherry", "date", "Elder"], 4)
    assert await page(rows, search="e", filter__Fresh__boolean="1") == (
        ["Apple", "Cherry", "Elder"], 3)
    view = await create_view(api, food.table_id)
    grid = f"{VIEWS}/grid/{view['id']}/"
    assert await page(grid, search="e") == (["Apple", "Cherry", "date", "Elder"], 4)
    await add_filter(api, view["id"], food.price, "higher_than", "10")
    assert await page(grid, search="e") == (["Elder"], 1)
    assert await page(rows, search="e", view_id=view["id"]) == (["Elder"], 1)


async def test_writes_and_searches_racing_a_build(api: Api) -> None:
    """Searches that find no index build it (once or more), while rows are written;
    afterwards the index holds every row as it is."""
    table = await api.table(data=[["Name"], *[[f"row {i} river"] for i in range(100)]])
    table_id = table["id"]

    async def write(i: int) -> None:
        await _batch(api, "POST", table_id, [{"Name": f"late {i} river {j}"} for j in range(20)])
        await _batch(api, "PATCH", table_id, [{"id": i + 1, "Name": f"renamed {i}"}])

    searches = [api.rows(table_id, search="river", size=1) for _ in range(3)]
    await asyncio.gather(*searches, *(write(i) for i in range(3)))
    await assert_search_matches(api, table_id, ["late", "renamed", "river"])


async def test_common_terms_walk_the_rows_in_order(
        api: Api, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A term in many rows: on SQLite the page checks each row's entry in the page's
    order and stops once full, rather than listing every match from the full-text
    index (`search_index.walk_rows`). Pages and counts are the same either way. (A
    table this small would not walk: the test lowers that bound.)"""
    monkeypatch.setattr(search_index, "_SMALL_TABLE", 0)
    words = ["alpha", "Beta", "gamma", "DELTA", "alphabet", "\u0130ota", "K\u212ay"]
    rows = [[f"{words[i % 7]} {words[i * 3 % 7]} {i}", words[i * 5 % 7]] for i in range(200)]
    table = await api.table(data=[["Name", "Notes"], *rows])
    fields = await _fields(api, table["id"])
    every = await _all_rows(api, table["id"])
    terms = ["a", "alpha", "ALP", "beta gamma", "iota", "kk", "Kk", "1", "4", "delta 1",
             "zzz", "et ph", "lphab"]
    for term in terms:
        keep = ref.search_predicate(fields, term, False)
        want = [row["id"] for row in every if keep is None or keep(row)]
        for size in (4, 7):
            for page in (1, 2, 3):
                body = await api.rows(table["id"], search=term, size=size, page=page)
                assert [r["id"] for r in body["results"]] == \
                    want[(page - 1) * size:page * size], (term, size, page)
                assert body["count"] == len(want), term
    if app.state.services.db.is_sqlite:
        async with app.state.services.db.read() as conn:
            common = await search_index.walk_rows(
                conn, table["id"], [search_index.Term("alpha")], 4)
            rare = await search_index.walk_rows(
                conn, table["id"], [search_index.Term("zzz")], 4)
        assert (common, rare) == (True, False)
