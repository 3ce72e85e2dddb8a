"""Settings read once from the environment, so every module sees the same values."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Settings", "load_settings"]


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _secret_key(data_dir: Path) -> str:
    """Use GRIDBASE_SECRET_KEY, or a key generated once and kept in the data folder."""
    configured = os.environ.get("GRIDBASE_SECRET_KEY", "").strip()
    if configured:
        return configured
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    """Everything configurable about one gridbase instance."""

    data_dir: Path
    database_url: str
    secret_key: str
    public_url: str | None = None
    page_size_default: int = 100
    page_size_limit: int = 200
    batch_size_limit: int = 200
    access_token_minutes: int = 10
    refresh_token_hours: int = 168
    initial_table_data_limit: int = 5000
    max_field_limit: int = 600
    signup_enabled: bool = True
    redis_url: str | None = None
    require_https: bool = False
    trusted_proxies: tuple[str, ...] = ()
    event_log_retention_seconds: int = 86400
    websocket_queue_size: int = 1000
    # Automatic indexes (see handlers/index_advisor.py): uses of a field in listings
    # before it gets an index (0: never), and the fewest rows worth indexing.
    auto_index_uses: int = 20
    auto_index_min_rows: int = 10_000
    # Search indexes (see handlers/search.py) of tables with fewer rows are built inside
    # the search that needs one; bigger tables' in the background, while searches scan.
    search_index_sync_rows: int = 50_000
    # Exact counts kept per process (handlers/count_cache.py), in megabytes; 0: none.
    count_cache_mb: int = 16
    # SQLite: how much of the database file reads map into memory, in megabytes (see
    # storage/engine.py); 0: read by copying into each connection's own page cache.
    sqlite_mmap_mb: int = 2048
    extra: dict[str, str] = field(default_factory=dict)


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment; keyword overrides win (used by tests and the CLI)."""
    data_dir = Path(os.environ.get("GRIDBASE_DATA_DIR", "data")).resolve()
    default_url = f"sqlite+aiosqlite:///{data_dir / 'gridbase.sqlite3'}"
    values: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": os.environ.get("GRIDBASE_DATABASE_URL", "").strip() or default_url,
        "public_url": (os.environ.get("GRIDBASE_PUBLIC_URL", "").strip().rstrip("/") or None),
        "page_size_limit": _int_env("GRIDBASE_PAGE_SIZE_LIMIT", 200),
        "batch_size_limit": _int_env("GRIDBASE_BATCH_SIZE_LIMIT", 200),
        "access_token_minutes": _int_env("GRIDBASE_ACCESS_TOKEN_MINUTES", 10),
        "refresh_token_hours": _int_env("GRIDBASE_REFRESH_TOKEN_HOURS", 168),
        "initial_table_data_limit": _int_env("GRIDBASE_INITIAL_TABLE_DATA_LIMIT", 5000),
        "signup_enabled": os.environ.get("GRIDBASE_SIGNUP_ENABLED", "true").lower()
        not in ("0", "false", "no", "off"),
        "redis_url": os.environ.get("GRIDBASE_REDIS_URL", "").strip() or None,
        "require_https": os.environ.get("GRIDBASE_REQUIRE_HTTPS", "false").lower()
        in ("1", "true", "yes", "on"),
        "trusted_proxies": tuple(
            p.strip() for p in os.environ.get("GRIDBASE_TRUSTED_PROXIES", "").split(",")
            if p.strip()),
        "event_log_retention_seconds": _int_env("GRIDBASE_EVENT_LOG_RETENTION_SECONDS", 86400),
        "websocket_queue_size": _int_env("GRIDBASE_WEBSOCKET_QUEUE_SIZE", 1000),
        "auto_index_uses": _int_env("GRIDBASE_AUTO_INDEX_USES", 20),
        "auto_index_min_rows": _int_env("GRIDBASE_AUTO_INDEX_MIN_ROWS", 10_000),
        "count_cache_mb": _int_env("GRIDBASE_COUNT_CACHE_MB", 16),
        "search_index_sync_rows": _int_env("GRIDBASE_SEARCH_INDEX_SYNC_ROWS", 50_000),
        "sqlite_mmap_mb": _int_env("GRIDBASE_SQLITE_MMAP_MB", 2048),
    }
    values.update(overrides)
    if "secret_key" not in values:
        values["secret_key"] = _secret_key(Path(str(values["data_dir"])))
    return Settings(**values)  # type: ignore[arg-type]
