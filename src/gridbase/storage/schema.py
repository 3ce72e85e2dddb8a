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
    "fields",
    "metadata",
    "select_options",
    "tables",
    "users",
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
