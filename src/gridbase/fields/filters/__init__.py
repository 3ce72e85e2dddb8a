"""Row filters: one module per family, each filter declaring the field types it accepts."""

from gridbase.fields.filters.registry import filter_type_registry

__all__ = ["filter_type_registry"]
