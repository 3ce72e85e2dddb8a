"""Loads a user table's schema from the metadata tables, cached per schema version.

Every field change bumps `gridbase_table.schema_version`; a worker that reads a newer
version than it cached rebuilds the table, so several workers stay consistent.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError
from gridbase.fields.model import FieldSpec, SelectOption, TableSchema
from gridbase.storage import schema as meta
from gridbase.storage.rows import id_in
from gridbase.storage.table_versions import bump_data_version
from gridbase.storage.user_tables import build_table

__all__ = ["SchemaCache", "bump_version", "link_targets", "schema_version_columns",
           "schemas_current"]


def link_targets(table: TableSchema) -> list[int]:
    """The tables the link fields of `table` point to."""
    return sorted({int(spec.props["link_row_table_id"]) for spec in table.fields
                   if spec.type == "link_row" and spec.props.get("link_row_table_id")})


@functools.lru_cache(maxsize=1024)
def schema_version_columns(table_ids: tuple[int, ...]) -> tuple[sa.Label[Any], ...]:
    """The tables' schema versions as columns a row SELECT can carry: a read that
    trusted cached schemas learns from its own statement whether they were current."""
    return tuple(sa.select(meta.tables.c.schema_version).where(meta.tables.c.id == t)
                 .scalar_subquery().label(f"schema_version_{t}") for t in table_ids)


def schemas_current(row: dict[str, Any], schemas: dict[int, TableSchema]) -> bool:
    """Whether the versions `schema_version_columns` read into `row` are those of
    `schemas` (a deleted table reads as NULL, which is no version)."""
    return all(row.get(f"schema_version_{t}") == schema.version
               for t, schema in schemas.items())


async def bump_version(conn: AsyncConnection, table_id: int) -> None:
    await conn.execute(
        meta.tables.update()
        .where(meta.tables.c.id == table_id)
        .values(schema_version=meta.tables.c.schema_version + 1)
    )
    await bump_data_version(conn, table_id)  # the rows may read differently now


async def load_fields(conn: AsyncConnection, table_id: int) -> list[FieldSpec]:
    rows = (
        await conn.execute(
            sa.select(meta.fields)
            .where(meta.fields.c.table_id == table_id)
            .order_by(meta.fields.c.order, meta.fields.c.id)
        )
    ).mappings().all()
    options: dict[int, list[SelectOption]] = defaultdict(list)
    if rows:
        option_rows = (
            await conn.execute(
                sa.select(meta.select_options)
                .where(meta.select_options.c.field_id.in_([r["id"] for r in rows]))
                .order_by(meta.select_options.c.order, meta.select_options.c.id)
            )
        ).mappings()
        for o in option_rows:
            options[o["field_id"]].append(SelectOption(o["id"], o["value"], o["color"], o["order"]))
    return [
        FieldSpec(
            id=r["id"], table_id=r["table_id"], name=r["name"], type=r["type"], order=r["order"],
            primary=r["primary"], description=r["description"], db_index=r["db_index"],
            props=dict(r["props"] or {}), options=tuple(options.get(r["id"], ())),
        )
        for r in rows
    ]


class SchemaCache:
    """Process-local cache of table schemas keyed by (table id, schema version)."""

    def __init__(self) -> None:
        self._cache: dict[int, TableSchema] = {}

    async def get(self, conn: AsyncConnection, table_id: int) -> TableSchema:
        found = await self.get_many(conn, [table_id])
        if table_id not in found:
            raise ApiError("ERROR_TABLE_DOES_NOT_EXIST")
        return found[table_id]

    async def get_many(self, conn: AsyncConnection, table_ids: list[int]
                       ) -> dict[int, TableSchema]:
        """The current schemas of the tables that exist among `table_ids`, checked
        against their versions in one query."""
        # Ids beyond the 32-bit id column name no table (and would overflow the driver).
        storable = sorted({i for i in table_ids if 0 < i < 2**31})
        if not storable:
            return {}
        heads = (
            await conn.execute(
                sa.select(
                    meta.tables.c.id, meta.tables.c.name, meta.tables.c.database_id,
                    meta.tables.c.schema_version, meta.applications.c.workspace_id,
                )
                .join(meta.applications, meta.applications.c.id == meta.tables.c.database_id)
                .where(id_in(meta.tables.c.id, storable, conn.dialect.name))
            )
        ).all()
        found: dict[int, TableSchema] = {}
        for head in heads:
            cached = self._cache.get(head.id)
            if cached is not None and cached.version == head.schema_version:
                cached.name = head.name
                found[head.id] = cached
                continue
            fields = await load_fields(conn, head.id)
            schema = TableSchema(
                id=head.id, name=head.name, database_id=head.database_id,
                workspace_id=head.workspace_id, version=head.schema_version, fields=fields,
                sa_table=build_table(head.id, fields),
            )
            self._cache[head.id] = schema
            found[head.id] = schema
        return found

    def peek(self, table_id: int) -> TableSchema | None:
        """The cached schema as it is, unchecked (see `schema_version_columns`)."""
        return self._cache.get(table_id)

    def cached_links(self, table_id: int) -> list[int]:
        """Tables the cached schema of `table_id` links to (a guess: it may be stale)."""
        cached = self._cache.get(table_id)
        return [] if cached is None else link_targets(cached)

    def forget(self, table_id: int) -> None:
        self._cache.pop(table_id, None)

    def clear(self) -> None:
        """Forget every table, after a failed change that may have cached several."""
        self._cache.clear()
