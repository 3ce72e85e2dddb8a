"""The registry mapping a `type` string to its field type; built-ins register like plugins."""

from __future__ import annotations

from gridbase.fields.base import FieldType

__all__ = ["FieldTypeRegistry", "field_type_registry"]


class FieldTypeRegistry:
    def __init__(self) -> None:
        self._types: dict[str, FieldType] = {}

    def register(self, field_type: FieldType) -> FieldType:
        if not field_type.type:
            raise ValueError("a field type needs a name")
        self._types[field_type.type] = field_type
        return field_type

    def get(self, name: str) -> FieldType:
        return self._types[name]

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def names(self) -> list[str]:
        return list(self._types)


field_type_registry = FieldTypeRegistry()


def _register_builtins() -> None:
    from gridbase.fields import builtin

    for field_type in builtin.BUILTIN_TYPES:
        field_type_registry.register(field_type)


_register_builtins()
