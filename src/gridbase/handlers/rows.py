"""Rows: list, get, create, update, move and delete, singly or in atomic batches."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, overload

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import now
from gridbase.errors import ApiError, body_error, field_error
from gridbase.events import Outbox
from gridbase.fields.context import FieldContext
from gridbase.fields.model import TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.handlers import search, search_sync
from gridbase.handlers.page_json import (
    RowsJson,
    read_page_json,
    read_row_json,
    read_rows_json,
    rows_json_statement,
)
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.related import cached_with_related, table_with_related
from gridbase.handlers.row_joins import add_joined_values, resolve_joins
from gridbase.handlers.row_query import RowQuery, kept_query
from gridbase.handlers.row_values import (
    ParsedRows,
    new_rows,
    parse_rows,
    read_columns,
    serialize_rows,
    serialize_updated,
    serialize_written,
    with_field_names,
)
from gridbase.handlers.services import Services
from gridbase.handlers.view_rows import apply_view
from gridbase.storage import rows as sql
from gridbase.storage.schemas import schema_version_columns, schemas_current
from gridbase.storage.search_index import signature_column
from gridbase.storage.table_versions import Bump, bump_data_version

__all__ = [
    "RowPage",
    "create_rows",
    "delete_rows",
    "get_row",
    "list_rows",
    "move_row",
    "update_rows",
]


_T = TypeVar("_T")


@dataclass
class RowPage:
    """A page of rows: `results` are the rows, or their JSON array already encoded
    (built by the database); `size` is how many."""

    count: int | None
    results: list[dict[str, Any]] | orjson.Fragment
    size: int


def _missing(ids: list[Any], quoted: bool) -> ApiError:
    shown = [str(i) for i in ids] if quoted else ids
    return ApiError("ERROR_ROW_DOES_NOT_EXIST", f"The rows {shown} do not exist.")


async def _table(
    svc: Services, conn: AsyncConnection, actor: Actor, table_id: int, operation: str
) -> TableSchema:
    """The table's schema (with its linked tables'), once the actor may do `operation`."""
    table = await table_with_related(svc.schemas, conn, table_id)
    await require(conn, actor, operation, table.workspace_id, database_id=table.database_id,
                  table_id=table.id)
    return table


class _Unconfirmed(Exception):
    """A read on cached schemas could not confirm them: they were stale, or the page it
    would have confirmed them with was empty."""


async def _schemas(svc: Services, conn: AsyncConnection, actor: Actor, table_id: int,
                   operation: str, trusted: bool) -> tuple[TableSchema, bool]:
    """The table's schema with its linked tables', once the actor may do `operation`,
    and whether they are trusted: when `trusted` is asked and all are cached, they come
    from the cache unchecked, and the caller must confirm them (`_confirm`)."""
    table = cached_with_related(svc.schemas, table_id) if trusted else None
    if table is None:
        return await _table(svc, conn, actor, table_id, operation), False
    await require(conn, actor, operation, table.workspace_id,
                  database_id=table.database_id, table_id=table.id)
    return table, True


def _schemas_of(table: TableSchema) -> dict[int, TableSchema]:
    return {table.id: table, **table.related}


def _confirming(table: TableSchema, trusted: bool) -> tuple[sa.Label[Any], ...]:
    return schema_version_columns(tuple(sorted(_schemas_of(table)))) if trusted else ()


def _confirm(table: TableSchema, trusted: bool, rows: list[dict[str, Any]]) -> None:
    if trusted and not (rows and schemas_current(rows[0], _schemas_of(table))):
        raise _Unconfirmed


async def _on_trusted_schemas(read: Callable[[bool], Awaitable[_T]]) -> _T:
    """A row read trusting the cached schemas, which its own SELECT confirms (saving a
    statement); read again the usual way when they were stale, could not be confirmed,
    or the read failed: a stale schema can name a column that is gone or miss a field
    a filter names, so only the second read's errors are the answer."""
    try:
        return await read(True)
    except (_Unconfirmed, ApiError, sa.exc.DBAPIError):
        pass
    return await read(False)


async def list_rows(svc: Services, actor: Actor, table_id: int, query: RowQuery) -> RowPage:
    try:
        return await _on_trusted_schemas(
            lambda trusted: _list_rows(svc, actor, table_id, query, True, trusted))
    except search.IndexNotReady:
        await search.build_index(svc, table_id)
    return await _on_trusted_schemas(
        lambda trusted: _list_rows(svc, actor, table_id, query, False, trusted))


async def _list_rows(svc: Services, actor: Actor, table_id: int, query: RowQuery,
                     build_index: bool, trusted: bool) -> RowPage:
    # A search reads its index's state and its page in one transaction (on SQLite one
    # snapshot); other listings skip BEGIN/COMMIT. A plain page's plan never depends on
    # its values.
    searching = bool(search.search_terms(query.search, query.search_mode))
    plain = not (searching or query.filter_params or query.order_by or query.view_id)
    async with svc.db.read(snapshot=searching, reuse_plans=plain) as conn:
        table, trusted = await _schemas(svc, conn, actor, table_id, "table.rows.read",
                                        trusted)
        indexed = await search.use_index(svc, conn, table, query.search, query.search_mode,
                                         build=build_index)
        offset = (query.page - 1) * query.size
        # The walk pays where the rows' own order (an index) can be followed and left
        # once the page is full; a sort of every match gains nothing from it.
        walk = indexed and not query.order_by and query.view_id is None and \
            await search.walk_rows(conn, table, query.search, query.search_mode,
                                   offset + query.size)
        compiled = kept_query(table, query, svc.db.dialect, indexed, walk)
        joins = await resolve_joins(svc, conn, actor, table, query.joins,
                                    query.user_field_names)
        if query.view_id is not None:
            compiled = await apply_view(conn, table, query.view_id, compiled, svc.db.dialect)
        columns = read_columns(table, compiled.fields)
        extra = _confirming(table, trusted) + (
            () if query.exclude_count else svc.counts.version_columns(table))
        built = None if joins else await read_page_json(
            conn, table, compiled.fields, query.user_field_names, where=compiled.page_where,
            order_by=compiled.order_by, limit=query.size, offset=offset, columns=columns,
            extra=extra, kept=compiled.derived)
        rows = [built.extra] if built is not None else await sql.select_rows(
            conn, table.sa_table, where=compiled.page_where, order_by=compiled.order_by,
            limit=query.size, offset=offset, columns=columns, extra=extra)
        _confirm(table, trusted, rows)
        svc.indexes.note(table, compiled.uses, kept=compiled.derived)
        count = None if query.exclude_count else await svc.counts.count(
            conn, table, compiled.where, compiled.count_from,
            svc.counts.versions_read(table, rows))
        if built is not None:
            return RowPage(count, orjson.Fragment(built.text), built.rows)
        results = await serialize_rows(svc.field_context(conn, table), table, rows,
                                       query.user_field_names, compiled.fields)
        await add_joined_values(svc, conn, joins, results, query.user_field_names)
        return RowPage(count, results, len(results))


async def _fetch(
    ctx: FieldContext, table: TableSchema, ids: list[int], user_field_names: bool,
    *, trusted: bool = False, stored: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The rows of these ids that exist, serialized, in the order of `ids`; so it also
    tells which ids exist (an id beyond the 32-bit id column names no row). `trusted`:
    the schemas came from the cache unchecked, and the SELECT confirms them. `stored`
    receives the rows as stored, read under a lock (FOR UPDATE) for the write ahead."""
    rows = await sql.select_by_ids(ctx.conn, table.sa_table, ids, _confirming(table, trusted),
                                   lock=stored is not None)
    _confirm(table, trusted, rows)
    by_id = {row["id"]: row for row in rows}
    ordered = [by_id[i] for i in ids if i in by_id]
    if stored is not None:
        stored.extend(dict(row) for row in ordered)
    return await serialize_rows(ctx, table, ordered, user_field_names)


async def get_row(
    svc: Services, actor: Actor, table_id: int, row_id: int, user_field_names: bool,
    join: list[tuple[str, str]] | None = None,
) -> dict[str, Any] | orjson.Fragment:
    return await _on_trusted_schemas(lambda trusted: _get_row(
        svc, actor, table_id, row_id, user_field_names, join or [], trusted))


async def _get_row(
    svc: Services, actor: Actor, table_id: int, row_id: int, user_field_names: bool,
    join: list[tuple[str, str]], trusted: bool,
) -> dict[str, Any] | orjson.Fragment:
    async with svc.db.read(snapshot=False, reuse_plans=True) as conn:
        table, trusted = await _schemas(svc, conn, actor, table_id, "table.rows.read",
                                        trusted)
        joins = await resolve_joins(svc, conn, actor, table, join, user_field_names)
        built = None if joins else await read_row_json(
            conn, table, row_id, user_field_names, _confirming(table, trusted))
        if built is not None:
            _confirm(table, trusted, [built.extra])
            if not built.rows:
                raise _missing([row_id], quoted=True)
            return orjson.Fragment(built.text[1:-1])  # the row out of its array
        rows = await _fetch(svc.field_context(conn, table), table, [row_id], user_field_names,
                            trusted=trusted)
        if not rows:
            raise _missing([row_id], quoted=True)
        await add_joined_values(svc, conn, joins, rows, user_field_names)
        return rows[0]


def _column_values(table: TableSchema, parsed: ParsedRows) -> list[dict[str, Any]]:
    """Each row's values by column, leaving out fields stored elsewhere (links)."""
    rows: list[dict[str, Any]] = [{} for _ in range(parsed.count)]
    for field_id, (positions, values) in parsed.columns.items():
        spec = table.by_id[field_id]
        if field_type_registry.get(spec.type).has_column:
            for position, value in zip(positions, values, strict=True):
                rows[position][spec.column_name] = value
    return rows


async def _store_outside(
    ctx: FieldContext, table: TableSchema, ids: list[int],
    values: dict[int, tuple[list[int], list[Any]]], *, new_rows: bool = False,
) -> None:
    """Write the given values (positions and values per field) of fields kept outside
    the row's columns (links)."""
    for field_id, (positions, given) in values.items():
        spec = table.by_id[field_id]
        field_type = field_type_registry.get(spec.type)
        if not field_type.has_column and positions:
            await field_type.store(ctx, spec, table, {
                ids[position]: value for position, value in zip(positions, given, strict=True)
            }, new_rows=new_rows)


@overload
async def create_rows(
    svc: Services, actor: Actor, table_id: int, items: list[Any], *, user_field_names: bool,
    before_id: int | None, batch: Literal[False], websocket_id: str | None = None,
) -> list[dict[str, Any]]: ...


@overload
async def create_rows(
    svc: Services, actor: Actor, table_id: int, items: list[Any], *, user_field_names: bool,
    before_id: int | None, batch: bool, websocket_id: str | None = None,
) -> list[dict[str, Any]] | orjson.Fragment: ...


async def create_rows(
    svc: Services, actor: Actor, table_id: int, items: list[Any], *, user_field_names: bool,
    before_id: int | None, batch: bool, websocket_id: str | None = None,
) -> list[dict[str, Any]] | orjson.Fragment:
    """The created rows, as dicts, or for a batch their JSON array when the database
    built it (see `_create_in`)."""
    outbox = Outbox()

    async def attempt(trusted: bool) -> tuple[TableSchema, list[dict[str, Any]] | RowsJson]:
        outbox.events.clear()
        async with svc.db.write() as conn:
            table, trusted = await _schemas(svc, conn, actor, table_id, "table.rows.create",
                                            trusted)
            created = await _create_in(svc, conn, table, items, user_field_names, before_id,
                                       batch, websocket_id, outbox, trusted)
        return table, created

    table, created = await _on_trusted_schemas(attempt)
    await svc.events.publish(outbox.events)
    if isinstance(created, RowsJson):
        return orjson.Fragment(created.named if created.named is not None
                               else created.by_column)
    return with_field_names(table, created) if user_field_names else created


async def _bump_reading_signature(conn: AsyncConnection, table: TableSchema) -> str | None:
    """Bump the table's data version (see table_versions) and read its search index
    signature in the same statement, for `search_sync.rows_changed` after it: only an
    indexed table (or one whose rows show in an indexed table) has statements after
    the bump."""
    built = signature_column(table.id)
    signature: str | None = (await bump_data_version(conn, table.id, returning=(built,)))[
        built.name]
    return signature


def _bump_for_create(table: TableSchema, trusted: bool) -> Bump:
    """A create's data-version bump (see table_versions), which also confirms trusted
    schemas and reads the table's search index signature (`search_sync.rows_changed`
    needs it): on PostgreSQL the rows' INSERT carries it, so one round trip does all."""
    return Bump(table.id, (*_confirming(table, trusted), signature_column(table.id)))


# From this many rows on, a batch create has the database build its rows' JSON: the
# statement's round trip costs the server about what serializing ten rows does.
DATABASE_JSON_ROWS = 10


async def _create_in(
    svc: Services, conn: AsyncConnection, table: TableSchema, items: list[Any],
    user_field_names: bool, before_id: int | None, batch: bool, websocket_id: str | None,
    outbox: Outbox, trusted: bool,
) -> list[dict[str, Any]] | RowsJson:
    """Create the rows inside the caller's transaction (its last statements: the data
    version bump confirms trusted schemas); the event goes to `outbox`. The rows come
    back as dicts keyed `field_<id>`, or as JSON the database built (`RowsJson`): a
    batch's cells then cost no Python each."""
    table_id = table.id
    if before_id is not None and not await sql.existing_ids(conn, table.sa_table, [before_id]):
        raise _missing([before_id], quoted=False)
    ctx = svc.field_context(conn, table)
    as_json = rows_json_statement(conn, table, user_field_names) \
        if batch and len(items) >= DATABASE_JSON_ROWS else None
    ctx.answer_in_database = as_json is not None
    parsed = await parse_rows(ctx, table, items, user_field_names, batch=batch)
    new = await new_rows(ctx, table, parsed)
    if before_id is not None:
        new.columns["order"] = await sql.orders_before(conn, table.sa_table, before_id,
                                                       len(items))
    bump = _bump_for_create(table, trusted)
    inserted = await sql.insert_columns(conn, table.sa_table, new.columns, len(items),
                                        at_end=before_id is None,
                                        read_back=not new.exact, bump=bump,
                                        ids_only=as_json is not None)
    bumped = inserted.bumped
    if bumped is not None:
        _confirm(table, trusted, [bumped])
    stored = inserted.rows
    ids = [row["id"] for row in stored]
    await _store_outside(ctx, table, ids, new.outside, new_rows=True)
    created: list[dict[str, Any]] | RowsJson
    if as_json is not None:
        created = await read_rows_json(conn, as_json, ids)
        event_rows: Any = orjson.Fragment(created.by_column)
    else:
        created = event_rows = await serialize_written(ctx, table, stored, parsed.columns)
    outbox.add("rows_created", {"table_id": table_id, "rows": event_rows, "metadata": {},
                                "before_row_id": before_id},
               table_id=table_id, origin_websocket_id=websocket_id)
    if bumped is None:  # last: see table_versions
        bumped = await bump_data_version(conn, table_id, returning=bump.returning)
        _confirm(table, trusted, [bumped])
    # Only an indexed table (or one whose rows' two-way links show in an indexed table)
    # has statements after the bump.
    await search_sync.rows_changed(svc, conn, table, ids, new.written, created=True,
                                   built=bumped[signature_column(table_id).name])
    return created


def _row_ids(items: list[Any]) -> list[int]:
    errors: dict[str, Any] = {}
    ids: list[int] = []
    for index, item in enumerate(items):
        raw = item.get("id") if isinstance(item, dict) else None
        if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit():
            code = "required" if raw is None else "invalid"
            message = "This field is required." if raw is None else "A valid integer is required."
            errors[str(index)] = {"id": field_error(message, code)}
        else:
            ids.append(int(raw))
    if errors:
        raise body_error({"items": errors})
    return ids


async def update_rows(
    svc: Services, actor: Actor, table_id: int, items: list[Any], *, user_field_names: bool,
    batch: bool, row_id: int | None = None, websocket_id: str | None = None,
) -> list[dict[str, Any]]:
    """Update rows; single updates pass `row_id`, batch items carry their own `id`."""
    ids = [row_id] if row_id is not None else _row_ids(items)
    if len(set(ids)) != len(ids):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        raise ApiError("ERROR_ROW_IDS_NOT_UNIQUE",
                       f"The provided row ids {duplicates} are not unique.")
    outbox = Outbox()

    async def attempt(trusted: bool) -> tuple[TableSchema, list[dict[str, Any]]]:
        outbox.events.clear()
        async with svc.db.write() as conn:
            table, trusted = await _schemas(svc, conn, actor, table_id, "table.rows.update",
                                            trusted)
            after = await _update_in(svc, conn, table, ids, items, user_field_names, batch,
                                     trusted, websocket_id, outbox)
        return table, after

    table, after = await _on_trusted_schemas(attempt)
    await svc.events.publish(outbox.events)
    return with_field_names(table, after) if user_field_names else after


async def _update_in(
    svc: Services, conn: AsyncConnection, table: TableSchema, ids: list[int],
    items: list[Any], user_field_names: bool, batch: bool, trusted: bool,
    websocket_id: str | None, outbox: Outbox,
) -> list[dict[str, Any]]:
    """Update the rows inside the caller's transaction (the rows' read confirms trusted
    schemas, its last statements bump the data version); the event goes to `outbox`."""
    ctx = svc.field_context(conn, table)
    stored: list[dict[str, Any]] = []
    before = await _fetch(ctx, table, ids, False, trusted=trusted, stored=stored)
    found = {row["id"] for row in before}
    missing = [i for i in ids if i not in found]
    if missing:
        raise _missing(missing, quoted=False)
    stripped = [{k: v for k, v in item.items() if k != "id"} if batch else item
                for item in items]
    parsed = await parse_rows(ctx, table, stripped, user_field_names, batch=batch)
    written = parsed.written
    unlinked = await search_sync.linked_rows(svc, conn, table, ids, written)
    stamp = now()
    await sql.update_rows(conn, table.sa_table, dict(zip(
        ids, _column_values(table, parsed), strict=True)), stamp=stamp)
    await _store_outside(ctx, table, ids, parsed.columns)
    after = await serialize_updated(ctx, table, stored, parsed, before, stamp) \
        or await _fetch(ctx, table, ids, False)
    outbox.add("rows_updated", {"table_id": table.id, "rows_before_update": before,
                                "rows": after, "metadata": {},
                                "updated_field_ids": sorted(written)},
               table_id=table.id, origin_websocket_id=websocket_id)
    built = await _bump_reading_signature(conn, table)
    await search_sync.rows_changed(svc, conn, table, ids, written, earlier=unlinked,
                                   built=built)
    return after


async def move_row(
    svc: Services, actor: Actor, table_id: int, row_id: int, before_id: int | None,
    user_field_names: bool, websocket_id: str | None = None,
) -> dict[str, Any]:
    outbox = Outbox()
    async with svc.db.write() as conn:
        table = await _table(svc, conn, actor, table_id, "table.rows.update")
        ctx = svc.field_context(conn, table)
        before = await _fetch(ctx, table, [row_id], False)
        if not before:
            raise _missing([row_id], quoted=True)
        if before_id is not None and not await sql.existing_ids(conn, table.sa_table,
                                                                [before_id]):
            raise _missing([before_id], quoted=False)
        moved = before_id != row_id
        if moved:
            [order] = await sql.orders_before(conn, table.sa_table, before_id, 1)
            await sql.update_rows(conn, table.sa_table, {row_id: {"order": order}})
        after = await _fetch(ctx, table, [row_id], False)
        outbox.add("rows_updated", {"table_id": table_id, "rows_before_update": before,
                                    "rows": after, "metadata": {}, "updated_field_ids": []},
                   table_id=table_id, origin_websocket_id=websocket_id)
        built = await _bump_reading_signature(conn, table)
        if moved:
            await search_sync.rows_changed(svc, conn, table, [row_id], None, built=built)
    await svc.events.publish(outbox.events)
    return (with_field_names(table, after) if user_field_names else after)[0]


async def delete_rows(
    svc: Services, actor: Actor, table_id: int, ids: list[int], *, quoted: bool,
    websocket_id: str | None = None,
) -> None:
    if len(set(ids)) != len(ids):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        raise ApiError("ERROR_ROW_IDS_NOT_UNIQUE",
                       f"The provided row ids {duplicates} are not unique.")
    outbox = Outbox()
    async with svc.db.write() as conn:
        table = await _table(svc, conn, actor, table_id, "table.rows.delete")
        ctx = svc.field_context(conn, table)
        rows = await _fetch(ctx, table, ids, False)
        found = {row["id"] for row in rows}
        missing = [i for i in ids if i not in found]
        if missing:
            raise _missing(missing, quoted=quoted)
        unlinked = await search_sync.linked_rows(svc, conn, table, ids, None)
        for spec in table.fields:
            await field_type_registry.get(spec.type).forget_rows(ctx, spec, table, ids)
        await sql.delete_rows(conn, table.sa_table, ids)
        outbox.add("rows_deleted", {"table_id": table_id, "row_ids": ids, "rows": rows},
                   table_id=table_id, origin_websocket_id=websocket_id)
        built = await _bump_reading_signature(conn, table)
        await search_sync.rows_changed(svc, conn, table, ids, None, earlier=unlinked,
                                       built=built)
    await svc.events.publish(outbox.events)
