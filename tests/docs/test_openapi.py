"""/api/schema.json: a valid OpenAPI 3.1 document of every route, and /api/redoc/."""

from __future__ import annotations

from typing import Any

import httpx
from openapi_spec_validator import validate
from tests.conftest import Api
from tests.docs.conftest import response_validator

from gridbase.docs import undocumented_routes
from gridbase.docs.openapi import mounted_routes
from gridbase.errors import ERRORS


async def _schema(client: httpx.AsyncClient) -> dict[str, Any]:
    answer = await client.get("/api/schema.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    document: dict[str, Any] = answer.json()
    return document


async def test_the_document_is_valid_openapi_3_1(client: httpx.AsyncClient) -> None:
    document = await _schema(client)
    assert document["openapi"] == "3.1.0"
    validate(document)


async def test_every_mounted_route_is_in_the_document(app: Any, client: httpx.AsyncClient
                                                      ) -> None:
    document = await _schema(client)
    mounted = {(m.path, m.method.lower()) for m in mounted_routes(app)}
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert mounted == documented
    assert ("/api/database/rows/table/{table_id}/batch-delete/", "post") in documented
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_every_route_has_a_description(app: Any) -> None:
    """A new route must get an entry in gridbase/docs/operations/ (body, answers, errors)."""
    assert undocumented_routes(app) == []


async def test_the_two_security_schemes_and_who_may_call_what(client: httpx.AsyncClient) -> None:
    document = await _schema(client)
    schemes = document["components"]["securitySchemes"]
    assert schemes["JWT"] == {**schemes["JWT"], "type": "apiKey", "in": "header",
                              "name": "Authorization"}
    assert "Token <key>" in schemes["Token"]["description"]
    paths = document["paths"]
    assert paths["/api/database/rows/table/{table_id}/"]["get"]["security"] == [
        {"JWT": []}, {"Token": []}]
    assert paths["/api/workspaces/"]["get"]["security"] == [{"JWT": []}]
    assert paths["/api/database/tables/all-tables/"]["get"]["security"] == [{"Token": []}]
    assert "security" not in paths["/api/settings/"]["get"]
    assert "security" not in paths["/api/user/token-auth/"]["post"]


async def test_errors_come_from_the_catalogue_with_their_status(client: httpx.AsyncClient
                                                                ) -> None:
    document = await _schema(client)
    seen: set[str] = set()
    for item in document["paths"].values():
        for operation in item.values():
            for status, answer in operation["responses"].items():
                schema = answer["content"]["application/json"]["schema"] \
                    if "application/json" in answer.get("content", {}) else {}
                for part in schema.get("anyOf", []):
                    for code in part.get("properties", {}).get("error", {}).get("enum", []):
                        assert code in ERRORS, code
                        seen.add(code)
                        assert code in answer["description"]
                        if code not in ("ERROR_TOKEN_DOES_NOT_EXIST", "ERROR_INVALID_TOKEN_HEADER",
                                        "ERROR_USER_NOT_ACTIVE", "ERROR_USER_NOT_IN_GROUP"):
                            assert int(status) == ERRORS[code].status, (code, status)
    create_row = document["paths"]["/api/database/rows/table/{table_id}/"]["post"]
    assert "ERROR_NO_PERMISSION_TO_TABLE" in create_row["responses"]["401"]["description"]
    assert "ERROR_REQUEST_BODY_VALIDATION" in create_row["responses"]["400"]["description"]
    assert {"ERROR_PAGE_SIZE_LIMIT", "ERROR_ROW_IDS_NOT_UNIQUE"} <= seen


async def test_request_bodies_are_the_models_the_routes_validate_with(
        client: httpx.AsyncClient) -> None:
    paths = (await _schema(client))["paths"]

    def body(path: str, method: str) -> dict[str, Any]:
        schema: dict[str, Any] = paths[path][method]["requestBody"]["content"][
            "application/json"]["schema"]
        return schema

    signup = body("/api/user/", "post")
    assert set(signup["required"]) == {"name", "email", "password"}
    assert signup["properties"]["name"]["minLength"] == 2
    assert body("/api/database/tables/database/{database_id}/", "post")["required"] == ["name"]
    assert body("/api/database/rows/table/{table_id}/batch-delete/", "post")["properties"][
        "items"]["items"] == {"type": "integer"}
    assert "requestBody" not in paths["/api/database/rows/table/{table_id}/"]["get"]
    assert "requestBody" not in paths["/api/database/rows/table/{table_id}/{row_id}/move/"][
        "patch"]


async def test_answers_match_their_documented_schemas(api: Api, client: httpx.AsyncClient
                                                      ) -> None:
    document = await _schema(client)
    table = await api.table()
    workspace_id = (await api.workspace())["id"]
    calls = [
        ("GET", "/api/workspaces/", "/api/workspaces/", 200),
        ("GET", "/api/applications/", "/api/applications/", 200),
        ("GET", f"/api/database/fields/table/{table['id']}/",
         "/api/database/fields/table/{table_id}/", 200),
        ("GET", f"/api/database/rows/table/{table['id']}/",
         "/api/database/rows/table/{table_id}/", 200),
        ("GET", "/api/database/rows/table/999999/", "/api/database/rows/table/{table_id}/", 404),
        ("GET", "/api/database/rows/table/1/?size=100000",
         "/api/database/rows/table/{table_id}/", 400),
        ("POST", "/api/database/tokens/", "/api/database/tokens/", 200),
    ]
    for method, url, path, status in calls:
        body = {"name": "k", "workspace": workspace_id} if method == "POST" else None
        answer = await api.request(method, url, json=body)
        assert answer.status_code == status, (url, answer.text)
        errors = list(response_validator(document, path, method, status).iter_errors(
            answer.json()))
        assert errors == [], (url, errors)
    anonymous = await client.get("/api/workspaces/")
    validator = response_validator(document, "/api/workspaces/", "GET", 401)
    assert validator.is_valid(anonymous.json())
    assert not validator.is_valid({"error": "ERROR_NOT_IN_THE_CATALOGUE", "detail": ""})


async def test_redoc_is_served_from_the_package(client: httpx.AsyncClient) -> None:
    page = await client.get("/api/redoc/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'spec-url="/api/schema.json"' in page.text
    assert "//" not in page.text.replace("http://www.w3.org", "")
    script = await client.get("/api/redoc/redoc.standalone.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert b"ReDoc" in script.content[:4000] or b"Redoc" in script.content[:4000]
    assert len(script.content) > 500_000
