"""Domain logic: one module per resource; permissions in `policy`."""
