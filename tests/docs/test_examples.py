"""Every example request of a generated docs page runs against the server and answers in
the documented shape: the status, the per-table schema, and the keys and types shown."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from typing import Any

import httpx
import pytest
from tests.conftest import Api
from tests.docs.conftest import (
    Block,
    DocsDatabase,
    build_docs_database,
    documented_answer,
    page_blocks,
    response_validator,
    same_shape,
    snippets,
)

from gridbase.docs.snippets import TOKEN_PLACEHOLDER

OPERATIONS = [
    "list_database_table_rows", "get_database_table_row", "create_database_table_row",
    "update_database_table_row", "move_database_table_row", "batch_create_database_table_rows",
    "batch_update_database_table_rows", "batch_delete_database_table_rows",
    "delete_database_table_row",
]


def parse_curl(command: str) -> tuple[str, str, dict[str, str], str | None]:
    """Method, URL, headers and body of one curl snippet, as a shell would read it."""
    words = shlex.split(command.replace("\\\n", " "))
    assert words[0] == "curl"
    method, url, body, headers = "GET", "", None, {}
    position = 1
    while position < len(words):
        word = words[position]
        if word == "-X":
            method, position = words[position + 1], position + 2
        elif word == "-H":
            name, value = words[position + 1].split(": ", 1)
            headers[name] = value
            position += 2
        elif word == "--data":
            body, position = words[position + 1], position + 2
        else:
            url, position = word, position + 1
    return method, url, headers, body


def _template(document: dict[str, Any], url: str) -> str:
    """The documented path an example URL is an instance of."""
    path = httpx.URL(url).path
    if path in document["paths"]:
        return path
    parts = path.rstrip("/").split("/")
    for index in range(len(parts) - 1, 0, -1):
        candidate = "/".join([*parts[:index], "{row_id}", *parts[index + 1:]]) + "/"
        if candidate in document["paths"]:
            return candidate
    raise AssertionError(f"{url} is not in the document")


async def _run_examples(client: httpx.AsyncClient, blocks: list[Block], table: int, keys: str,
                        key: str, document: dict[str, Any]) -> None:
    curls = snippets(blocks, "curl", keys, table)
    assert [c.attrs["data-operation"] for c in curls] == OPERATIONS
    for curl in curls:
        operation = curl.attrs["data-operation"]
        method, url, headers, body = parse_curl(curl.text.replace(TOKEN_PLACEHOLDER, key))
        answer = await client.request(method, url, headers=headers, content=body)
        documented = documented_answer(blocks, keys, table, operation)
        status = int(documented.attrs["data-status"])
        assert answer.status_code == status, (operation, keys, answer.text)
        if status == 204:
            assert answer.content == b""
            continue
        shown = json.loads(documented.text)
        same_shape(shown, answer.json())
        validator = response_validator(document, _template(document, url), method, status)
        errors = [e.message for e in validator.iter_errors(answer.json())]
        assert errors == [], (operation, keys, errors)
        assert validator.is_valid(shown), (operation, keys, "the shown answer")


async def test_every_curl_example_runs_and_answers_as_documented(
        api: Api, client: httpx.AsyncClient) -> None:
    shop = await build_docs_database(api)
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "docs", "workspace": shop.workspace_id})
    blocks = page_blocks((await api.get(f"/api-docs/database/{shop.id}")).text)
    by_ids = await api.ok("GET", f"/api/database/{shop.id}/openapi.json")
    by_names = await api.ok("GET", f"/api/database/{shop.id}/openapi.json",
                            params={"user_field_names": "true"})
    # Customers and Clients link to Products, so Products' deleting examples run last.
    await _run_examples(client, blocks, shop.customers, "ids", token["key"], by_ids)
    await _run_examples(client, blocks, shop.clients, "names", token["key"], by_names)
    await _run_examples(client, blocks, shop.products, "ids", token["key"], by_ids)
    remaining = await api.rows(shop.customers)
    assert [row["id"] for row in remaining["results"]] == [3, 4]


async def test_every_python_snippet_compiles(shop_owner: Api, shop: DocsDatabase) -> None:
    blocks = page_blocks((await shop_owner.get(f"/api-docs/database/{shop.id}")).text)
    python = [b for b in blocks if b.kind == "snippet" and b.attrs["data-lang"] == "python"]
    assert len(python) == 3 * 2 * len(OPERATIONS)
    for block in python:
        compile(block.text, block.attrs["data-operation"], "exec")


async def test_every_javascript_snippet_parses(shop_owner: Api, shop: DocsDatabase) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    blocks = page_blocks((await shop_owner.get(f"/api-docs/database/{shop.id}")).text)
    scripts = [b.text for b in blocks if b.kind == "snippet" and b.attrs["data-lang"] ==
               "javascript"]
    assert len(scripts) == 3 * 2 * len(OPERATIONS)
    module = "\n".join("{\n" + script + "\n}" for script in scripts)
    checked = subprocess.run([node, "--input-type=module", "--check"], input=module,
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
