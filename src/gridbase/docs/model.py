"""What the generated docs know about a database: its tables, and for every field its
schemas, filters and example values, all taken from the live schema on each request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridbase.fields.model import FieldSpec, TableSchema

__all__ = ["DatabaseDoc", "FieldDoc", "TableDoc"]


@dataclass(frozen=True)
class FieldDoc:
    """One field. `request_example` is a value its type's own validation accepted (None
    when the field is read-only or no example validates); `response_example` is what a
    row answers for it, produced by the type's own serialization."""

    spec: FieldSpec
    read_only: bool
    output_schema: dict[str, Any]
    input_schema: dict[str, Any] | None
    filters: tuple[str, ...]
    response_example: Any
    request_example: Any = None
    writable_example: bool = False

    def key(self, user_field_names: bool) -> str:
        return self.spec.name if user_field_names else self.spec.column_name


@dataclass(frozen=True)
class TableDoc:
    schema: TableSchema
    fields: tuple[FieldDoc, ...]

    @property
    def id(self) -> int:
        return self.schema.id

    @property
    def name(self) -> str:
        return self.schema.name

    def example_row(self, user_field_names: bool, row_id: int = 1) -> dict[str, Any]:
        """A row as the API answers it, with every field's example answer."""
        row: dict[str, Any] = {"id": row_id, "order": f"{row_id}.00000000000000000000"}
        for field in self.fields:
            row[field.key(user_field_names)] = field.response_example
        return row

    def example_body(self, user_field_names: bool) -> dict[str, Any]:
        """A create or update body: every writable field with an example that validates."""
        return {f.key(user_field_names): f.request_example
                for f in self.fields if f.writable_example}


@dataclass(frozen=True)
class DatabaseDoc:
    id: int
    name: str
    workspace_id: int
    tables: tuple[TableDoc, ...]
