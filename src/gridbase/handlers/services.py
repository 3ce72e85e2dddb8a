"""The process-wide services handlers share: settings, database, schema cache, events."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.config import Settings
from gridbase.events import EventBus
from gridbase.fields.context import FieldContext
from gridbase.fields.model import TableSchema
from gridbase.handlers.count_cache import CountCache
from gridbase.handlers.index_advisor import IndexAdvisor
from gridbase.handlers.token_usage import TokenUsage
from gridbase.storage.engine import Database
from gridbase.storage.schemas import SchemaCache

__all__ = ["Services"]


@dataclass
class Services:
    settings: Settings
    db: Database
    schemas: SchemaCache = field(default_factory=SchemaCache)
    events: EventBus = field(default_factory=EventBus)
    token_usage: TokenUsage = field(init=False)
    indexes: IndexAdvisor = field(init=False)
    counts: CountCache = field(init=False)

    def __post_init__(self) -> None:
        self.token_usage = TokenUsage(self.db)
        self.indexes = IndexAdvisor(self.db, self.settings.auto_index_uses,
                                    self.settings.auto_index_min_rows)
        self.counts = CountCache(self.settings.count_cache_mb * 1024 * 1024)

    def field_context(self, conn: AsyncConnection, *schemas: TableSchema) -> FieldContext:
        """Field types' view of the request. Given the schemas the request already read,
        it remembers every schema it reads (for row reads and writes, never for schema
        changes, which must see each new version)."""
        known = None
        if schemas:
            known = {s.id: s for s in schemas}
            for schema in schemas:
                known.update(schema.related)
        return FieldContext(conn=conn, dialect=self.db.dialect, load_schema=self.schemas.get,
                            known=known)
