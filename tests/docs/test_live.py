"""Against a real `gridbase serve`: the Python and JavaScript examples of a docs page run as
written, and a client generated from a database's OpenAPI document creates and lists rows."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.docs.conftest import (
    DocsDatabase,
    SyncApi,
    build_docs_database,
    codegen_tool,
    documented_answer,
    page_blocks,
    snippets,
)
from tests.docs.test_examples import OPERATIONS

from gridbase.docs.snippets import TOKEN_PLACEHOLDER


@pytest.fixture(scope="module")
def http(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=30) as client:
        yield client


async def _shop(http: httpx.Client, email: str) -> tuple[SyncApi, DocsDatabase, str]:
    api = SyncApi.signup(http, email)
    shop = await build_docs_database(api, name="Live shop")
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "live", "workspace": shop.workspace_id})
    return api, shop, token["key"]


def _expected(blocks: list[Any], keys: str, table: int) -> list[Any]:
    """What each example prints: the answer's status for deletions, else its JSON."""
    printed: list[Any] = []
    for operation in OPERATIONS:
        shown = documented_answer(blocks, keys, table, operation)
        printed.append(int(shown.attrs["data-status"]) if not shown.text.strip().startswith(
            ("{", "[")) else json.loads(shown.text))
    return printed


def _check(printed: list[Any], expected: list[Any]) -> None:
    assert len(printed) == len(expected)
    for got, wanted in zip(printed, expected, strict=True):
        if isinstance(wanted, int):
            assert got == wanted
        else:
            assert isinstance(got, dict) and "error" not in got, got
            assert set(got) == set(wanted)


async def test_python_and_javascript_examples_run_as_written(http: httpx.Client) -> None:
    _api, shop, key = await _shop(http, "live-snippets@example.com")
    page = http.get(f"/api-docs/database/{shop.id}")
    assert page.status_code == 200
    blocks = page_blocks(page.text)

    printed: list[Any] = []
    for block in snippets(blocks, "python", "ids", shop.customers):
        code = block.text.replace(TOKEN_PLACEHOLDER, key)
        exec(compile(code, block.attrs["data-operation"], "exec"),
             {"print": printed.append, "__name__": "example"})
    _check(printed, _expected(blocks, "ids", shop.customers))

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    scripts = [b.text.replace(TOKEN_PLACEHOLDER, key)
               for b in snippets(blocks, "javascript", "names", shop.clients)]
    module = "const console = {log: (v) => process.stdout.write(JSON.stringify(v) + '\\n')};\n"
    module += "\n".join("{\n" + script + "\n}" for script in scripts)
    ran = subprocess.run([node, "--input-type=module"], input=module, capture_output=True,
                         text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    _check([json.loads(line) for line in ran.stdout.splitlines()],
           _expected(blocks, "names", shop.clients))


_CLIENT_SCRIPT = textwrap.dedent("""
    import json, sys
    from importlib import import_module
    from pathlib import Path

    sys.path.insert(0, sys.argv[1])
    base_url, key, price, meeting = sys.argv[2:6]
    package = import_module("shop_client")
    [create_path] = Path(package.__file__).parent.glob("api/*/create_customers_row.py")
    group = "shop_client.api." + create_path.parent.name
    create = import_module(group + ".create_customers_row")
    listing = import_module(group + ".list_customers_rows")
    models = import_module("shop_client.models")

    client = package.AuthenticatedClient(base_url=base_url, token=key, prefix="Token")
    fields = models.CustomersRowValues.__attrs_attrs__
    values = models.CustomersRowValues.from_dict({
        "field_" + price: "12.50", "field_" + meeting: "2024-05-01T09:30:00Z"})
    created = create.sync(client=client, body=values)
    assert type(created).__name__ == "CustomersRow", type(created)
    page = listing.sync(client=client, size=50)
    assert type(page).__name__ == "CustomersRowPage", type(page)
    row = next(r for r in page.results if r.id == created.id)
    print(json.dumps({
        "created": created.id,
        "count": page.count,
        "price": getattr(row, "field_" + price),
        "meeting": getattr(row, "field_" + meeting).isoformat(),
        "writable": sorted(a.name for a in fields),
    }))
""")


async def test_a_generated_client_creates_and_lists_rows(http: httpx.Client,
                                                         tmp_path: Path) -> None:
    tool = codegen_tool()
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("openapi-python-client is missing: `make test` installs it")
        pytest.skip("openapi-python-client is not installed: run `make codegen`")
    api, shop, key = await _shop(http, "live-client@example.com")
    document = http.get(f"/api/database/{shop.id}/openapi.json",
                        headers={"Authorization": f"Token {key}"})
    assert document.status_code == 200
    (tmp_path / "shop.json").write_text(document.text)
    generated = subprocess.run(
        [str(tool), "generate", "--path", str(tmp_path / "shop.json"),
         "--output-path", str(tmp_path / "shop_client"), "--meta", "none"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    fields = {f["name"]: f["id"] for f in await api.ok(
        "GET", f"/api/database/fields/table/{shop.customers}/")}
    (tmp_path / "use_client.py").write_text(_CLIENT_SCRIPT)
    ran = subprocess.run(
        [str(tool.parent / "python"), str(tmp_path / "use_client.py"), str(tmp_path),
         str(http.base_url).rstrip("/"), key, str(fields["Price"]), str(fields["Meeting"])],
        capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    result = json.loads(ran.stdout)
    assert result["count"] == 3
    assert result["price"] == "12.50"
    assert result["meeting"] == "2024-05-01T09:30:00+00:00"
    assert f"field_{fields['Created']}" not in result["writable"]
    assert f"field_{fields['Size']}" in result["writable"]
