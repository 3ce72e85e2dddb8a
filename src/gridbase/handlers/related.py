"""Row queries that look into linked tables need those tables' schemas at hand."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError
from gridbase.fields.model import TableSchema
from gridbase.storage.schemas import SchemaCache

__all__ = ["with_related"]


async def with_related(schemas: SchemaCache, conn: AsyncConnection, table: TableSchema
                       ) -> TableSchema:
    """`table` with the schemas of the tables its link fields point to (one level deep);
    the cached schema itself is left as it is."""
    targets = {int(spec.props["link_row_table_id"]) for spec in table.fields
               if spec.type == "link_row" and spec.props.get("link_row_table_id")}
    if not targets:
        return table
    related: dict[int, TableSchema] = {}
    for target_id in sorted(targets):
        try:
            related[target_id] = await schemas.get(conn, target_id)
        except ApiError:
            continue  # a link to a table being deleted: its values read as empty
    return replace(table, related=related)
