"""An example call written out as a shell command (curl), Python (requests) and JavaScript
(fetch), ready to paste once the token placeholder is replaced."""

from __future__ import annotations

import json
import pprint
from collections.abc import Callable

from gridbase.docs.examples import Example

__all__ = ["LANGUAGES", "TOKEN_PLACEHOLDER", "curl", "javascript", "python"]

TOKEN_PLACEHOLDER = "YOUR_DATABASE_TOKEN"
_AUTH = f"Token {TOKEN_PLACEHOLDER}"


def _json(value: object, indent: int | None = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False)


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def curl(example: Example, base_url: str) -> str:
    lines = [f"curl -X {example.method} \\", f'  -H "Authorization: {_AUTH}" \\']
    if example.has_body:
        lines.append('  -H "Content-Type: application/json" \\')
    url = base_url + example.path_and_query()
    if example.body is None:
        lines.append(f"  {_shell_quote(url)}")
    else:
        lines.append(f"  {_shell_quote(url)} \\")
        lines.append(f"  --data {_shell_quote(_json(example.body))}")
    return "\n".join(lines)


def _indented(text: str, by: str) -> str:
    return text.replace("\n", "\n" + by)


def python(example: Example, base_url: str) -> str:
    lines = ["import requests", "", f"response = requests.{example.method.lower()}(",
             f"    {(base_url + example.path)!r},"]
    if example.query:
        lines.append(f"    params={dict(example.query)!r},")
    lines.append(f'    headers={{"Authorization": {_AUTH!r}}},')
    if example.body is not None:
        body = _indented(pprint.pformat(example.body, width=80, sort_dicts=False), "    ")
        lines.append(f"    json={body},")
    lines.append(")")
    if example.status == 204:
        lines.append("print(response.status_code)")
    else:
        lines.append("print(response.json())")
    return "\n".join(lines)


def javascript(example: Example, base_url: str) -> str:
    headers = {"Authorization": _AUTH}
    if example.has_body:
        headers["Content-Type"] = "application/json"
    lines = [f"const response = await fetch({_json(base_url + example.path_and_query())}, {{",
             f"  method: {_json(example.method)},",
             f"  headers: {_json(headers, None)},"]
    if example.body is not None:
        lines.append(f"  body: JSON.stringify({_indented(_json(example.body), '  ')}),")
    lines.append("});")
    if example.status == 204:
        lines.append("console.log(response.status);")
    else:
        lines.append("console.log(await response.json());")
    return "\n".join(lines)


LANGUAGES: dict[str, tuple[str, Callable[[Example, str], str]]] = {
    "curl": ("cURL", curl),
    "python": ("Python", python),
    "javascript": ("JavaScript", javascript),
}
