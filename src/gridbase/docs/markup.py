"""Small HTML helpers for the docs pages: everything user-made is escaped here."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

__all__ = ["attrs", "code", "describe_schema", "pretty_json", "prose", "table", "text"]


def text(value: object) -> str:
    return escape(str(value), quote=True)


def prose(value: str) -> str:
    """Escaped text where `backticked` words (as the OpenAPI descriptions write them)
    become code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text(value))


def code(value: object) -> str:
    return f"<code>{text(value)}</code>"


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def attrs(**values: object) -> str:
    """HTML attributes; `data_x` becomes `data-x`, None values are left out."""
    return "".join(f' {name.replace("_", "-")}="{text(value)}"'
                   for name, value in values.items() if value is not None)


def table(head: list[str], rows: list[list[str]], css: str = "grid") -> str:
    """A table of already-escaped cells."""
    header = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


_TYPE_WORDS = {"string": "text", "integer": "integer", "number": "number",
               "boolean": "boolean", "null": "null", "object": "object"}


def describe_schema(schema: dict[str, Any]) -> str:
    """A JSON schema in a few words, e.g. "text or null", "list of SelectOption"."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(describe_schema(part) for part in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(v) for v in schema["enum"])
    kinds = schema.get("type")
    if kinds is None:
        return "any JSON value"
    words = []
    for kind in kinds if isinstance(kinds, list) else [kinds]:
        if kind == "array":
            words.append("list of " + describe_schema(schema.get("items", {})))
        else:
            word = _TYPE_WORDS.get(str(kind), str(kind))
            if kind == "string" and "format" in schema:
                word += f" ({schema['format']})"
            words.append(word)
    return " or ".join(words)
