"""gridbase: an API-first no-code database speaking Baserow's REST API."""

__all__ = ["__version__"]

__version__ = "0.1.0"
