"""Schemathesis against a live server: requests generated from the documents never get a
5xx, and every answer's status, content type and body are the documented ones.

Bounded and repeatable: a fixed number of derandomized examples per operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tests.docs.conftest import SyncApi, build_docs_database
from tests.examples import draw

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES_PER_OPERATION = 10


@pytest.fixture(scope="module")
def http(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=30) as client:
        yield client


def _run(document: dict[str, Any], base_url: str, credentials: dict[str, str],
         skip: frozenset[str] = frozenset()) -> int:
    """Call every operation with generated data; returns how many calls were checked."""
    schema = schemathesis.openapi.from_dict(document)
    calls = 0
    failures: dict[str, str] = {}
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label in skip:
                continue
            security = operation.definition.raw.get("security", [])
            schemes = [name for entry in security for name in entry]
            headers = {"Authorization": credentials["Token"]} if schemes == ["Token"] else (
                {"Authorization": credentials["JWT"]} if schemes else {})
            strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
            for case in draw(strategy, EXAMPLES_PER_OPERATION):
                response = case.call(base_url=base_url, session=session, headers=headers)
                calls += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except FailureGroup as group:
                    for failure in group.exceptions:
                        title = f"{operation.label}: {str(failure).splitlines()[0]}"
                        failures.setdefault(title, str(failure)[:1000] + "\n"
                                            + case.as_curl_command(headers))
    assert not failures, "\n".join(failures) + "\n\n" + "\n\n".join(
        list(failures.values())[:5])
    return calls


async def test_the_whole_api_keeps_its_documented_promises(http: httpx.Client,
                                                           live_server: str) -> None:
    api = SyncApi.signup(http, "schemathesis-whole@example.com")
    shop = await build_docs_database(api, name="Fuzzed")
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "fuzz", "workspace": shop.workspace_id})
    document = http.get("/api/schema.json").json()
    credentials = {"JWT": str(http.headers["Authorization"]),
                   "Token": f"Token {token['key']}"}
    # The event stream never ends by design; logging out would only cut the run short.
    calls = _run(document, live_server, credentials, skip=frozenset({
        "GET /api/database/rows/table/{table_id}/events/", "POST /api/user/token-blacklist/"}))
    assert calls > 100


async def test_a_database_document_keeps_its_promises(http: httpx.Client,
                                                      live_server: str) -> None:
    api = SyncApi.signup(http, "schemathesis-database@example.com")
    shop = await build_docs_database(api, name="Typed")
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "fuzz", "workspace": shop.workspace_id})
    credentials = {"JWT": str(http.headers["Authorization"]),
                   "Token": f"Token {token['key']}"}
    document = http.get(f"/api/database/{shop.id}/openapi.json").json()
    assert _run(document, live_server, credentials) > 100
