"""What a field type may use while reading or writing: the connection and other tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.model import TableSchema

__all__ = ["FieldContext"]


@dataclass
class FieldContext:
    conn: AsyncConnection
    dialect: str
    load_schema: Callable[[AsyncConnection, int], Awaitable[TableSchema]]
    # Schemas already checked in this request (row reads and writes, which change no
    # schema): each is looked up once, not once per field and step. None: no memo.
    known: dict[int, TableSchema] | None = field(default=None)
    # What field types read while validating this request's values, for their own later
    # steps in it (a link write keeps the linked rows it checked, to show them).
    memo: dict[tuple[str, int], Any] = field(default_factory=dict)
    # The database builds this request's answer (a large batch create): validating
    # need not fetch what only a serialization in Python would show.
    answer_in_database: bool = False

    async def schema(self, table_id: int) -> TableSchema:
        if self.known is not None and table_id in self.known:
            return self.known[table_id]
        schema = await self.load_schema(self.conn, table_id)
        if self.known is not None:
            self.known[table_id] = schema
        return schema
