"""Load a database for its docs, checking who asks through the one permission policy.

Example values are run through the field type's own request validation (`prepare`) and
serialization (`load`), the code every row request goes through, so an example the docs
show is one the API accepts, and the answer shown is the one it gives.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.docs.field_schemas import input_schema, output_schema
from gridbase.docs.model import DatabaseDoc, FieldDoc, TableDoc
from gridbase.errors import ApiError
from gridbase.fields.base import CellError, FieldType
from gridbase.fields.context import FieldContext
from gridbase.fields.filters.registry import filter_type_registry
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.handlers.applications import database_workspace
from gridbase.handlers.policy import Actor, require, workspace_role
from gridbase.handlers.services import Services
from gridbase.storage import schema as meta

__all__ = ["field_doc", "load_database_doc"]

_REFUSED = object()


def _filters(spec: FieldSpec) -> tuple[str, ...]:
    found = (filter_type_registry.get(name) for name in filter_type_registry.names())
    return tuple(f.type for f in found if f is not None and f.accepts(spec))


async def _validated(ctx: FieldContext, field_type: FieldType, spec: FieldSpec, value: Any
                     ) -> Any:
    [result] = await field_type.prepare(ctx, spec, [value])
    return _REFUSED if isinstance(result, CellError) else result


async def _answered(ctx: FieldContext, field_type: FieldType, spec: FieldSpec,
                    table: TableSchema, stored: Any) -> Any:
    """What a row answers for a stored value, through the type's own serialization."""
    row: dict[str, Any] = {"id": 0, "order": 0, spec.column_name: stored,
                           field_type.source_column(spec): stored}
    await field_type.load(ctx, spec, table, [row])
    return row[spec.column_name]


async def field_doc(ctx: FieldContext, table: TableSchema, spec: FieldSpec) -> FieldDoc:
    field_type = field_type_registry.get(spec.type)
    common: dict[str, Any] = {
        "spec": spec, "read_only": field_type.read_only, "output_schema": output_schema(spec),
        "input_schema": input_schema(spec), "filters": _filters(spec)}
    if field_type.read_only:
        return FieldDoc(response_example=field_type.example(spec), **common)
    for candidate in (field_type.example(spec), None):
        stored = await _validated(ctx, field_type, spec, candidate)
        if stored is not _REFUSED:
            answer = await _answered(ctx, field_type, spec, table, stored)
            return FieldDoc(response_example=answer, request_example=candidate,
                            writable_example=True, **common)
    default = field_type.default_value(spec)
    return FieldDoc(response_example=await _answered(ctx, field_type, spec, table, default),
                    **common)


async def _table_doc(ctx: FieldContext, table: TableSchema) -> TableDoc:
    return TableDoc(table, tuple([await field_doc(ctx, table, spec) for spec in table.fields]))


async def _token_reads_database(conn: AsyncConnection, actor: Actor, workspace_id: int,
                                database_id: int) -> bool:
    token = actor.token
    if token.workspace_id != workspace_id:
        return False
    if await workspace_role(conn, actor.user_id, workspace_id) is None:
        raise ApiError("ERROR_USER_NOT_IN_GROUP")
    scope = token.grants.by_operation.get("read", False)
    return scope is True or (not isinstance(scope, bool) and ("database", database_id) in scope)


async def _readable(conn: AsyncConnection, actor: Actor, workspace_id: int, database_id: int,
                    table_id: int) -> bool:
    try:
        await require(conn, actor, "table.rows.read", workspace_id, database_id=database_id,
                      table_id=table_id)
    except ApiError as error:
        if error.code == "ERROR_NO_PERMISSION_TO_TABLE":
            return False
        raise
    return True


async def load_database_doc(svc: Services, actor: Actor, database_id: int) -> DatabaseDoc:
    """A database and the tables the actor may read: all of them for a member, those
    its read permission covers for a database token."""
    async with svc.db.read() as conn:
        workspace_id = await database_workspace(conn, database_id)
        if actor.token is None:
            await require(conn, actor, "database.read", workspace_id)
        name = await conn.scalar(sa.select(meta.applications.c.name)
                                 .where(meta.applications.c.id == database_id))
        table_ids = (await conn.scalars(
            sa.select(meta.tables.c.id).where(meta.tables.c.database_id == database_id)
            .order_by(meta.tables.c.order, meta.tables.c.id))).all()
        if actor.token is not None:
            whole = await _token_reads_database(conn, actor, workspace_id, database_id)
            table_ids = [t for t in table_ids
                         if await _readable(conn, actor, workspace_id, database_id, t)]
            if not whole and not table_ids:
                raise ApiError("ERROR_NO_PERMISSION_TO_TABLE")
        ctx = svc.field_context(conn)
        tables = [await _table_doc(ctx, await svc.schemas.get(conn, t)) for t in table_ids]
    return DatabaseDoc(database_id, str(name), workspace_id, tuple(tables))
