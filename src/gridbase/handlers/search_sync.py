"""Keeps search indexes in step with row writes, inside the write's own transaction.

A row's entry holds its own cells and, for each link, the primary values of the rows it
links to, in their table's order. So a write refreshes the entries of the rows written
and, when it may change what other rows show of them (their primary value or order
changed, they were deleted, or a two-way link between them changed), the entries of the
rows linking to them. Links that a write removes must be read before it (`linked_rows`);
`rows_changed` reads the links after it and refreshes everything.

Only indexes that are up to date, or being built in steps (`search_build`), are
written: a stale one is rebuilt whole before the next search. Field changes need no
hook here, as they change the index's signature.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.link_relation import chunks, relation_of
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.registry import field_type_registry
from gridbase.handlers.related import with_related
from gridbase.handlers.search import index_rows, signature
from gridbase.handlers.services import Services
from gridbase.storage import schema as meta
from gridbase.storage import search_index as store

__all__ = ["UNKNOWN", "Linked", "linked_rows", "rows_changed"]

Linked = dict[int, set[int]]
"""Row ids per table id."""


class _Unknown:
    """A signature not read yet."""


UNKNOWN = _Unknown()


def _shown_elsewhere(table: TableSchema, fields: Collection[int] | None) -> bool:
    """Whether rows linking to the written rows may now show something else of them:
    every change does when `fields` is None (deletes, moves), else a change of the
    primary value (or of a primary that reads the row's own timestamps)."""
    if fields is None:
        return True
    primary = table.primary
    if primary is None:
        return False
    return primary.id in fields or field_type_registry.get(primary.type).source_column(
        primary) != primary.column_name


async def _incoming(conn: AsyncConnection, table: TableSchema) -> list[FieldSpec]:
    """Link fields of the database's tables (this one included) that point at `table`."""
    siblings = sa.select(meta.tables.c.id).where(meta.tables.c.database_id == table.database_id)
    rows = (await conn.execute(
        sa.select(meta.fields).where(meta.fields.c.type == "link_row",
                                     meta.fields.c.table_id.in_(siblings)))).mappings().all()
    return [FieldSpec(id=r["id"], table_id=r["table_id"], name=r["name"], type=r["type"],
                      order=r["order"], primary=r["primary"], description=r["description"],
                      db_index=r["db_index"], props=dict(r["props"] or {}))
            for r in rows if (r["props"] or {}).get("link_row_table_id") == table.id]


def _two_way(table: TableSchema, fields: Collection[int]) -> list[FieldSpec]:
    """The written link fields whose related field shows this table in the other one."""
    return [spec for spec in table.fields
            if spec.id in fields and spec.type == "link_row"
            and spec.props.get("link_row_related_field_id") is not None
            and spec.props.get("relation_table")]


async def _add_links(conn: AsyncConnection, found: Linked, table_id: int,
                     wanted: sa.Column[int], known: sa.Column[int], ids: list[int]) -> None:
    """Add to `found[table_id]` the join table's `wanted` side of the pairs whose `known`
    side is one of `ids`."""
    for chunk in chunks(ids):
        found[table_id].update((await conn.scalars(
            sa.select(wanted).where(known.in_(chunk)))).all())


async def linked_rows(svc: Services, conn: AsyncConnection, table: TableSchema,
                      ids: Collection[int], fields: Collection[int] | None,
                      *, created: bool = False) -> Linked:
    """Rows of indexed tables whose entries show something of the rows `ids` that a
    write of `fields` (None: anything, their order, their deletion) may change."""
    found: Linked = defaultdict(set)
    ordered = sorted(ids)
    if not ordered:
        return found
    if not created and _shown_elsewhere(table, fields):
        incoming = await _incoming(conn, table)
        indexed = await store.indexed_tables(conn, [spec.table_id for spec in incoming])
        for spec in incoming:
            if spec.table_id in indexed and spec.props.get("relation_table"):
                relation = relation_of(spec)
                await _add_links(conn, found, spec.table_id, relation.own_column,
                                 relation.other_column, ordered)
        return found
    two_way = _two_way(table, fields or ())
    targets = {spec.id: int(spec.props["link_row_table_id"]) for spec in two_way}
    indexed = await store.indexed_tables(conn, targets.values())
    for spec in two_way:
        if targets[spec.id] in indexed:
            relation = relation_of(spec)
            await _add_links(conn, found, targets[spec.id], relation.other_column,
                             relation.own_column, ordered)
    return found


async def _refresh(svc: Services, conn: AsyncConnection, table_id: int,
                   ids: Collection[int], *, schema: TableSchema | None = None,
                   new: Collection[int] = (), built: str | _Unknown | None = UNKNOWN) -> None:
    """Rewrite these rows' entries if the table's index is up to date or being built in
    steps (`schema`: the table's, when the caller has it; `new`: ids of rows just
    created, with no entry; `built`: the index's signature, when the caller read it
    already in this transaction, after its writes took their locks)."""
    if isinstance(built, _Unknown):
        built = await store.built_signature(conn, table_id)
    if built is None or not ids:
        return
    table = await with_related(svc.schemas, conn,
                               schema or await svc.schemas.get(conn, table_id))
    if built == signature(table) or store.building(built):
        await store.refresh_entries(
            conn, table_id, functools.partial(index_rows, table, conn.dialect.name), ids,
            new=new)


async def rows_changed(svc: Services, conn: AsyncConnection, table: TableSchema,
                       ids: Collection[int], fields: Collection[int] | None,
                       *, earlier: Linked | None = None, created: bool = False,
                       built: str | _Unknown | None = UNKNOWN) -> None:
    """After rows `ids` were created, updated (`fields`), moved or deleted (None):
    refresh their entries and those of the rows showing them, now or `earlier`.
    `built`: the table's own index signature, if the caller read it (`signature_column`)."""
    affected: Linked = defaultdict(set)
    affected[table.id].update(ids)
    for source in (earlier or {}, await linked_rows(svc, conn, table, ids, fields,
                                                    created=created)):
        for table_id, row_ids in source.items():
            affected[table_id].update(row_ids)
    for table_id in sorted(affected):
        own = table_id == table.id
        await _refresh(svc, conn, table_id, affected[table_id],
                       schema=table if own else None,
                       new=ids if created and own else (),
                       built=built if own else UNKNOWN)
