"""Field types: one module per type, all registered in `field_type_registry`."""

from gridbase.fields.registry import field_type_registry

__all__ = ["field_type_registry"]
