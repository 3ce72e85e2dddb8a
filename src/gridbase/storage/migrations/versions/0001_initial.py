"""Initial metadata tables: users, workspaces, databases, tables, fields, options.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _fk(name: str, target: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey(f"{target}.id", ondelete="CASCADE"),
                     nullable=False, index=True)


def upgrade() -> None:
    auto = {"sqlite_autoincrement": True}
    op.create_table(
        "gridbase_user", _id(),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("first_name", sa.String(150), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_staff", sa.Boolean, nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("date_joined", UtcDateTime, nullable=False),
        sa.Column("password_changed_at", UtcDateTime, nullable=True),
        **auto,
    )
    op.create_table(
        "gridbase_blacklisted_token",
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("expires_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "gridbase_workspace", _id(),
        sa.Column("name", sa.String(165), nullable=False),
        sa.Column("created_on", UtcDateTime, nullable=False),
        **auto,
    )
    op.create_table(
        "gridbase_workspace_user", _id(),
        _fk("workspace_id", "gridbase_workspace"),
        _fk("user_id", "gridbase_user"),
        sa.Column("permissions", sa.String(32), nullable=False),
        sa.Column("order", sa.Integer, nullable=False),
        sa.Column("created_on", UtcDateTime, nullable=False),
        sa.UniqueConstraint("workspace_id", "user_id"),
        **auto,
    )
    op.create_table(
        "gridbase_application", _id(),
        _fk("workspace_id", "gridbase_workspace"),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("order", sa.Integer, nullable=False),
        sa.Column("created_on", UtcDateTime, nullable=False),
        **auto,
    )
    op.create_table(
        "gridbase_table", _id(),
        _fk("database_id", "gridbase_application"),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("order", sa.Integer, nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("created_on", UtcDateTime, nullable=False),
        **auto,
    )
    op.create_table(
        "gridbase_field", _id(),
        _fk("table_id", "gridbase_table"),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("order", sa.Integer, nullable=False),
        sa.Column("primary", sa.Boolean, nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("db_index", sa.Boolean, nullable=False),
        sa.Column("props", sa.JSON, nullable=False),
        sa.Column("created_on", UtcDateTime, nullable=False),
        **auto,
    )
    op.create_table(
        "gridbase_select_option", _id(),
        _fk("field_id", "gridbase_field"),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("color", sa.String(255), nullable=False),
        sa.Column("order", sa.Integer, nullable=False),
        **auto,
    )


def downgrade() -> None:
    for name in (
        "gridbase_select_option", "gridbase_field", "gridbase_table", "gridbase_application",
        "gridbase_workspace_user", "gridbase_workspace", "gridbase_blacklisted_token",
        "gridbase_user",
    ):
        op.drop_table(name)
