"""What the edge answers for malformed requests: unknown URLs, missing slashes, wrong
methods, unparsable or non-object bodies, and random JSON on every write endpoint."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import strategies as st

from tests.api.asserts import assert_json
from tests.conftest import Api
from tests.examples import draw

NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided."}


def slash_missing(path: str) -> dict[str, str]:
    return {"error": "URL_TRAILING_SLASH_MISSING",
            "detail": f"A valid URL must end with a trailing slash. Please, redirect requests "
                      f"to {path}/"}


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/workspaces"),
    ("POST", "/api/workspaces"),
    ("POST", "/api/user/token-auth"),
    ("GET", "/api/settings"),
    ("PATCH", "/api/workspaces/12"),
    ("DELETE", "/api/database/tables/3"),
    ("GET", "/api/database/fields/table/4"),
    ("POST", "/api/applications/workspace/5/order"),
])
async def test_missing_trailing_slash(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path, json={})
    assert assert_json(response, 404) == slash_missing(path)


@pytest.mark.parametrize("path", [
    "/api/nothing-here/", "/api/nothing-here", "/api/workspaces/abc/", "/api/workspaces/-1/",
    "/api/database/tables/1/extra/", "/nope",
])
async def test_unknown_url(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert assert_json(response, 404) == {"error": "URL_NOT_FOUND",
                                          "detail": f"URL {path} not found."}


@pytest.mark.parametrize(("method", "path"), [
    ("PUT", "/api/workspaces/"),
    ("DELETE", "/api/workspaces/order/"),
    ("GET", "/api/user/token-auth/"),
    ("PUT", "/api/database/tables/1/"),
])
async def test_wrong_method(api: Api, method: str, path: str) -> None:
    response = await api.request(method, path)
    assert assert_json(response, 405) == {"detail": f'Method "{method}" not allowed.'}


@pytest.mark.parametrize("raw", [
    b"{", b'{"name": }', b"[1,", b"nul", b"\xff\xfe", b"{'a': 1}", b'{"name": NaN}',
    b'{"name": "\\ud800"}', b'{"name": "\\ud800", "n": 123456789012345678901234}',
    b'{"name": 1e999}',
])
async def test_malformed_json(api: Api, raw: bytes) -> None:
    response = await api.post("/api/workspaces/", content=raw,
                              headers={"Content-Type": "application/json"})
    body = assert_json(response, 400)
    assert list(body) == ["detail"]
    assert body["detail"].startswith("JSON parse error - ")
    assert await api.ok("GET", "/api/workspaces/") == []


async def test_malformed_json_before_authentication_checks_nothing(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/api/user/token-auth/", content=b"{oops",
                                 headers={"Content-Type": "application/json"})
    assert assert_json(response, 400)["detail"].startswith("JSON parse error - ")


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml",
                                          "text/plain; charset=utf-8"])
async def test_unsupported_media_type(api: Api, content_type: str) -> None:
    response = await api.post("/api/workspaces/", content=b'{"name": "x"}',
                              headers={"Content-Type": content_type})
    media = content_type.split(";")[0]
    assert assert_json(response, 415) == {
        "detail": f'Unsupported media type "{media}" in request.'}
    assert await api.ok("GET", "/api/workspaces/") == []


async def test_json_with_charset_is_json(api: Api) -> None:
    response = await api.post("/api/workspaces/", content=b'{"name": "Charset"}',
                              headers={"Content-Type": "application/json; charset=utf-8"})
    assert assert_json(response, 200)["name"] == "Charset"


async def test_form_body_is_parsed(api: Api) -> None:
    response = await api.post("/api/workspaces/", data={"name": "From a form"})
    assert assert_json(response, 200)["name"] == "From a form"


@pytest.mark.parametrize(("value", "kind"), [
    ([1, 2], "list"), ("name", "str"), (3, "int"), (True, "bool"), (1.5, "float"),
])
async def test_non_object_bodies(api: Api, value: Any, kind: str) -> None:
    workspace = await api.workspace()
    database = await api.database(workspace["id"])
    table = await api.table(database["id"])
    field = (await api.fields(table["id"]))[0]
    for method, path in [
        ("POST", "/api/workspaces/"),
        ("PATCH", f"/api/workspaces/{workspace['id']}/"),
        ("POST", f"/api/applications/workspace/{workspace['id']}/"),
        ("PATCH", f"/api/applications/{database['id']}/"),
        ("POST", f"/api/database/tables/database/{database['id']}/"),
        ("PATCH", f"/api/database/tables/{table['id']}/"),
        ("POST", f"/api/database/fields/table/{table['id']}/"),
        ("PATCH", f"/api/database/fields/{field['id']}/"),
    ]:
        response = await api.request(method, path, json=value)
        assert assert_json(response, 400) == {
            "error": "ERROR_REQUEST_BODY_VALIDATION",
            "detail": {"non_field_errors": [{
                "error": f"Invalid data. Expected a dictionary, but got {kind}.",
                "code": "invalid"}]},
        }, (method, path)
    assert [w["name"] for w in await api.ok("GET", "/api/workspaces/")] == ["Workspace"]


async def test_null_characters_are_refused_everywhere(api: Api) -> None:
    """PostgreSQL cannot store NUL; DRF refuses it in every text field, and so do we."""
    workspace = await api.workspace()
    database = await api.database(workspace["id"])
    table = await api.table(database["id"])
    field = (await api.fields(table["id"]))[0]
    refusal = [{"error": "Null characters are not allowed.",
                "code": "null_characters_not_allowed"}]
    for method, path, body, detail in [
        ("POST", "/api/workspaces/", {"name": "a\x00b"}, {"name": refusal}),
        ("PATCH", f"/api/workspaces/{workspace['id']}/", {"name": "\x00"}, {"name": refusal}),
        ("POST", f"/api/applications/workspace/{workspace['id']}/",
         {"name": "x\x00", "type": "database"}, {"name": refusal}),
        ("POST", f"/api/database/tables/database/{database['id']}/",
         {"name": "T", "data": [["ok", "b\x00d"]]}, {"data": {"0": {"1": refusal}}}),
        ("POST", f"/api/database/fields/table/{table['id']}/",
         {"name": "F\x00", "type": "text"}, {"name": refusal}),
        ("PATCH", f"/api/database/fields/{field['id']}/", {"description": "\x00"},
         {"description": refusal}),
        ("POST", f"/api/database/rows/table/{table['id']}/", {f"field_{field['id']}": "\x00"},
         {f"field_{field['id']}": refusal}),
    ]:
        response = await api.request(method, path, json=body)
        assert assert_json(response, 400) == {"error": "ERROR_REQUEST_BODY_VALIDATION",
                                              "detail": detail}, (method, path)
    assert [w["name"] for w in await api.ok("GET", "/api/workspaces/")] == ["Workspace"]
    assert [t["name"] for t in await api.ok(
        "GET", f"/api/database/tables/database/{database['id']}/")] == [table["name"]]
    assert (await api.rows(table["id"]))["count"] == 0


async def test_error_envelopes_are_exactly_json(api: Api) -> None:
    for response in [
        await api.client.get("/api/workspaces/"),
        await api.get("/api/applications/999999/"),
        await api.post("/api/workspaces/", json={}),
        await api.get("/api/nowhere/"),
        await api.request("PUT", "/api/workspaces/"),
    ]:
        assert response.headers["content-type"] == "application/json"
        assert response.status_code >= 400


async def test_cors_allows_every_origin(api: Api) -> None:
    preflight = await api.client.options("/api/workspaces/", headers={
        "Origin": "https://app.example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, websocketid"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "websocketid" in allowed
    assert "POST" in preflight.headers["access-control-allow-methods"]
    listed = await api.get("/api/workspaces/", headers={"Origin": "https://app.example.org"})
    assert listed.headers["access-control-allow-origin"] == "*"


async def test_empty_body_counts_as_empty_object(api: Api) -> None:
    response = await api.post("/api/workspaces/", content=b"",
                              headers={"Content-Type": "application/json"})
    assert assert_json(response, 400)["detail"] == {
        "name": [{"error": "This field is required.", "code": "required"}]}


# -- random JSON on every write endpoint ---------------------------------------------------------

JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=300),
)
JSON = st.recursive(JSON_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
FIELD_TYPES = ["text", "long_text", "number", "boolean", "rating", "url", "email",
               "phone_number", "date", "single_select", "link_row", "no_such_type"]
IDS = st.one_of(st.integers(min_value=-2, max_value=40), st.integers(min_value=2**31))
TARGETED: dict[str, st.SearchStrategy[Any]] = {
    "name": st.one_of(st.text(min_size=1, max_size=40), st.text(max_size=300),
                      st.just("nul\x00")),
    "type": st.sampled_from([*FIELD_TYPES, "database", "builder"]),
    "data": st.lists(st.lists(JSON_LEAF, max_size=4), max_size=4),
    "first_row_header": st.booleans(),
    "email": st.emails(),
    "password": st.text(min_size=6, max_size=20),
    "username": st.emails(),
    "authenticate": st.booleans(),
    "language": st.text(max_size=12),
    "refresh_token": st.text(max_size=40),
    "token": st.text(max_size=40),
    "workspaces": st.lists(IDS, max_size=4),
    "application_ids": st.lists(IDS, max_size=4),
    "table_ids": st.lists(IDS, max_size=4),
    "init_with_data": st.booleans(),
    "description": st.one_of(st.none(), st.text(max_size=40)),
    "db_index": st.booleans(),
    "number_decimal_places": st.integers(min_value=-2, max_value=12),
    "number_negative": st.booleans(),
    "text_default": st.text(max_size=20),
    "select_options": st.lists(st.fixed_dictionaries(
        {"value": st.text(max_size=10), "color": st.sampled_from(["blue", "red", ""])},
        optional={"id": IDS}), max_size=3),
    "link_row_table_id": IDS,
    "has_related_field": st.booleans(),
    "date_format": st.sampled_from(["EU", "US", "ISO", "XX"]),
    "max_value": st.integers(min_value=-1, max_value=12),
    "boolean_default": st.booleans(),
}


def bodies(required: tuple[str, ...] = (), optional: tuple[str, ...] = (),
           **overrides: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly objects with the keys an endpoint reads, each plausible or random JSON; the
    `required` keys are usually present so that some requests get past validation, and
    some bodies carry every key we know of. `overrides` replace a key's plausible values."""
    def value(key: str) -> st.SearchStrategy[Any]:
        plausible = overrides.get(key, TARGETED[key])
        return st.one_of(plausible, plausible, plausible, JSON)

    complete = st.fixed_dictionaries({key: value(key) for key in required},
                                      optional={key: value(key) for key in optional})
    loose = st.fixed_dictionaries({}, optional={key: value(key) for key in TARGETED})
    return st.one_of(complete, complete, complete, loose, JSON)


NUMBER_PROPS = ("number_decimal_places", "number_negative", "text_default", "select_options",
                "link_row_table_id", "has_related_field", "date_format", "max_value",
                "boolean_default", "description", "db_index")


async def test_random_bodies_never_fail_the_server(api: Api) -> None:
    workspace = await api.workspace("Fuzz")
    database = await api.database(workspace["id"])
    table = await api.table(database["id"], data=[["Name", "Other"], ["a", "1"], ["b", "2"]])
    fields = await api.fields(table["id"])
    app_type = {"type": st.sampled_from(["database", "database", "builder", "sheet"])}
    endpoints: list[tuple[str, str, tuple[str, ...], tuple[str, ...], dict[str, Any]]] = [
        ("POST", "/api/user/", ("name", "email", "password"), ("authenticate", "language"), {}),
        ("POST", "/api/user/token-auth/", ("email", "password"), ("username",), {}),
        ("POST", "/api/user/token-refresh/", ("refresh_token",), ("token",), {}),
        ("POST", "/api/user/token-verify/", ("refresh_token",), ("token",), {}),
        ("POST", "/api/user/token-blacklist/", ("refresh_token",), ("token",), {}),
        ("POST", "/api/workspaces/", ("name",), (), {}),
        ("PATCH", f"/api/workspaces/{workspace['id']}/", ("name",), (), {}),
        ("POST", "/api/workspaces/order/", ("workspaces",), (), {}),
        ("POST", f"/api/applications/workspace/{workspace['id']}/", ("name", "type"),
         ("init_with_data",), app_type),
        ("PATCH", f"/api/applications/{database['id']}/", ("name",), (), {}),
        ("POST", f"/api/applications/workspace/{workspace['id']}/order/",
         ("application_ids",), (), {}),
        ("POST", f"/api/database/tables/database/{database['id']}/", ("name",),
         ("data", "first_row_header"), {}),
        ("PATCH", f"/api/database/tables/{table['id']}/", ("name",), (), {}),
        ("POST", f"/api/database/tables/database/{database['id']}/order/", ("table_ids",), (), {}),
        ("POST", f"/api/database/fields/table/{table['id']}/", ("name", "type"), NUMBER_PROPS,
         {}),
        ("PATCH", f"/api/database/fields/{fields[1]['id']}/", (), ("name", "type",
                                                                  *NUMBER_PROPS), {}),
    ]
    for method, path, required, optional, overrides in endpoints:
        for body in draw(bodies(required, optional, **overrides), 50):
            response = await api.request(method, path, json=body)
            assert response.status_code < 500, (method, path, body, response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/json"
                answer = response.json()
                assert isinstance(answer, dict) and answer, (method, path, body)
    # the workspace, database and table still work after all of that
    assert (await api.rows(table["id"]))["count"] == 2
    assert await api.fields(table["id"])
    assert await api.ok("GET", f"/api/applications/{database['id']}/")


async def test_random_bodies_without_credentials(client: httpx.AsyncClient) -> None:
    for body in draw(bodies(("name",)), 30):
        response = await client.post("/api/workspaces/", json=body)
        assert assert_json(response, 401) == NOT_AUTHENTICATED
