"""Row names: the primary-field text of chosen rows, for pickers and link labels."""

from __future__ import annotations

from gridbase.errors import ApiError
from gridbase.fields.registry import field_type_registry
from gridbase.handlers.policy import Actor, require
from gridbase.handlers.row_values import serialize_rows
from gridbase.handlers.services import Services
from gridbase.storage import rows as sql

__all__ = ["row_names"]


async def row_names(svc: Services, actor: Actor, wanted: dict[int, list[int]]
                    ) -> dict[str, dict[str, str]]:
    """`{table_id: {row_id: primary text}}`; every table must be in the same database."""
    result: dict[str, dict[str, str]] = {}
    databases: set[int] = set()
    async with svc.db.read() as conn:
        for table_id, ids in wanted.items():
            table = await svc.schemas.get(conn, table_id)
            await require(conn, actor, "table.rows.read", table.workspace_id,
                          database_id=table.database_id, table_id=table.id)
            databases.add(table.database_id)
            primary = table.primary
            if primary is None:
                result[str(table_id)] = {}
                continue
            rows = await sql.select_rows(conn, table.sa_table,
                                         where=table.sa_table.c.id.in_(ids))
            shown = await serialize_rows(svc.field_context(conn), table, rows, False, [primary])
            field_type = field_type_registry.get(primary.type)
            result[str(table_id)] = {
                str(row["id"]): field_type.to_text(primary, row[primary.column_name])
                for row in shown
            }
    if len(databases) > 1:
        raise ApiError("ERROR_QUERY_PARAMETER_VALIDATION", {"non_field_errors": [{
            "error": "All tables must belong to the same database.", "code": "invalid"}]})
    return result
