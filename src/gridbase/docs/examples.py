"""Example calls of every row endpoint of one table, built from its real fields.

The calls are meant to run one after the other on a table holding rows 1 and 2: read,
create, change and move first, then the batch calls, and the deletions last (row 2 in a
batch, then row 1), so each of them succeeds when it is run in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridbase.docs.model import TableDoc
from gridbase.docs.operations.rows import ROW_PATH, TABLE_PATH

__all__ = ["Example", "table_examples"]


@dataclass(frozen=True)
class Example:
    """One call: what is sent and what comes back."""

    operation_id: str
    title: str
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: Any
    status: int
    response: Any

    @property
    def has_body(self) -> bool:
        return self.body is not None

    def path_and_query(self) -> str:
        if not self.query:
            return self.path
        return self.path + "?" + "&".join(f"{k}={v}" for k, v in self.query)


def _page(row: dict[str, Any]) -> dict[str, Any]:
    return {"count": 1, "next": None, "previous": None, "results": [row]}


def table_examples(table: TableDoc, user_field_names: bool) -> list[Example]:
    """The example calls for one table, keyed by field ids or by field names."""
    table_path = TABLE_PATH.format(table_id=table.id)
    row_path = ROW_PATH.format(table_id=table.id, row_id=1)
    names: tuple[tuple[str, str], ...] = (("user_field_names", "true"),) \
        if user_field_names else ()
    body = table.example_body(user_field_names)
    row = table.example_row(user_field_names)
    new_row = table.example_row(user_field_names, row_id=3)
    return [
        Example("list_database_table_rows", "List rows", "GET", table_path, names, None, 200,
                _page(row)),
        Example("get_database_table_row", "Get a row", "GET", row_path, names, None, 200, row),
        Example("create_database_table_row", "Create a row", "POST", table_path, names, body,
                200, new_row),
        Example("update_database_table_row", "Update a row", "PATCH", row_path, names, body,
                200, row),
        Example("move_database_table_row", "Move a row", "PATCH", row_path + "move/",
                (*names, ("before_id", "2")), None, 200, row),
        Example("batch_create_database_table_rows", "Create rows in a batch", "POST",
                table_path + "batch/", names, {"items": [body]}, 200,
                {"items": [table.example_row(user_field_names, row_id=4)]}),
        Example("batch_update_database_table_rows", "Update rows in a batch", "PATCH",
                table_path + "batch/", names, {"items": [{"id": 1, **body}]}, 200,
                {"items": [row]}),
        Example("batch_delete_database_table_rows", "Delete rows in a batch", "POST",
                table_path + "batch-delete/", (), {"items": [2]}, 204, None),
        Example("delete_database_table_row", "Delete a row", "DELETE", row_path, (), None, 204,
                None),
    ]
