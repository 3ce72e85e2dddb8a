"""The real SQL tables behind user tables: `database_table_<id>` with `field_<id>` columns.

Builds the SQLAlchemy `Table` for a schema and runs the DDL for field changes. Both
PostgreSQL and SQLite run DDL inside the caller's transaction, so a failed change rolls
back whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.model import FieldSpec
from gridbase.fields.registry import field_type_registry
from gridbase.storage.auto_indexes import drop_auto_indexes
from gridbase.storage.search_index import drop_index
from gridbase.storage.types import DecimalType, UtcDateTime

__all__ = [
    "add_column",
    "build_table",
    "create_user_table",
    "drop_column",
    "drop_user_table",
    "index_name",
    "rename_column",
    "set_column_index",
    "table_name",
]


def table_name(table_id: int) -> str:
    return f"database_table_{table_id}"


def _base_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("order", DecimalType(40, 20), nullable=False),
        sa.Column("created_on", UtcDateTime, nullable=False),
        sa.Column("updated_on", UtcDateTime, nullable=False),
    ]


def build_table(table_id: int, fields: Iterable[FieldSpec]) -> sa.Table:
    """The SQLAlchemy table for a user table with the given fields."""
    columns = _base_columns()
    for spec in fields:
        field_type = field_type_registry.get(spec.type)
        if field_type.has_column:
            columns.append(field_type.column(spec))
    name = table_name(table_id)
    return sa.Table(name, sa.MetaData(), *columns, _order_index(name),
                    sqlite_autoincrement=True)


def _order_index(name: str) -> sa.Index:
    """Rows in their default order, ("order", id): a page walks the index instead of
    sorting the table, and the last `order` (appends) is its last entry."""
    return sa.Index(f"ix_{name}_order_id", "order", "id")


async def create_user_table(conn: AsyncConnection, table_id: int) -> None:
    table = build_table(table_id, [])
    await conn.run_sync(lambda sync: table.create(sync))


async def drop_user_table(conn: AsyncConnection, table_id: int) -> None:
    """Drop the rows' table and its search index."""
    await drop_index(conn, table_id)
    quoted = conn.dialect.identifier_preparer.quote(table_name(table_id))
    await conn.execute(sa.text(f"DROP TABLE IF EXISTS {quoted}"))


def _quote(conn: AsyncConnection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _ddl(statement: str) -> sa.ExecutableDDLElement:
    """DDL rather than text: asyncpg's cached prepared statements are dropped on DDL only,
    and a stale one fails once a column changed type."""
    return sa.DDL(statement)  # type: ignore[no-untyped-call]


async def add_column(conn: AsyncConnection, table_id: int, column: sa.Column[Any]) -> None:
    """ALTER TABLE ADD COLUMN, rendered by SQLAlchemy for the current dialect."""
    sa.Table(table_name(table_id), sa.MetaData(), column)
    ddl = column.type.compile(dialect=conn.dialect)
    parts = [f"ALTER TABLE {_quote(conn, table_name(table_id))} ADD COLUMN "
             f"{_quote(conn, column.name)} {ddl}"]
    if column.server_default is not None:
        default = column.server_default
        arg = getattr(default, "arg", None)
        if isinstance(arg, str):
            parts.append(f"DEFAULT '{arg}'")
        elif arg is not None:
            compiled = arg.compile(dialect=conn.dialect) if hasattr(arg, "compile") else arg
            parts.append(f"DEFAULT {compiled}")
    if not column.nullable:
        parts.append("NOT NULL")
    await conn.execute(_ddl(" ".join(parts)))


def index_name(table_id: int, column_name: str) -> str:
    return f"idx_t{table_id}_{column_name}"


async def set_column_index(
    conn: AsyncConnection, table_id: int, column_name: str, wanted: bool
) -> None:
    """Create or drop the index a field asks for with `db_index`; both are idempotent."""
    name = _quote(conn, index_name(table_id, column_name))
    if wanted:
        await conn.execute(_ddl(
            f"CREATE INDEX IF NOT EXISTS {name} ON {_quote(conn, table_name(table_id))} "
            f"({_quote(conn, column_name)})"))
    else:
        await conn.execute(_ddl(f"DROP INDEX IF EXISTS {name}"))


async def drop_column(conn: AsyncConnection, table_id: int, column_name: str) -> None:
    """Drop a field's column (and its indexes first: SQLite refuses to drop indexed
    columns)."""
    await set_column_index(conn, table_id, column_name, False)
    await drop_auto_indexes(conn, table_id, column_name)
    await conn.execute(_ddl(
        f"ALTER TABLE {_quote(conn, table_name(table_id))} DROP COLUMN {_quote(conn, column_name)}"
    ))


async def rename_column(conn: AsyncConnection, table_id: int, old: str, new: str) -> None:
    await conn.execute(_ddl(
        f"ALTER TABLE {_quote(conn, table_name(table_id))} "
        f"RENAME COLUMN {_quote(conn, old)} TO {_quote(conn, new)}"
    ))
