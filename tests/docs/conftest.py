"""Shared set-up for the docs tests: a database with a field of every kind, a parser for the
examples on a docs page, schema validation against an OpenAPI document, and a real
`gridbase serve` process for the tests that need a socket."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from jsonschema import Draft202012Validator
from tests.conftest import Api, signup
from tests.serving import gridbase_serve

# Every field type with the properties that change its value's shape.
FIELD_BODIES: list[dict[str, Any]] = [
    {"name": "Notes", "type": "long_text"},
    {"name": "Site", "type": "url"},
    {"name": "Mail", "type": "email"},
    {"name": "Phone", "type": "phone_number"},
    {"name": "Price", "type": "number", "number_decimal_places": 2, "number_negative": True},
    {"name": "Stars", "type": "rating", "max_value": 4},
    {"name": "Paid", "type": "boolean"},
    {"name": "Size", "type": "single_select",
     "select_options": [{"value": "S", "color": "blue"}, {"value": "M", "color": "red"}]},
    {"name": "Tags", "type": "multiple_select",
     "select_options": [{"value": "new", "color": "green"}]},
    {"name": "Day", "type": "date"},
    {"name": "Meeting", "type": "date", "date_include_time": True},
    {"name": "Time spent", "type": "duration", "duration_format": "h:mm:ss"},
    {"name": "Created", "type": "created_on"},
    {"name": "Changed", "type": "last_modified", "date_include_time": True},
    {"name": "Number", "type": "autonumber"},
    {"name": "Key", "type": "uuid"},
]


class Caller(Protocol):
    async def ok(self, method: str, path: str, **kwargs: Any) -> Any: ...


@dataclass
class DocsDatabase:
    """A database with Products (text only) and two tables holding every field type."""

    id: int
    workspace_id: int
    products: int
    customers: int
    clients: int


async def add_every_field(api: Caller, table_id: int, linked_table: int) -> None:
    for body in [*FIELD_BODIES, {"name": "Bought", "type": "link_row",
                                 "link_row_table_id": linked_table,
                                 "has_related_field": False}]:
        await api.ok("POST", f"/api/database/fields/table/{table_id}/", json=body)


async def build_docs_database(api: Caller, name: str = "Shop") -> DocsDatabase:
    """Tables with rows 1 and 2 each, as the docs' examples expect."""
    workspace = await api.ok("POST", "/api/workspaces/", json={"name": f"{name} team"})
    database = await api.ok("POST", f"/api/applications/workspace/{workspace['id']}/",
                            json={"name": name, "type": "database"})
    ids = []
    for table_name in ("Products", "Customers", "Clients"):
        table = await api.ok("POST", f"/api/database/tables/database/{database['id']}/",
                             json={"name": table_name, "data": [["Name"], ["A"], ["B"]],
                                   "first_row_header": True})
        ids.append(table["id"])
    for table_id in ids[1:]:
        await add_every_field(api, table_id, ids[0])
    return DocsDatabase(database["id"], workspace["id"], *ids)


@pytest.fixture(scope="module")
async def shop_owner(app: Any) -> AsyncIterator[Api]:
    """A user shared by a module's tests that only read their database."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield await signup(http, "Shop owner")


@pytest.fixture(scope="module")
async def shop(shop_owner: Api) -> DocsDatabase:
    """The documented database, built once per module: tests using it must not change it."""
    return await build_docs_database(shop_owner)


@dataclass
class Block:
    """One `<pre>` of a docs page: a request snippet or a documented answer."""

    kind: str
    attrs: dict[str, str]
    text: str

    @property
    def table(self) -> int:
        return int(self.attrs["data-table"])


class _PreParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[Block] = []
        self._open: Block | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        kind = values.get("class", "")
        if tag == "pre" and kind in ("snippet", "response"):
            self._open = Block(kind, values, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self._open is not None:
            self.blocks.append(self._open)
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text += data


def page_blocks(html: str) -> list[Block]:
    parser = _PreParser()
    parser.feed(html)
    return parser.blocks


def snippets(blocks: list[Block], lang: str, keys: str, table: int) -> list[Block]:
    return [b for b in blocks if b.kind == "snippet" and b.attrs["data-lang"] == lang
            and b.attrs["data-keys"] == keys and b.table == table]


def documented_answer(blocks: list[Block], keys: str, table: int, operation: str) -> Block:
    [found] = [b for b in blocks if b.kind == "response" and b.attrs["data-keys"] == keys
               and b.table == table and b.attrs["data-operation"] == operation]
    return found


def response_validator(document: dict[str, Any], path: str, method: str, status: int
                       ) -> Draft202012Validator:
    """A validator for one documented answer, resolving refs inside the document."""
    answer = document["paths"][path][method.lower()]["responses"][str(status)]
    [content] = answer["content"].values()
    root = {**content["schema"], "components": document["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def same_shape(documented: Any, actual: Any, where: str = "$") -> None:
    """The answer has the documented keys and JSON types, whatever the values. An empty
    cell (null) fits any type here; the schema check says where null is allowed."""
    if documented is None or actual is None:
        return
    if isinstance(documented, dict):
        assert isinstance(actual, dict), where
        assert set(actual) == set(documented), (where, set(actual) ^ set(documented))
        for name, value in documented.items():
            same_shape(value, actual[name], f"{where}.{name}")
    elif isinstance(documented, list):
        assert isinstance(actual, list), where
        if documented and actual:
            same_shape(documented[0], actual[0], f"{where}[0]")
    elif isinstance(documented, bool):
        assert type(actual) is bool, (where, documented, actual)
    elif isinstance(documented, int | float):
        assert isinstance(actual, int | float) and not isinstance(actual, bool), where
    else:
        assert type(actual) is type(documented), (where, documented, actual)


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`gridbase serve` on a free loopback port, sharing the test database."""
    with gridbase_serve(database_url, tmp_path_factory.mktemp("serve")) as base:
        yield base


class SyncApi:
    """A user of the live server, over a real socket."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    @classmethod
    def signup(cls, http: httpx.Client, email: str) -> SyncApi:
        answer = http.post("/api/user/", json={"name": "Live", "email": email,
                                               "password": "a-long-password",
                                               "authenticate": True})
        assert answer.status_code == 200, answer.text
        http.headers["Authorization"] = f"JWT {answer.json()['access_token']}"
        return cls(http)

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.http.request(method, path, **kwargs)
        assert answer.status_code in (200, 204), (answer.status_code, answer.text)
        return answer.json() if answer.status_code == 200 else None


def codegen_tool() -> Path | None:
    """openapi-python-client lives in its own venv (its pins clash with gridbase's)."""
    configured = os.environ.get("GRIDBASE_OPENAPI_CLIENT")
    candidate = Path(configured) if configured else \
        Path(__file__).resolve().parents[2] / ".venv-codegen" / "bin" / "openapi-python-client"
    return candidate if candidate.exists() else None
