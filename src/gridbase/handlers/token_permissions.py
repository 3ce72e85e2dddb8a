"""The four permissions of a database token: parsing Baserow's request format, checking
that grants stay inside the token's workspace, and rendering them back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError, body_error, field_error
from gridbase.storage import schema as meta

__all__ = ["ALL", "OPERATIONS", "Grants", "load_grants", "parse_permissions"]

OPERATIONS = ("create", "read", "update", "delete")
Scope = bool | frozenset[tuple[str, int]]


@dataclass(frozen=True)
class Grants:
    """Per operation: everything in the workspace (True), nothing, or chosen objects."""

    by_operation: dict[str, Scope]

    def allows(self, operation: str, database_id: int, table_id: int) -> bool:
        scope = self.by_operation.get(operation, False)
        if isinstance(scope, bool):
            return scope
        return ("table", table_id) in scope or ("database", database_id) in scope

    def any_for(self, database_id: int, table_id: int) -> bool:
        return any(self.allows(op, database_id, table_id) for op in OPERATIONS)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for operation in OPERATIONS:
            scope = self.by_operation.get(operation, False)
            if isinstance(scope, bool) or not scope:
                result[operation] = bool(scope)
            else:
                result[operation] = [[kind, object_id] for kind, object_id in sorted(scope)]
        return result

    def rows(self, token_id: int) -> list[dict[str, Any]]:
        """Rows of `gridbase_token_permission` storing these grants."""
        rows: list[dict[str, Any]] = []
        for operation, scope in self.by_operation.items():
            if scope is True:
                rows.append({"token_id": token_id, "operation": operation,
                             "scope": "workspace", "object_id": None})
            elif scope:
                rows.extend({"token_id": token_id, "operation": operation, "scope": kind,
                             "object_id": object_id} for kind, object_id in scope)
        return rows


ALL = Grants({operation: True for operation in OPERATIONS})


def _invalid(message: str, code: str) -> ApiError:
    return body_error({"permissions": field_error(message, code)})


def _parse_scope(value: Any) -> Scope:
    if isinstance(value, bool):
        return value
    if not isinstance(value, list):
        raise _invalid("The value must either be a bool, or a list containing database "
                       "or table ids.", "invalid_value")
    pairs: set[tuple[str, int]] = set()
    for item in value:
        if (not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str)
                or isinstance(item[1], bool) or not isinstance(item[1], int)):
            raise _invalid("The value must either be a bool, or a list containing database "
                           "or table ids.", "invalid_value")
        if item[0] not in ("database", "table"):
            raise _invalid("The instance type can only be a database or table.",
                           "invalid_instance_type")
        pairs.add((item[0], item[1]))
    return frozenset(pairs)


async def parse_permissions(conn: AsyncConnection, raw: Any, workspace_id: int) -> Grants:
    """Validate a `permissions` object; every grant must exist inside the workspace."""
    if not isinstance(raw, dict) or set(raw) != set(OPERATIONS):
        raise _invalid("Only create, read, update and delete keys are allowed.", "invalid_key")
    grants = Grants({operation: _parse_scope(raw[operation]) for operation in OPERATIONS})
    wanted: dict[str, set[int]] = {"database": set(), "table": set()}
    for scope in grants.by_operation.values():
        if not isinstance(scope, bool):
            for kind, object_id in scope:
                wanted[kind].add(object_id)
    await _check_objects(conn, wanted, workspace_id)
    return grants


def _storable(ids: set[int]) -> list[int]:
    """Ids that fit the 32-bit id columns; others name nothing (and overflow drivers)."""
    return [i for i in ids if 0 < i < 2**31]


async def _check_objects(conn: AsyncConnection, wanted: dict[str, set[int]],
                         workspace_id: int) -> None:
    if wanted["database"]:
        found: dict[int, int] = dict((await conn.execute(
            sa.select(meta.applications.c.id, meta.applications.c.workspace_id)
            .where(meta.applications.c.id.in_(_storable(wanted["database"]))))).all())
        if set(found) != wanted["database"]:
            raise _invalid("The provided database id is not valid.", "invalid_database_id")
        if any(ws != workspace_id for ws in found.values()):
            raise ApiError("ERROR_DATABASE_DOES_NOT_BELONG_TO_GROUP",
                           "The provided database does not belong to the related group.")
    if wanted["table"]:
        found = dict((await conn.execute(
            sa.select(meta.tables.c.id, meta.applications.c.workspace_id)
            .join(meta.applications, meta.applications.c.id == meta.tables.c.database_id)
            .where(meta.tables.c.id.in_(_storable(wanted["table"]))))).all())
        if set(found) != wanted["table"]:
            raise _invalid("The provided table id is not valid.", "invalid_table_id")
        if any(ws != workspace_id for ws in found.values()):
            raise ApiError("ERROR_TABLE_DOES_NOT_BELONG_TO_GROUP",
                           "The provided table does not belong to the related group.")


async def load_grants(conn: AsyncConnection, token_ids: list[int]) -> dict[int, Grants]:
    """Grants per token, leaving out grants on databases or tables that are gone."""
    rows = (await conn.execute(
        sa.select(meta.token_permissions).where(meta.token_permissions.c.token_id.in_(token_ids))
    )).mappings().all()
    databases = set((await conn.scalars(sa.select(meta.applications.c.id).where(
        meta.applications.c.id.in_([r["object_id"] for r in rows if r["scope"] == "database"])
    ))).all())
    tables = set((await conn.scalars(sa.select(meta.tables.c.id).where(
        meta.tables.c.id.in_([r["object_id"] for r in rows if r["scope"] == "table"])
    ))).all())
    scopes: dict[int, dict[str, Scope]] = {t: {op: False for op in OPERATIONS} for t in token_ids}
    for r in rows:
        current = scopes[r["token_id"]][r["operation"]]
        if r["scope"] == "workspace" or current is True:
            scopes[r["token_id"]][r["operation"]] = True
            continue
        alive = r["object_id"] in (databases if r["scope"] == "database" else tables)
        if alive:
            base = current if isinstance(current, frozenset) else frozenset()
            scopes[r["token_id"]][r["operation"]] = base | {(r["scope"], r["object_id"])}
    return {token_id: Grants(by_op) for token_id, by_op in scopes.items()}

