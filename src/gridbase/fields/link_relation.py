"""Where links live: one join table per link, `database_relation_<id>`, with a column per
side (`row_a`, `row_b`). A link field and its related field in the other table share the
table; each names its side in the hidden props `relation_table` and `relation_side`.

Also the metadata chores a link does to other tables (its related field), written here
as plain SQL because they run inside another field's change.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.storage import schema as meta
from gridbase.storage.table_versions import bump_data_version

__all__ = [
    "Relation",
    "bump_table",
    "chunks",
    "drop_relation",
    "forget_field",
    "links_exist",
    "relation_of",
    "relation_table",
    "user_table",
]

CHUNK = 500


def chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start:start + CHUNK])


def user_table(table_id: int) -> sa.TableClause:
    """A user table by name with just its `id` and `order`, for joins without a schema."""
    from gridbase.storage.user_tables import table_name  # imports the field registry

    return sa.table(table_name(table_id), sa.column("id"), sa.column("order"))


@dataclass(frozen=True)
class Relation:
    """One link's join table and which of its columns holds this field's own rows."""

    table: sa.Table
    own: str
    other: str

    @property
    def own_column(self) -> sa.Column[Any]:
        return self.table.c[self.own]

    @property
    def other_column(self) -> sa.Column[Any]:
        return self.table.c[self.other]


@functools.lru_cache(maxsize=4096)
def relation_table(name: str) -> sa.Table:
    """One `Table` object per join table, so statements over it hit the compiled cache."""
    return sa.Table(
        name, sa.MetaData(),
        sa.Column("row_a", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("row_b", sa.Integer, primary_key=True, autoincrement=False),
        sa.Index(f"{name}_row_b", "row_b"),
    )


def relation_of(spec: FieldSpec) -> Relation:
    """The join table of a link field (for filters such as `link_row_has`)."""
    side = spec.props.get("relation_side", "a")
    table = relation_table(str(spec.props.get("relation_table")))
    return Relation(table, "row_a", "row_b") if side == "a" else Relation(table, "row_b", "row_a")


def links_exist(spec: FieldSpec, table: TableSchema,
                target_ids: Sequence[int] | None = None) -> sa.ColumnElement[bool]:
    """True where a row links to any row (or to one of `target_ids`) that still exists."""
    relation = relation_of(spec)
    target = user_table(int(spec.props["link_row_table_id"]))
    query = (sa.select(sa.literal(1))
             .select_from(relation.table.join(target, target.c.id == relation.other_column))
             .where(relation.own_column == table.sa_table.c.id))
    if target_ids is not None:
        query = query.where(relation.other_column.in_(list(target_ids)))
    return query.exists()


async def bump_table(conn: AsyncConnection, table_id: int) -> None:
    await conn.execute(meta.tables.update().where(meta.tables.c.id == table_id)
                       .values(schema_version=meta.tables.c.schema_version + 1))
    await bump_data_version(conn, table_id)  # the rows may read differently now


async def drop_relation(conn: AsyncConnection, name: str | None) -> None:
    if name:
        quoted = conn.dialect.identifier_preparer.quote(name)
        await conn.execute(sa.text(f"DROP TABLE IF EXISTS {quoted}"))


async def forget_field(conn: AsyncConnection, field_id: int) -> bool:
    """Delete another link field's metadata only (its join table is dealt with apart)."""
    table_id = await conn.scalar(sa.select(meta.fields.c.table_id)
                                 .where(meta.fields.c.id == field_id))
    if table_id is None:
        return False
    await conn.execute(meta.fields.delete().where(meta.fields.c.id == field_id))
    await bump_table(conn, table_id)
    return True
