"""Fields: create, rename, re-type (converting data), delete; each change is DDL plus metadata
in one transaction, followed by a schema-version bump."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import now
from gridbase.errors import ApiError, body_error, field_error
from gridbase.events import Outbox
from gridbase.fields.context import FieldContext
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.handlers.index_advisor import keep_indexes
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.services import Services
from gridbase.storage import schema as meta
from gridbase.storage.auto_indexes import auto_index_kinds
from gridbase.storage.schemas import bump_version
from gridbase.storage.user_tables import add_column, drop_column, set_column_index

__all__ = [
    "create_field",
    "create_field_in",
    "delete_field",
    "field_json",
    "get_field",
    "list_fields",
    "update_field",
]

RESERVED_NAMES = frozenset({"id", "order"})
COMMON_KEYS = frozenset({"name", "type", "description", "db_index", "field_constraints"})


async def field_json(ctx: FieldContext, spec: FieldSpec, table: TableSchema) -> dict[str, Any]:
    field_type = field_type_registry.get(spec.type)
    data: dict[str, Any] = {
        "id": spec.id, "table_id": spec.table_id, "name": spec.name, "order": spec.order,
        "type": spec.type, "primary": spec.primary, "read_only": field_type.read_only,
        "immutable_type": False, "immutable_properties": False,
        "description": spec.description, "database_id": table.database_id,
        "workspace_id": table.workspace_id, "db_index": spec.db_index, "field_constraints": [],
    }
    data.update(field_type.props_json(spec))
    data.update(await field_type.extra_json(ctx, spec))
    return data


async def _table_for(svc: Services, conn: AsyncConnection, actor: Actor, table_id: int,
                     operation: str) -> TableSchema:
    table = await svc.schemas.get(conn, table_id)
    await require(conn, actor, operation, table.workspace_id, database_id=table.database_id,
                  table_id=table.id)
    return table


async def list_fields(svc: Services, actor: Actor, table_id: int) -> list[dict[str, Any]]:
    async with svc.db.read() as conn:
        table = await _table_for(svc, conn, actor, table_id, "table.fields.read")
        ctx = svc.field_context(conn)
        return [await field_json(ctx, spec, table) for spec in table.fields]


async def _field_table_id(conn: AsyncConnection, field_id: int) -> int:
    table_id: int | None = await conn.scalar(
        sa.select(meta.fields.c.table_id).where(meta.fields.c.id == field_id))
    if table_id is None:
        raise ApiError("ERROR_FIELD_DOES_NOT_EXIST")
    return table_id


async def get_field(svc: Services, actor: Actor, field_id: int) -> dict[str, Any]:
    async with svc.db.read() as conn:
        table = await _table_for(svc, conn, actor, await _field_table_id(conn, field_id),
                                 "table.fields.read")
        return await field_json(svc.field_context(conn), table.by_id[field_id], table)


def _check_name(table: TableSchema, name: Any, own_id: int | None = None) -> str:
    """A valid, unique field name; surrounding whitespace is dropped as DRF does."""
    if name is None:
        raise body_error({"name": field_error("This field may not be null.", "null")})
    if isinstance(name, bool) or not isinstance(name, str | int | float):
        raise body_error({"name": field_error("Not a valid string.", "invalid")})
    text = str(name).strip()
    if "\x00" in text:
        raise body_error({"name": field_error("Null characters are not allowed.",
                                              "null_characters_not_allowed")})
    if not text:
        raise ApiError("ERROR_INVALID_BASEROW_FIELD_NAME")
    if len(text) > 255:
        raise ApiError("ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED")
    if text in RESERVED_NAMES:
        raise ApiError("ERROR_RESERVED_BASEROW_FIELD_NAME")
    clash = table.by_name.get(text)
    if clash is not None and clash.id != own_id:
        raise ApiError("ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS")
    return text


def _check_type(raw: Any) -> str:
    if raw is None:
        raise body_error({"type": field_error("This field may not be null.", "null")})
    if not isinstance(raw, str) or raw not in field_type_registry:
        raise body_error({"type": field_error(f'"{raw}" is not a valid choice.', "invalid_choice")})
    return str(raw)


def _common(body: dict[str, Any], current: FieldSpec | None) -> tuple[str | None, bool]:
    description = body.get("description", current.description if current else None)
    if description is not None and not isinstance(description, str):
        raise body_error({"description": field_error("Not a valid string.", "invalid")})
    if description is not None and "\x00" in description:
        raise body_error({"description": field_error("Null characters are not allowed.",
                                                     "null_characters_not_allowed")})
    db_index = body.get("db_index", current.db_index if current else False)
    if not isinstance(db_index, bool):
        raise body_error({"db_index": field_error("Must be a valid boolean.", "invalid")})
    return description, db_index


async def _reload(svc: Services, conn: AsyncConnection, table_id: int) -> TableSchema:
    await bump_version(conn, table_id)
    return await svc.schemas.get(conn, table_id)


async def create_field_in(
    svc: Services, conn: AsyncConnection, table: TableSchema, body: dict[str, Any],
    *, primary: bool = False,
) -> tuple[FieldSpec, TableSchema, list[int]]:
    """Create a field inside an open transaction; returns it, the new schema and related ids."""
    if "name" not in body:
        raise body_error({"name": field_error("This field is required.", "required")})
    if "type" not in body:
        raise body_error({"type": field_error("This field is required.", "required")})
    type_name = _check_type(body["type"])
    name = _check_name(table, body["name"])
    field_type = field_type_registry.get(type_name)
    if primary and not field_type.can_be_primary:
        raise ApiError("ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE")
    if len(table.fields) >= svc.settings.max_field_limit:
        raise ApiError("ERROR_MAX_FIELD_COUNT_EXCEEDED")
    props = field_type.clean_props(body, None)
    description, db_index = _common(body, None)
    highest = max((f.order for f in table.fields), default=-1)
    field_id = (await conn.execute(
        meta.fields.insert().values(
            table_id=table.id, name=name, type=type_name, order=highest + 1, primary=primary,
            description=description, db_index=db_index, props=props, created_on=now(),
        ).returning(meta.fields.c.id)
    )).scalar_one()
    spec = FieldSpec(field_id, table.id, name, type_name, highest + 1, primary, description,
                     db_index, props)
    if field_type.has_column:
        await add_column(conn, table.id, field_type.column(spec))
        if db_index:
            await set_column_index(conn, table.id, spec.column_name, True)
    table = await _reload(svc, conn, table.id)
    ctx = svc.field_context(conn)
    spec = await field_type.setup(ctx, table.by_id[field_id], table, body, None)
    related = await field_type.after_save(ctx, spec, table, body, None)
    table = await _reload(svc, conn, table.id)
    return table.by_id[field_id], table, related


async def _related_json(
    svc: Services, conn: AsyncConnection, field_ids: list[int]
) -> list[dict[str, Any]]:
    ctx = svc.field_context(conn)
    result = []
    for field_id in field_ids:
        table_id = await conn.scalar(sa.select(meta.fields.c.table_id)
                                     .where(meta.fields.c.id == field_id))
        if table_id is None:
            continue
        table = await svc.schemas.get(conn, table_id)
        result.append(await field_json(ctx, table.by_id[field_id], table))
    return result


async def create_field(
    svc: Services, actor: Actor, table_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    outbox = Outbox()
    try:
        async with svc.db.write() as conn:
            table = await _table_for(svc, conn, actor, table_id, "table.fields.create")
            spec, table, related = await create_field_in(svc, conn, table, body)
            data = await field_json(svc.field_context(conn), spec, table)
            related_json = await _related_json(svc, conn, related)
            outbox.add("field_created", {"field": data, "related_fields": related_json},
                       table_id=table_id)
    except BaseException:
        svc.schemas.clear()
        raise
    await svc.events.publish(outbox.events)
    return _with_related(data, related_json)


def _with_related(data: dict[str, Any], related: list[dict[str, Any]]) -> dict[str, Any]:
    """Baserow places `related_fields` right after the common keys."""
    keys = list(data)
    split = keys.index("field_constraints") + 1
    ordered = {k: data[k] for k in keys[:split]}
    ordered["related_fields"] = related
    ordered.update({k: data[k] for k in keys[split:]})
    return ordered


async def _convert(
    svc: Services, conn: AsyncConnection, table: TableSchema, old: FieldSpec, new: FieldSpec,
) -> None:
    """Rewrite a field's stored values for its new type or properties, in this transaction."""
    ctx = svc.field_context(conn)
    old_type = field_type_registry.get(old.type)
    new_type = field_type_registry.get(new.type)
    source = old_type.source_column(old)
    columns = [table.sa_table.c.id]
    if old_type.has_column and source in table.sa_table.c:
        columns.append(table.sa_table.c[source])
    if source in ("created_on", "updated_on"):
        columns.append(table.sa_table.c[source])
    rows = [dict(r) for r in (await conn.execute(sa.select(*columns))).mappings()]
    await old_type.load(ctx, old, table, rows)
    texts = {row["id"]: old_type.conversion_text(old, row[old.column_name], new)
             for row in rows}
    if old_type.has_column:
        await drop_column(conn, table.id, old.column_name)
    if new_type.has_column:
        await add_column(conn, table.id, new_type.column(new))
    if not new_type.has_column or not texts:
        return
    target = sa.table(table.sa_table.name, sa.column("id"), new_type.column(new))
    params = [{"row_id": row_id, "value": new_type.from_text(new, text)}
              for row_id, text in texts.items() if text != ""]
    if params:
        await conn.execute(
            target.update().where(target.c.id == sa.bindparam("row_id"))
            .values({new.column_name: sa.bindparam("value")}),
            params,
        )


async def update_field(
    svc: Services, actor: Actor, field_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    outbox = Outbox()
    table_id = 0
    try:
        async with svc.db.write() as conn:
            table_id = await _field_table_id(conn, field_id)
            table = await _table_for(svc, conn, actor, table_id, "table.fields.update")
            old = table.by_id[field_id]
            name = _check_name(table, body["name"], field_id) if "name" in body else old.name
            type_name = _check_type(body["type"]) if "type" in body else old.type
            new_type = field_type_registry.get(type_name)
            if old.primary and not new_type.can_be_primary:
                raise ApiError("ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE")
            changed_type = type_name != old.type
            props = new_type.clean_props(body, None if changed_type else old.props)
            description, db_index = _common(body, old)
            ctx = svc.field_context(conn)
            related: list[int] = []
            await conn.execute(meta.fields.update().where(meta.fields.c.id == field_id).values(
                name=name, type=type_name, props=props, description=description,
                db_index=db_index))
            new = FieldSpec(field_id, table_id, name, type_name, old.order, old.primary,
                            description, db_index, props, old.options if not changed_type else ())
            new = await new_type.setup(ctx, new, table, body, None if changed_type else old)
            kinds: list[str] = []
            if changed_type or new_type.needs_conversion(old, new):
                if field_type_registry.get(old.type).has_column:
                    kinds = await auto_index_kinds(conn, table_id, old.column_name)
                await _convert(svc, conn, table, old, new)
            if changed_type:
                # After the conversion, which still reads the old values (links) through it.
                related += await field_type_registry.get(old.type).before_delete(ctx, old, table)
            if new_type.has_column:
                await set_column_index(conn, table_id, new.column_name, db_index)
            table = await _reload(svc, conn, table_id)
            await keep_indexes(conn, table, table.by_id[field_id], kinds)
            related += await new_type.after_save(ctx, table.by_id[field_id], table, body,
                                                 None if changed_type else old)
            table = await _reload(svc, conn, table_id)
            data = await field_json(ctx, table.by_id[field_id], table)
            related_json = await _related_json(svc, conn, related)
            outbox.add("field_updated", {"field_id": field_id, "field": data,
                                         "related_fields": related_json}, table_id=table_id)
    except BaseException:
        # A failed change may have cached other tables (a link's related table) as they
        # were inside the rolled back transaction.
        svc.schemas.clear()
        raise
    await svc.events.publish(outbox.events)
    svc.indexes.forget_table(table_id)  # a conversion may have dropped some
    return _with_related(data, related_json)


async def delete_field(svc: Services, actor: Actor, field_id: int) -> dict[str, Any]:
    outbox = Outbox()
    table_id = 0
    try:
        async with svc.db.write() as conn:
            table_id = await _field_table_id(conn, field_id)
            table = await _table_for(svc, conn, actor, table_id, "table.fields.delete")
            spec = table.by_id[field_id]
            if spec.primary:
                raise ApiError("ERROR_CANNOT_DELETE_PRIMARY_FIELD")
            field_type = field_type_registry.get(spec.type)
            await field_type.before_delete(svc.field_context(conn), spec, table)
            if field_type.has_column:
                await drop_column(conn, table_id, spec.column_name)
            await conn.execute(meta.fields.delete().where(meta.fields.c.id == field_id))
            await _reload(svc, conn, table_id)
            outbox.add("field_deleted", {"table_id": table_id, "field_id": field_id,
                                         "related_fields": []}, table_id=table_id)
    except BaseException:
        # A failed change may have cached other tables (a link's related table) as they
        # were inside the rolled back transaction.
        svc.schemas.clear()
        raise
    await svc.events.publish(outbox.events)
    return {"related_fields": []}
