"""Benchmarks: gridbase against a bare-ASGI floor, over loopback."""
