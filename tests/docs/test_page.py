"""/api-docs/database/{id}: who may open it, and what it shows."""

from __future__ import annotations

import httpx
from tests.conftest import Api
from tests.docs.conftest import FIELD_BODIES, DocsDatabase, page_blocks

from gridbase.fields.filters.registry import filter_type_registry


async def _page(api: Api, database_id: int) -> str:
    answer = await api.get(f"/api-docs/database/{database_id}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


async def test_a_member_opens_it_with_a_header_a_cookie_or_a_link(
        api: Api, client: httpx.AsyncClient) -> None:
    table = await api.table()
    url = f"/api-docs/database/{table['database_id']}"
    assert (await api.get(url)).status_code == 200
    assert (await client.get(url, headers={"Cookie": f"jwt={api.token}"})).status_code == 200
    assert (await client.get(url, params={"jwt_token": api.token})).status_code == 200
    assert (await client.get(url + "/", params={"jwt_token": api.token})).status_code == 200


async def test_refusals_are_clear_pages(api: Api, other_api: Api,
                                        client: httpx.AsyncClient) -> None:
    table = await api.table()
    url = f"/api-docs/database/{table['database_id']}"
    anonymous = await client.get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("text/html")
    assert "Log in" in anonymous.text
    expired = await client.get(url, params={"jwt_token": "not-a-token"})
    assert expired.status_code == 401
    stranger = await other_api.get(url)
    assert stranger.status_code == 403
    assert "not a member" in stranger.text
    missing = await api.get("/api-docs/database/999999")
    assert missing.status_code == 404
    assert table["name"] not in missing.text


async def test_it_describes_every_table_and_field(shop_owner: Api, shop: DocsDatabase) -> None:
    api = shop_owner
    html = await _page(api, shop.id)
    assert "Shop API" in html
    assert f"(id <code>{shop.id}</code>)" in html
    for table_id in (shop.products, shop.customers, shop.clients):
        assert f'id="table-{table_id}"' in html
        assert f"The id of this table is <code>{table_id}</code>" in html
    for field in await api.fields(shop.customers):
        assert f"<code>field_{field['id']}</code>" in html
        assert f"<code>{field['type']}</code>" in html
    for body in FIELD_BODIES:
        assert f"<td>{body['name']}</td>" in html
    assert "Authorization: Token YOUR_DATABASE_TOKEN" in html
    for permission in ("create", "read", "update", "delete"):
        assert f"<strong>{permission}</strong> permission" in html
    for name in filter_type_registry.names():
        assert f"<code>{name}</code>" in html
    assert "ERROR_NO_PERMISSION_TO_TABLE" in html
    assert "ERROR_ROW_DOES_NOT_EXIST" in html
    for parameter in ("page", "size", "search", "order_by", "filters", "filter_type",
                      "include", "exclude", "user_field_names"):
        assert f"<code>{parameter}</code>" in html
    bought = next(f for f in await api.fields(shop.customers) if f["name"] == "Bought")
    assert html.count(f"<code>field_{bought['id']}__join</code>") == 2  # list and get
    assert "ERROR_INVALID_JOIN_PARAMETER" in html
    assert "http://" not in html.replace("http://testserver", "")


async def test_each_field_lists_only_the_filters_it_accepts(api: Api) -> None:
    table = await api.table(data=[["Name"]])
    flag = await api.field(table["id"], name="Flag", type="boolean")
    html = await _page(api, table["database_id"])
    start = html.index(f"<code>field_{flag['id']}</code>")
    row = html[start:html.index("</tr>", start)]
    assert "<code>boolean</code>" in row
    assert "<code>contains</code>" not in row
    assert "<code>higher_than</code>" not in row


async def test_it_changes_as_soon_as_a_field_does(api: Api) -> None:
    table = await api.table(data=[["Name"]])
    before = await _page(api, table["database_id"])
    field = await api.field(table["id"], name="Due", type="date")
    after = await _page(api, table["database_id"])
    assert "<td>Due</td>" not in before
    assert "<td>Due</td>" in after
    assert "&quot;2020-01-01&quot;" in after
    await api.ok("PATCH", f"/api/database/fields/{field['id']}/", json={"name": "Deadline"})
    renamed = await _page(api, table["database_id"])
    assert "<td>Deadline</td>" in renamed
    assert "<td>Due</td>" not in renamed


async def test_user_made_names_are_escaped(api: Api) -> None:
    database = await api.database(name="<b>db</b>")
    table = await api.table(database["id"], name="<script>alert(1)</script>")
    await api.field(table["id"], name='"><img src=x>', type="text")
    html = await _page(api, database["id"])
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '"><img src=x>' not in html
    assert "<b>db</b>" not in html


async def test_examples_exist_in_every_language_and_key_mode(shop_owner: Api,
                                                             shop: DocsDatabase) -> None:
    blocks = page_blocks(await _page(shop_owner, shop.id))
    for lang in ("curl", "python", "javascript"):
        for keys in ("ids", "names"):
            found = [b for b in blocks if b.kind == "snippet" and b.table == shop.customers
                     and b.attrs["data-lang"] == lang and b.attrs["data-keys"] == keys]
            assert len(found) == 9, (lang, keys)
    named = [b.text for b in blocks if b.kind == "snippet" and b.attrs["data-keys"] == "names"
             and b.table == shop.customers]
    assert all("user_field_names" in text for text in named if "delete" not in text.lower())
    assert any('"Meeting": "2020-01-01T12:00:00Z"' in text for text in named)
