"""Row queries that look into linked tables need those tables' schemas at hand."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError
from gridbase.fields.model import TableSchema
from gridbase.storage.schemas import SchemaCache, link_targets

__all__ = ["cached_with_related", "table_with_related", "with_related"]


async def with_related(schemas: SchemaCache, conn: AsyncConnection, table: TableSchema
                       ) -> TableSchema:
    """`table` with the schemas of the tables its link fields point to (one level deep);
    the cached schema itself is left as it is. A link to a table being deleted has no
    schema: its values read as empty."""
    targets = link_targets(table)
    if not targets:
        return table
    return replace(table, related=await schemas.get_many(conn, targets))


async def table_with_related(schemas: SchemaCache, conn: AsyncConnection, table_id: int
                             ) -> TableSchema:
    """The table's schema with its linked tables' schemas, usually in one query: the
    linked tables are guessed from the cached schema, and only a wrong guess costs more."""
    guess = schemas.cached_links(table_id)
    found = await schemas.get_many(conn, [table_id, *guess])
    if table_id not in found:
        raise ApiError("ERROR_TABLE_DOES_NOT_EXIST")
    table = found[table_id]
    targets = link_targets(table)
    if not targets:
        return table
    missing = [t for t in targets if t not in found and t not in guess]
    if missing:
        found.update(await schemas.get_many(conn, missing))
    return replace(table, related={t: found[t] for t in targets if t in found})


def cached_with_related(schemas: SchemaCache, table_id: int) -> TableSchema | None:
    """The table's cached schema with its linked tables' cached schemas, unchecked; None
    unless all of them are cached. The caller confirms them (`schema_version_columns`)."""
    table = schemas.peek(table_id)
    if table is None:
        return None
    targets = link_targets(table)
    related = {t: found for t in targets if (found := schemas.peek(t)) is not None}
    if len(related) != len(targets):
        return None
    return replace(table, related=related) if targets else table
