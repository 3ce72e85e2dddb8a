"""Automatic indexes: count how listings filter and sort, and index what is used often.

Every row listing reports the fields it compared, searched with `contains` or sorted by.
The counts live in memory, per process. When a use reaches `uses` (20 by default), or at
once when a view saves a filter or sort on the field, the index that serves it is built
in a background task, if the table has at least `min_rows` rows (10,000 by default:
below that a scan is already fast). The request that triggered it neither waits for the
build nor sees its errors; a failed build is logged and tried again after as many uses.
Builds run one after the other (`background_builds`), with the search index builds of
big tables.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.handlers.background_builds import BackgroundBuilds
from gridbase.handlers.index_plans import COMPARE, CONTAINS, SORT, IndexUse, plans_for
from gridbase.storage.auto_indexes import IndexPlan, build_in_background, create_index
from gridbase.storage.engine import Database

__all__ = ["IndexAdvisor", "keep_indexes"]

_PLANS = "index_plans"


@dataclass
class IndexAdvisor:
    db: Database
    uses: int = 20
    min_rows: int = 10_000
    counts: Counter[IndexPlan] = field(default_factory=Counter)
    built: set[IndexPlan] = field(default_factory=set)
    builds: BackgroundBuilds = field(default_factory=BackgroundBuilds)
    # Tables whose search index this process has checked for its trigram index
    # (`search_build.keep_trigram`, from `search.use_index`).
    trigrams_checked: set[int] = field(default_factory=set)

    def note(self, table: TableSchema, uses: Iterable[IndexUse], *, saved: bool = False,
             kept: dict[Hashable, Any] | None = None) -> None:
        """Count a listing's uses (or a view's saved ones) and start the builds due.
        `kept`: a store of the listing's kept query (`CompiledQuery.derived`), where
        the plans for its uses are kept."""
        if self.uses <= 0:
            return
        plans: list[IndexPlan] | None = kept.get(_PLANS) if kept is not None else None
        if plans is None:
            plans = plans_for(uses, table, self.db.dialect)
            if kept is not None:
                kept[_PLANS] = plans
        for plan in plans:
            if plan in self.built or self.builds.busy(plan):
                continue
            self.counts[plan] += self.uses if saved else 1
            if self.counts[plan] >= self.uses:
                self.counts[plan] = 0
                self.builds.start(plan, functools.partial(self._build, plan))

    def forget_table(self, table_id: int) -> None:
        """A table's fields changed: its columns may need their indexes again."""
        self.built = {p for p in self.built if p.table_id != table_id}

    async def _build(self, plan: IndexPlan) -> None:
        if await build_in_background(self.db, plan, self.min_rows):
            self.built.add(plan)

    async def settle(self) -> None:
        """Wait for the background builds under way, search indexes' too (tests)."""
        await self.builds.settle()

    async def close(self) -> None:
        await self.builds.close()


async def keep_indexes(conn: AsyncConnection, table: TableSchema, spec: FieldSpec,
                       kinds: list[str]) -> None:
    """After a type conversion rewrote a column: build again, inside the conversion's
    transaction, the automatic indexes of `kinds` it had that still serve the new type."""
    if not kinds:
        return
    uses = [IndexUse(spec, purpose, narrow=True) for purpose in (COMPARE, SORT, CONTAINS)]
    for plan in plans_for(uses, table, conn.dialect.name):
        if plan.kind in kinds:
            await create_index(conn, plan)
