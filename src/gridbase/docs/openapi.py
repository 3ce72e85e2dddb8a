"""The OpenAPI 3.1 document of every route the app serves.

The routes are walked on each call, so a new route is in the document as soon as it is
mounted. What a route cannot tell (its body, answers and errors) comes from
`gridbase.docs.operations`; who may call it is read from its dependencies, so that part
cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from starlette.convertors import IntegerConvertor

from gridbase import __version__
from gridbase.api.auth import row_actor, token_actor, user_actor
from gridbase.docs.operations import OPERATIONS, Operation, Param, key
from gridbase.docs.shapes import COMPONENTS, describe_codes, error_schema
from gridbase.errors import ERRORS

__all__ = [
    "SECURITY_SCHEMES",
    "MountedRoute",
    "build_openapi",
    "mounted_routes",
    "operation_object",
    "undocumented_routes",
]

Schema = dict[str, Any]

SECURITY_SCHEMES: dict[str, Schema] = {
    "JWT": {"type": "apiKey", "in": "header", "name": "Authorization",
            "description": "A user's access token: `Authorization: JWT <access_token>`, "
                           "as answered by token-auth or token-refresh."},
    "Token": {"type": "apiKey", "in": "header", "name": "Authorization",
              "description": "A database token: `Authorization: Token <key>`; it reaches "
                             "the rows (and field lists) its permissions allow."},
}

_AUTH_BY_DEPENDENCY: dict[Callable[..., Any], tuple[str, ...]] = {
    user_actor: ("JWT",),
    row_actor: ("JWT", "Token"),
    token_actor: ("Token",),
}
_JWT_ERRORS = ("ERROR_INVALID_ACCESS_TOKEN",)
_TOKEN_ERRORS = (
    "ERROR_INVALID_TOKEN_HEADER", "ERROR_TOKEN_DOES_NOT_EXIST", "ERROR_USER_NOT_ACTIVE")
_HIDDEN_METHODS = {"HEAD", "OPTIONS"}


@dataclass(frozen=True)
class MountedRoute:
    """One method of one mounted route, with what the builder needs to know about it."""

    method: str
    path: str
    route: APIRoute
    path_params: dict[str, Schema]

    @property
    def key(self) -> str:
        return key(self.method, self.path)


def mounted_routes(app: FastAPI) -> Iterator[MountedRoute]:
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        path = str(context.path_format)
        params = {name: {"type": "integer", "minimum": 0}
                  if isinstance(convertor, IntegerConvertor) else {"type": "string"}
                  for name, convertor in context.param_convertors.items()}
        for method in sorted(set(context.methods or ()) - _HIDDEN_METHODS):
            yield MountedRoute(method, path, route, params)


def undocumented_routes(app: FastAPI) -> list[str]:
    """Routes without an entry in the operations registry: vague in the document."""
    return [m.key for m in mounted_routes(app) if m.key not in OPERATIONS]


def route_auth(route: APIRoute) -> tuple[str, ...]:
    """Security schemes a route accepts, from the actor dependency it declares."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if dependency.call in _AUTH_BY_DEPENDENCY:
            return _AUTH_BY_DEPENDENCY[dependency.call]
        pending.extend(dependency.dependencies)
    return ()


def _fallback(mounted: MountedRoute) -> Operation:
    words = re.sub(r"[^a-z0-9]+", "_", mounted.route.name.lower()).strip("_")
    tag = mounted.route.endpoint.__module__.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    body: Schema | None = {"type": "object"} if mounted.method in ("POST", "PATCH", "PUT") \
        else None
    return Operation(words or "operation", tag, mounted.route.name.replace("_", " "),
                     response={}, body=body,
                     description="Not described in detail yet.")


def body_schema(body: type[BaseModel] | Schema, components: dict[str, Schema]) -> Schema:
    """A request body's schema; a pydantic model's nested definitions become components."""
    if isinstance(body, dict):
        return body
    schema = body.model_json_schema(ref_template="#/components/schemas/{model}",
                                    mode="validation")
    components.update(schema.pop("$defs", {}))
    return schema


def _grouped_errors(operation: Operation, auth: tuple[str, ...]) -> dict[int, list[str]]:
    wanted: list[str | tuple[str, int]] = list(operation.errors)
    refused = operation.refusal_status
    if "JWT" in auth:
        wanted.extend((code, refused) for code in _JWT_ERRORS)
    if "Token" in auth:
        wanted.extend((code, refused) for code in _TOKEN_ERRORS)
    if operation.body is not None:
        wanted.append("ERROR_REQUEST_BODY_VALIDATION")
    grouped: dict[int, list[str]] = {}
    for entry in wanted:
        code, status = entry if isinstance(entry, tuple) else (entry, ERRORS[entry].status)
        if code not in grouped.setdefault(status, []):
            grouped[status].append(code)
    return grouped


def _plain_statuses(operation: Operation, auth: tuple[str, ...]) -> dict[int, str]:
    """Answers in the plain `{"detail"}` shape (no error code) the route can give."""
    plain: dict[int, str] = {}
    if auth:
        plain[operation.refusal_status] = "No credentials, or credentials of the wrong kind."
    if "Token" in auth and operation.refusal_status == 401:
        plain[429] = "The database token's rate limit was reached; see Retry-After."
    if operation.body is not None:
        plain[400] = "The body is not valid JSON."
        plain[415] = "The body is not JSON."
    return plain


def _field_error_schema() -> Schema:
    return {"type": "object", "additionalProperties": {"type": "array",
                                                       "items": {"type": "string"}}}


def _responses(operation: Operation, auth: tuple[str, ...]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    success: dict[str, Any] = {"description": operation.summary}
    if operation.status != 204:
        success["content"] = {operation.media_type: {"schema": operation.response or {}}}
    responses[str(operation.status)] = success
    grouped = _grouped_errors(operation, auth)
    plain = _plain_statuses(operation, auth)
    for status in sorted(set(grouped) | set(plain)):
        codes = grouped.get(status, [])
        lines = [describe_codes(codes)] if codes else []
        if status in plain:
            lines.append(f"Without an error code: {plain[status]}")
        schema = error_schema(codes)
        if operation.field_errors and status == 400:
            schema = {"anyOf": [schema, _field_error_schema()]}
        content = {"application/json": {"schema": schema}}
        if operation.media_type == "text/html":
            content = {"text/html": {"schema": {"type": "string"}}}
        responses[str(status)] = {"description": "\n".join(lines), "content": content}
    return responses


def _parameters(path_params: dict[str, Schema], query: tuple[Param, ...]) -> list[Schema]:
    parameters: list[Schema] = [
        {"name": name, "in": "path", "required": True, "schema": schema}
        for name, schema in path_params.items()
    ]
    parameters.extend(
        {"name": p.name, "in": p.location, "required": p.required, "schema": p.schema,
         "description": p.description} for p in query)
    return parameters


def operation_object(operation: Operation, auth: tuple[str, ...],
                     path_params: dict[str, Schema], components: dict[str, Schema]
                     ) -> Schema:
    """The OpenAPI operation object of one route."""
    accepted = operation.auth if operation.auth is not None else auth
    result: Schema = {"operationId": operation.operation_id, "tags": [operation.tag],
                      "summary": operation.summary}
    if operation.description:
        result["description"] = operation.description
    parameters = _parameters(path_params, operation.query)
    if parameters:
        result["parameters"] = parameters
    if operation.body is not None:
        result["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": body_schema(operation.body, components)}}}
    result["responses"] = _responses(operation, accepted)
    if accepted:
        result["security"] = [{scheme: []} for scheme in accepted]
    return result


def _unique(operation: Operation, taken: set[str]) -> Operation:
    name, number = operation.operation_id, 2
    while name in taken:
        name, number = f"{operation.operation_id}_{number}", number + 1
    taken.add(name)
    return operation if name == operation.operation_id else dataclasses.replace(
        operation, operation_id=name)


def build_openapi(app: FastAPI) -> Schema:
    """The whole API as OpenAPI 3.1."""
    components: dict[str, Schema] = dict(COMPONENTS)
    paths: dict[str, dict[str, Any]] = {}
    taken: set[str] = set()
    for mounted in mounted_routes(app):
        operation = _unique(OPERATIONS.get(mounted.key) or _fallback(mounted), taken)
        paths.setdefault(mounted.path, {})[mounted.method.lower()] = operation_object(
            operation, route_auth(mounted.route), mounted.path_params, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "gridbase API", "version": __version__,
                 "description": "The REST API of gridbase, wire compatible with Baserow's "
                                "public API. Each database also has its own document with the "
                                "real fields of its tables: /api/database/{id}/openapi.json."},
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": SECURITY_SCHEMES},
    }
