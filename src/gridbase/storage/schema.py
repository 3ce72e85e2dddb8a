"""The metadata tables: users, workspaces, databases, tables, fields and their options.

User data lives elsewhere, in one real table per user table (see `user_tables`).
Alembic migrations in `migrations/` create and evolve exactly these tables.
"""

from __future__ import annotations

import sqlalchemy as sa

from gridbase.storage.types import UtcDateTime

__all__ = [
    "applications",
    "blacklisted_tokens",
    "database_tokens",
    "event_log",
    "fields",
    "instance",
    "metadata",
    "search_indexes",
    "select_options",
    "table_data_versions",
    "tables",
    "token_permissions",
    "users",
    "view_field_options",
    "view_filter_groups",
    "view_filters",
    "view_sorts",
    "views",
    "workspace_users",
    "workspaces",
]

metadata = sa.MetaData()

users = sa.Table(
    "gridbase_user",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("first_name", sa.String(150), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_staff", sa.Boolean, nullable=False, default=False),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("language", sa.String(10), nullable=False, default="en"),
    sa.Column("date_joined", UtcDateTime, nullable=False),
    sa.Column("password_changed_at", UtcDateTime, nullable=True),
    sqlite_autoincrement=True,
)

blacklisted_tokens = sa.Table(
    "gridbase_blacklisted_token",
    metadata,
    sa.Column("jti", sa.String(64), primary_key=True),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)

workspaces = sa.Table(
    "gridbase_workspace",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(165), nullable=False),
    sa.Column("created_on", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

workspace_users = sa.Table(
    "gridbase_workspace_user",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "workspace_id", sa.Integer, sa.ForeignKey("gridbase_workspace.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("gridbase_user.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("permissions", sa.String(32), nullable=False),
    sa.Column("order", sa.Integer, nullable=False, default=0),
    sa.Column("created_on", UtcDateTime, nullable=False),
    sa.UniqueConstraint("workspace_id", "user_id"),
    sqlite_autoincrement=True,
)

applications = sa.Table(
    "gridbase_application",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "workspace_id", sa.Integer, sa.ForeignKey("gridbase_workspace.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("name", sa.String(160), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("order", sa.Integer, nullable=False),
    sa.Column("created_on", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

tables = sa.Table(
    "gridbase_table",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "database_id", sa.Integer, sa.ForeignKey("gridbase_application.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("order", sa.Integer, nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False, default=1),
    sa.Column("created_on", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

fields = sa.Table(
    "gridbase_field",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "table_id", sa.Integer, sa.ForeignKey("gridbase_table.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("order", sa.Integer, nullable=False),
    sa.Column("primary", sa.Boolean, nullable=False, default=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("db_index", sa.Boolean, nullable=False, default=False),
    sa.Column("props", sa.JSON, nullable=False),
    sa.Column("created_on", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

select_options = sa.Table(
    "gridbase_select_option",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "field_id", sa.Integer, sa.ForeignKey("gridbase_field.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("value", sa.String(255), nullable=False),
    sa.Column("color", sa.String(255), nullable=False),
    sa.Column("order", sa.Integer, nullable=False),
    sqlite_autoincrement=True,
)

database_tokens = sa.Table(
    "gridbase_database_token",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("gridbase_user.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column(
        "workspace_id", sa.Integer, sa.ForeignKey("gridbase_workspace.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("key_hint", sa.String(8), nullable=False),
    sa.Column("created", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=True),
    sa.Column("last_used", UtcDateTime, nullable=True),
    sa.Column("handled_calls", sa.Integer, nullable=False, default=0),
    sa.Column("rate_limit_per_minute", sa.Integer, nullable=True),
    sqlite_autoincrement=True,
)

token_permissions = sa.Table(
    "gridbase_token_permission",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "token_id", sa.Integer,
        sa.ForeignKey("gridbase_database_token.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("operation", sa.String(8), nullable=False),
    sa.Column("scope", sa.String(10), nullable=False),
    sa.Column("object_id", sa.Integer, nullable=True),
    sqlite_autoincrement=True,
)

views = sa.Table(
    "gridbase_view",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "table_id", sa.Integer, sa.ForeignKey("gridbase_table.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("order", sa.Integer, nullable=False),
    sa.Column("filter_type", sa.String(3), nullable=False),
    sa.Column("filters_disabled", sa.Boolean, nullable=False),
    sa.Column("public", sa.Boolean, nullable=False),
    sa.Column("slug", sa.String(64), nullable=False, unique=True),
    sa.Column("row_identifier_type", sa.String(8), nullable=False),
    sa.Column("row_height_size", sa.String(8), nullable=False),
    sa.Column(
        "owned_by_id", sa.Integer, sa.ForeignKey("gridbase_user.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("created_on", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

view_filter_groups = sa.Table(
    "gridbase_view_filter_group",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "view_id", sa.Integer, sa.ForeignKey("gridbase_view.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("filter_type", sa.String(3), nullable=False),
    sa.Column(
        "parent_group_id", sa.Integer,
        sa.ForeignKey("gridbase_view_filter_group.id", ondelete="CASCADE"),
        nullable=True, index=True,
    ),
    sqlite_autoincrement=True,
)

view_filters = sa.Table(
    "gridbase_view_filter",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "view_id", sa.Integer, sa.ForeignKey("gridbase_view.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column(
        "field_id", sa.Integer, sa.ForeignKey("gridbase_field.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("type", sa.String(48), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column(
        "group_id", sa.Integer,
        sa.ForeignKey("gridbase_view_filter_group.id", ondelete="CASCADE"),
        nullable=True, index=True,
    ),
    sqlite_autoincrement=True,
)

view_sorts = sa.Table(
    "gridbase_view_sort",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "view_id", sa.Integer, sa.ForeignKey("gridbase_view.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column(
        "field_id", sa.Integer, sa.ForeignKey("gridbase_field.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("order", sa.String(4), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.UniqueConstraint("view_id", "field_id"),
    sqlite_autoincrement=True,
)

view_field_options = sa.Table(
    "gridbase_view_field_options",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "view_id", sa.Integer, sa.ForeignKey("gridbase_view.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column(
        "field_id", sa.Integer, sa.ForeignKey("gridbase_field.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("hidden", sa.Boolean, nullable=False),
    sa.Column("width", sa.Integer, nullable=False),
    sa.Column("order", sa.Integer, nullable=False),
    sa.Column("aggregation_type", sa.String(48), nullable=False),
    sa.Column("aggregation_raw_type", sa.String(48), nullable=False),
    sa.UniqueConstraint("view_id", "field_id"),
    sqlite_autoincrement=True,
)

# Every published event, with an increasing id, so clients can resume; pruned by age.
event_log = sa.Table(
    "gridbase_event_log",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("created_on", UtcDateTime, nullable=False, index=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("table_id", sa.Integer, nullable=True),
    sa.Column("workspace_id", sa.Integer, nullable=True),
    sa.Column("user_ids", sa.Text, nullable=True),
    sa.Column("origin_websocket_id", sa.Text, nullable=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Index("ix_gridbase_event_log_table_id_id", "table_id", "id"),
    sqlite_autoincrement=True,
)

# One row: facts about this database shared by every process serving it (the realtime
# channel name, so two gridbase instances on one Redis never hear each other).
instance = sa.Table(
    "gridbase_instance",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("realtime_key", sa.String(32), nullable=False),
)

# How many transactions changed each user table's rows, spread over a few slots so
# concurrent writers rarely wait for each other; a table's data version is the sum of
# its slots (0 without any). Bumped by every write, read by the count cache.
table_data_versions = sa.Table(
    "gridbase_table_data_version",
    metadata,
    sa.Column(
        "table_id", sa.Integer, sa.ForeignKey("gridbase_table.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("slot", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)

# One row per user table whose search index exists: the side table's rows are kept in step
# with the table's rows, and `signature` names the searchable fields it was built for.
search_indexes = sa.Table(
    "gridbase_search_index",
    metadata,
    sa.Column("table_id", sa.Integer, sa.ForeignKey("gridbase_table.id", ondelete="CASCADE"),
              primary_key=True, autoincrement=False),
    sa.Column("signature", sa.String(64), nullable=False),
    sa.Column("built_on", UtcDateTime, nullable=False),
)
