"""`{link_field}__join={target_field},...`: values of the linked rows next to each link.

Each `{id, value, order}` item of a link cell gains one key per requested field of the
linked table (`field_<id>`, or its name with `user_field_names`), serialized as the row
API serializes that field. The linked rows of a whole page are read in one query per link
field, and reading them needs read permission on the linked table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.errors import ApiError
from gridbase.fields.link_relation import chunks
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.row_query import split_names
from gridbase.handlers.row_values import serialize_rows
from gridbase.handlers.services import Services
from gridbase.storage import rows as sql

__all__ = ["Join", "add_joined_values", "join_params", "resolve_joins"]

SUFFIX = "__join"
# Keys every link item has; a joined field never replaces them.
ITEM_KEYS = frozenset({"id", "value", "order"})


@dataclass(frozen=True)
class Join:
    """One `__join` parameter, resolved: the link field, its table and the wanted fields."""

    link: FieldSpec
    target: TableSchema
    fields: list[FieldSpec]


def join_params(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The `(link field, targets)` pairs among a request's query parameters."""
    return [(name[:-len(SUFFIX)], value) for name, value in items
            if name.endswith(SUFFIX) and len(name) > len(SUFFIX)]


def _invalid(detail: str) -> ApiError:
    return ApiError("ERROR_INVALID_JOIN_PARAMETER", detail)


def _lookup(table: TableSchema, name: str, user_field_names: bool) -> FieldSpec | None:
    spec = table.lookup(name, user_field_names)
    if spec is None and user_field_names:
        spec = table.lookup(name, False)
    return spec


async def resolve_joins(
    svc: Services, conn: AsyncConnection, actor: Actor, table: TableSchema,
    params: list[tuple[str, str]], user_field_names: bool,
) -> list[Join]:
    """Check every join parameter and the actor's read access to the linked tables."""
    joins: list[Join] = []
    for link_name, raw in params:
        link = _lookup(table, link_name, user_field_names)
        if link is None or link.type != "link_row":
            raise _invalid(f"The field {link_name} is not a link row field of this table.")
        try:
            target = await svc.schemas.get(conn, int(link.props["link_row_table_id"]))
        except (ApiError, KeyError, TypeError, ValueError):
            raise _invalid(f"The table linked by {link_name} does not exist.") from None
        names = split_names(raw)
        if not names:
            raise _invalid(f"Name at least one field of the linked table for {link_name}.")
        wanted: list[FieldSpec] = []
        for name in names:
            spec = _lookup(target, name, user_field_names)
            if spec is None:
                raise _invalid(f"The field {name} does not exist in the table linked by "
                               f"{link_name}.")
            if spec.type == "link_row":
                raise _invalid(f"The field {name} is a link row field, which cannot be "
                               "joined.")
            if spec not in wanted:
                wanted.append(spec)
        await require(conn, actor, "table.rows.read", target.workspace_id,
                      database_id=target.database_id, table_id=target.id)
        joins.append(Join(link, target, wanted))
    return joins


async def add_joined_values(
    svc: Services, conn: AsyncConnection, joins: list[Join], results: list[dict[str, Any]],
    user_field_names: bool,
) -> None:
    """Put the joined fields into the link items of serialized `results`, in place."""
    for join in joins:
        key = join.link.name if user_field_names else join.link.column_name
        items = [item for row in results for item in (row.get(key) or [])
                 if isinstance(item, dict)]
        linked = sorted({int(item["id"]) for item in items})
        if not linked:
            continue
        target = join.target.sa_table
        found: list[dict[str, Any]] = []
        for chunk in chunks(linked):
            found += await sql.select_rows(conn, target, where=target.c.id.in_(chunk))
        shown = await serialize_rows(svc.field_context(conn), join.target, found,
                                     user_field_names, join.fields)
        by_id = {row["id"]: row for row in shown}
        for item in items:
            values = by_id.get(item["id"], {})
            for spec in join.fields:
                name = spec.name if user_field_names else spec.column_name
                if name not in ITEM_KEYS:
                    item[name] = values.get(name)
