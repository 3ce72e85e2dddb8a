"""Plain data describing a field and a table's schema, shared by handlers and storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sqlalchemy as sa

__all__ = ["FieldSpec", "SelectOption", "TableSchema"]


@dataclass(frozen=True)
class SelectOption:
    id: int
    value: str
    color: str
    order: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "value": self.value, "color": self.color}


@dataclass(frozen=True)
class FieldSpec:
    """One field as stored in the metadata tables."""

    id: int
    table_id: int
    name: str
    type: str
    order: int
    primary: bool
    description: str | None
    db_index: bool
    props: dict[str, Any]
    options: tuple[SelectOption, ...] = ()

    @cached_property
    def column_name(self) -> str:
        """Read for every cell of every row served: worked out once."""
        return f"field_{self.id}"

    @property
    def key(self) -> str:
        return self.column_name


@dataclass
class TableSchema:
    """A user table: its fields in order and the SQLAlchemy table that stores its rows."""

    id: int
    name: str
    database_id: int
    workspace_id: int
    version: int
    fields: list[FieldSpec]
    sa_table: sa.Table
    by_id: dict[int, FieldSpec] = field(default_factory=dict)
    by_name: dict[str, FieldSpec] = field(default_factory=dict)
    by_column: dict[str, FieldSpec] = field(default_factory=dict)
    # Schemas of the tables this one links to, when a row query loaded them (link
    # filters, search and sorts read the linked rows' primary values through them).
    related: dict[int, TableSchema] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.by_id = {f.id: f for f in self.fields}
        self.by_name = {f.name: f for f in self.fields}
        self.by_column = {f.column_name: f for f in self.fields}

    @property
    def primary(self) -> FieldSpec | None:
        return next((f for f in self.fields if f.primary), None)

    def field_key(self, spec: FieldSpec, user_field_names: bool) -> str:
        return spec.name if user_field_names else spec.column_name

    def lookup(self, key: str, user_field_names: bool) -> FieldSpec | None:
        """Find a field by the key a client sent: its name, or `field_<id>`."""
        if user_field_names:
            return self.by_name.get(key)
        if key.startswith("field_") and key[6:].isdigit():
            return self.by_id.get(int(key[6:]))
        return None
