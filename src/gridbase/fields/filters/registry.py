"""The registry of filter types; built-in families register like a plugin would."""

from __future__ import annotations

from gridbase.fields.filters.base import FilterType

__all__ = ["FilterTypeRegistry", "filter_type_registry"]


class FilterTypeRegistry:
    def __init__(self) -> None:
        self._types: dict[str, FilterType] = {}

    def register(self, filter_type: FilterType) -> FilterType:
        self._types[filter_type.type] = filter_type
        return filter_type

    def get(self, name: str) -> FilterType | None:
        return self._types.get(name)

    def names(self) -> list[str]:
        return list(self._types)

    def for_field_type(self, field_type: str) -> list[str]:
        """The filters a field of this type accepts (for the docs and validation)."""
        return [name for name, f in self._types.items() if field_type in f.field_types]


filter_type_registry = FilterTypeRegistry()


def _register_builtins() -> None:
    from gridbase.fields.filters import (
        boolean,
        dates,
        dates_legacy,
        empty,
        link_row,
        numeric,
        select,
        text,
    )

    for module in (text, empty, numeric, boolean, dates, dates_legacy, select, link_row):
        for filter_type in module.FILTERS:
            filter_type_registry.register(filter_type)


_register_builtins()
