"""What a field type may use while reading or writing: the connection and other tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.model import TableSchema

__all__ = ["FieldContext"]


@dataclass
class FieldContext:
    conn: AsyncConnection
    dialect: str
    load_schema: Callable[[AsyncConnection, int], Awaitable[TableSchema]]

    async def schema(self, table_id: int) -> TableSchema:
        return await self.load_schema(self.conn, table_id)
