"""The docs page of one database, rendered on each request from its current fields.

Plain server-side HTML with its CSS and a few lines of script inlined: it works offline
and without a front end. The examples are real calls (see `gridbase.docs.examples`).
"""

from __future__ import annotations

from importlib import resources

from gridbase.docs.markup import code, table, text
from gridbase.docs.model import DatabaseDoc
from gridbase.docs.operations.rows import OPERATIONS as ROW_OPERATIONS
from gridbase.docs.page_tables import PERMISSION_OF, render_table, table_menu
from gridbase.docs.snippets import LANGUAGES, TOKEN_PLACEHOLDER
from gridbase.errors import ERRORS
from gridbase.fields.filters.registry import filter_type_registry

__all__ = ["render_database_page", "render_message_page"]

_STATIC = resources.files("gridbase.docs") / "static"


def _asset(name: str) -> str:
    return (_STATIC / name).read_text(encoding="utf-8")


def _shell(title: str, nav: str, body: str, controls: str = "") -> str:
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text(title)}</title><style>{_asset('api-docs.css')}</style></head>"
        f'<body data-lang="curl" data-keys="ids">{nav}<main>{controls}{body}</main>'
        f"<script>{_asset('api-docs.js')}</script></body></html>")


def render_message_page(title: str, message: str) -> str:
    """A small page for refusals (not logged in, no access, no such database)."""
    return _shell(title, "", f"<h1>{text(title)}</h1><p>{text(message)}</p>")


def _controls() -> str:
    languages = "".join(f'<option value="{key}">{label}</option>'
                        for key, (label, _render) in LANGUAGES.items())
    return (
        '<div class="controls">'
        f'<span><label for="pick-lang">Examples in</label><select id="pick-lang">{languages}'
        "</select></span>"
        '<span><label for="pick-keys">Keys</label><select id="pick-keys">'
        '<option value="ids">field ids (field_1)</option>'
        '<option value="names">field names (user_field_names)</option></select></span>'
        "</div>")


def _introduction(doc: DatabaseDoc, openapi_url: str) -> str:
    return (
        f'<section id="introduction"><h1>{text(doc.name)} API</h1>'
        f"<p>This page documents the REST API of the database {text(doc.name)} "
        f"(id {code(doc.id)}). It is generated from the tables and fields as they are right "
        "now: reload it after changing a field and it follows. Every example below is a "
        "complete call you can run once you put in your token.</p>"
        f'<p>The same in OpenAPI, with a typed schema per table for client generators: '
        f'<a href="{text(openapi_url)}">{text(openapi_url)}</a> (add '
        "<code>?user_field_names=true</code> for a version keyed by field names). The whole "
        'API is in <a href="/api/redoc/">the API reference</a>.</p>'
        "<p>Requests and answers are JSON. Every path ends with a slash.</p></section>")


def _authentication() -> str:
    rows = []
    for permission in ("create", "read", "update", "delete"):
        calls = [op.summary for op in ROW_OPERATIONS.values()
                 if PERMISSION_OF[op.operation_id] == permission]
        rows.append([code(permission), text("; ".join(calls))])
    return (
        '<section id="authentication"><h2>Authentication</h2>'
        "<p>Send a database token with every call:</p>"
        f"<pre><code>Authorization: Token {TOKEN_PLACEHOLDER}</code></pre>"
        "<p>Create one in the settings, or with <code>POST /api/database/tokens/</code>. A "
        "token belongs to one workspace and acts for you there, never for more than you "
        "may do yourself. Each of its four permissions covers the whole workspace, chosen "
        "databases or tables, or nothing:</p>"
        + table(["Permission", "Allows"], rows)
        + "<p>A call the token has no permission for is answered "
        "<code>401 ERROR_NO_PERMISSION_TO_TABLE</code>. A logged-in user's access token "
        "works as well, with <code>Authorization: JWT &lt;access_token&gt;</code>.</p>"
        "</section>")


def _filters() -> str:
    rows = []
    for name in filter_type_registry.names():
        found = filter_type_registry.get(name)
        if found is None:
            continue
        label = f'<span class="deprecated">{code(name)}</span> (deprecated)' \
            if found.deprecated else code(name)
        kinds = ", ".join(code(t) for t in sorted(found.field_types))
        rows.append([label, code(found.example), kinds])
    return (
        '<section id="filters"><h2>Filters</h2>'
        "<p>Filter a row listing with <code>filter__&lt;field&gt;__&lt;filter&gt;=&lt;value"
        "&gt;</code>, or several at once with the <code>filters</code> JSON parameter. "
        "Values are always text.</p>"
        + table(["Filter", "Example value", "Field types"], rows) + "</section>")


_ROW_CODES = sorted({code_ for op in ROW_OPERATIONS.values() for code_ in op.errors
                     if isinstance(code_, str)} | {
    "ERROR_REQUEST_BODY_VALIDATION", "ERROR_INVALID_TOKEN_HEADER", "ERROR_TOKEN_DOES_NOT_EXIST",
    "ERROR_USER_NOT_ACTIVE", "ERROR_INVALID_ACCESS_TOKEN"})


def _errors() -> str:
    statuses = [
        ["200", "The call worked; the answer is JSON."],
        ["204", "The call worked; there is no answer body (deletions)."],
        ["400", "The request was refused: see the error code and its detail."],
        ["401", "The token is missing, unknown, or has no permission for this table."],
        ["404", "The table or row does not exist."],
        ["415", "The body was not sent as application/json."],
        ["429", "The token's rate limit was reached; wait for Retry-After seconds."],
        ["500", "Something went wrong on the server."],
    ]
    codes = [[code(c), text(ERRORS[c].status), text(ERRORS[c].detail or "-")]
             for c in _ROW_CODES if c in ERRORS]
    return (
        '<section id="errors"><h2>Errors</h2>'
        '<p>A refusal is JSON: <code>{"error": "CODE", "detail": ...}</code>. The detail of '
        "a validation error names each refused field, per item in batches.</p>"
        + table(["Status", "Meaning"], [[code(s), text(m)] for s, m in statuses])
        + table(["Code", "Status", "Message"], codes) + "</section>")


def _nav(doc: DatabaseDoc) -> str:
    tables = "".join(table_menu(t) for t in doc.tables)
    return ("<nav><ul>"
            '<li><a href="#introduction">Introduction</a></li>'
            '<li><a href="#authentication">Authentication</a></li>'
            f"{tables}"
            '<li><a href="#filters">Filters</a></li>'
            '<li><a href="#errors">Errors</a></li></ul></nav>')


def render_database_page(doc: DatabaseDoc, base_url: str, openapi_url: str) -> str:
    tables = "".join(render_table(t, base_url) for t in doc.tables) or \
        "<p>This database has no tables yet.</p>"
    body = (_introduction(doc, openapi_url) + _authentication() + tables + _filters()
            + _errors())
    return _shell(f"{doc.name} API", _nav(doc), body, _controls())
