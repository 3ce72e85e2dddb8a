"""Per-field options of a grid view: hidden, width, position, footer aggregation.

Options are stored only once someone changes them; every other field reads as the
defaults, so a new field shows up in every view without writing anything.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError
from gridbase.events import Outbox
from gridbase.fields.model import TableSchema
from gridbase.handlers.policy import Actor
from gridbase.handlers.services import Services
from gridbase.handlers.view_store import view_scope
from gridbase.storage import schema as meta

__all__ = ["OPTION_DEFAULTS", "get_field_options", "options_json", "update_field_options"]

OPTIONS = meta.view_field_options

OPTION_DEFAULTS: dict[str, Any] = {
    "hidden": False, "width": 200, "order": 32767, "aggregation_type": "",
    "aggregation_raw_type": "",
}


async def _stored(conn: AsyncConnection, view_id: int) -> dict[int, Any]:
    rows = (await conn.execute(sa.select(OPTIONS).where(OPTIONS.c.view_id == view_id))
            ).mappings()
    return {row["field_id"]: row for row in rows}


async def options_json(conn: AsyncConnection, view_id: int, table: TableSchema
                       ) -> dict[str, dict[str, Any]]:
    """Options of every field of the table, keyed by the field id as text."""
    stored = await _stored(conn, view_id)
    result: dict[str, dict[str, Any]] = {}
    for spec in table.fields:
        row = stored.get(spec.id)
        result[str(spec.id)] = {key: row[key] if row is not None else default
                                for key, default in OPTION_DEFAULTS.items()}
    return result


async def get_field_options(svc: Services, actor: Actor, view_id: int) -> dict[str, Any]:
    async with svc.db.read() as conn:
        _, table = await view_scope(svc, conn, actor, view_id, "view.read")
        return {"field_options": await options_json(conn, view_id, table)}


async def update_field_options(
    svc: Services, actor: Actor, view_id: int, changes: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """Merge validated per-field changes into the stored options; a field of another
    table is refused before anything is written."""
    outbox = Outbox()
    async with svc.db.write() as conn:
        _, table = await view_scope(svc, conn, actor, view_id, "view.update")
        if any(field_id not in table.by_id for field_id in changes):
            raise ApiError("ERROR_UNRELATED_FIELD")
        stored = await _stored(conn, view_id)
        for field_id, values in changes.items():
            row = stored.get(field_id)
            if row is None:
                await conn.execute(OPTIONS.insert().values(
                    view_id=view_id, field_id=field_id, **{**OPTION_DEFAULTS, **values}))
            elif values:
                await conn.execute(OPTIONS.update().where(OPTIONS.c.id == row["id"])
                                   .values(**values))
        result = {"field_options": await options_json(conn, view_id, table)}
        outbox.add("view_field_options_updated", {"view_id": view_id, **result},
                   table_id=table.id)
    await svc.events.publish(outbox.events)
    return result
