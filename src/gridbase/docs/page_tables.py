"""The part of a database's docs page that describes one table: its fields and every row
endpoint with runnable examples, keyed by field ids and by field names."""

from __future__ import annotations

from typing import Any

from gridbase.docs.examples import Example, table_examples
from gridbase.docs.markup import attrs, code, describe_schema, pretty_json, prose, table, text
from gridbase.docs.model import FieldDoc, TableDoc
from gridbase.docs.operations import Operation
from gridbase.docs.operations.rows import JOINED_OPERATIONS, OPERATIONS, join_params
from gridbase.docs.snippets import LANGUAGES
from gridbase.fields.filters.registry import filter_type_registry

__all__ = ["PERMISSION_OF", "render_table", "table_menu"]

_BY_ID: dict[str, tuple[str, Operation]] = {
    op.operation_id: (route_key, op) for route_key, op in OPERATIONS.items()}

PERMISSION_OF: dict[str, str] = {
    "list_database_table_rows": "read",
    "get_database_table_row": "read",
    "create_database_table_row": "create",
    "batch_create_database_table_rows": "create",
    "update_database_table_row": "update",
    "move_database_table_row": "update",
    "batch_update_database_table_rows": "update",
    "delete_database_table_row": "delete",
    "batch_delete_database_table_rows": "delete",
}
_KEY_MODES = (("ids", False), ("names", True))


def _value_cell(schema: dict[str, Any] | None, example: Any, has_example: bool) -> str:
    if schema is None:
        return "<em>read only</em>"
    parts = [text(describe_schema(schema))]
    if schema.get("description"):
        parts.append(f'<div class="note">{prose(schema["description"])}</div>')
    if has_example:
        parts.append(f"<div>e.g. {code(pretty_json(example))}</div>")
    return "".join(parts)


def _filter_name(name: str) -> str:
    found = filter_type_registry.get(name)
    if found is not None and found.deprecated:
        return f'<span class="deprecated" title="deprecated">{code(name)}</span>'
    return code(name)


def _field_row(field: FieldDoc) -> list[str]:
    filters = ", ".join(_filter_name(f) for f in field.filters) or "-"
    return [
        text(field.spec.name) + (' <span class="badge">primary</span>'
                                 if field.spec.primary else ""),
        code(field.spec.column_name),
        code(field.spec.type),
        _value_cell(field.input_schema, field.request_example, field.writable_example),
        _value_cell(field.output_schema, field.response_example, True),
        "yes" if field.read_only else "no",
        f'<div class="filters">{filters}</div>',
    ]


def _fields_section(doc: TableDoc) -> str:
    rows = [_field_row(f) for f in doc.fields]
    head = ["Name", "Key", "Type", "Accepted input", "Returned output", "Read only",
            "Filters"]
    return (f'<h3 id="table-{doc.id}-fields">Fields</h3>'
            "<p>Each row has an <code>id</code>, an <code>order</code> (a decimal as text) "
            "and one key per field: <code>field_&lt;id&gt;</code>, or the field's name with "
            "<code>user_field_names</code>.</p>" + table(head, rows, "grid fields"))


def _params_section(doc: TableDoc, operation: Operation) -> str:
    params = operation.query
    if operation.operation_id in JOINED_OPERATIONS:
        params += join_params(doc.schema, False)
    if not params:
        return ""
    rows = [[code(p.name), text(describe_schema(p.schema)), prose(p.description)]
            for p in params]
    return "<h4>Query parameters</h4>" + table(["Name", "Type", "Meaning"], rows)


def _snippets(doc: TableDoc, pair: dict[str, Example], base_url: str) -> str:
    blocks = []
    for mode, _names in _KEY_MODES:
        example = pair[mode]
        for lang, (_label, render) in LANGUAGES.items():
            blocks.append(
                f'<pre class="snippet"{attrs(data_lang=lang, data_keys=mode, data_table=doc.id, data_operation=example.operation_id)}>'  # noqa: E501
                f"<code>{text(render(example, base_url))}</code></pre>")
    return "".join(blocks)


def _responses(doc: TableDoc, pair: dict[str, Example]) -> str:
    blocks = []
    for mode, _names in _KEY_MODES:
        example = pair[mode]
        body = "" if example.response is None else pretty_json(example.response)
        blocks.append(
            f'<pre class="response"{attrs(data_keys=mode, data_table=doc.id, data_operation=example.operation_id, data_status=example.status)}>'  # noqa: E501
            f"<code>{text(body) or '(no content)'}</code></pre>")
    status = pair["ids"].status
    return f"<h4>Response <span class=\"status\">{status}</span></h4>" + "".join(blocks)


def _endpoint(doc: TableDoc, pair: dict[str, Example], base_url: str) -> str:
    example = pair["ids"]
    route_key, operation = _BY_ID[example.operation_id]
    method, template = route_key.split(" ", 1)
    path = template.replace("{table_id}", str(doc.id))
    anchor = f"table-{doc.id}-{example.operation_id}"
    description = f"<p>{prose(operation.description)}</p>" if operation.description else ""
    permission = PERMISSION_OF[example.operation_id]
    return (
        f'<section class="endpoint" id="{anchor}"><h3>{text(example.title)}</h3>'
        f"<p>{text(operation.summary)}.</p>{description}"
        f'<p class="route"><span class="method">{method}</span> {code(path)}</p>'
        f"<p>A database token needs the <strong>{permission}</strong> permission on this "
        "table.</p>"
        + _params_section(doc, operation)
        + "<h4>Request</h4>" + _snippets(doc, pair, base_url)
        + _responses(doc, pair) + "</section>")


def table_menu(doc: TableDoc) -> str:
    items = "".join(
        f'<li><a href="#table-{doc.id}-{e.operation_id}">{text(e.title)}</a></li>'
        for e in table_examples(doc, False))
    return (f'<li><a href="#table-{doc.id}">{text(doc.name)}</a><ul>'
            f'<li><a href="#table-{doc.id}-fields">Fields</a></li>{items}</ul></li>')


def render_table(doc: TableDoc, base_url: str) -> str:
    by_mode = {mode: table_examples(doc, names) for mode, names in _KEY_MODES}
    pairs = [{"ids": ids, "names": names}
             for ids, names in zip(by_mode["ids"], by_mode["names"], strict=True)]
    endpoints = "".join(_endpoint(doc, pair, base_url) for pair in pairs)
    return (f'<section class="table" id="table-{doc.id}">'
            f"<h2>Table {text(doc.name)}</h2>"
            f"<p>The id of this table is {code(doc.id)}.</p>"
            + _fields_section(doc) + endpoints + "</section>")
