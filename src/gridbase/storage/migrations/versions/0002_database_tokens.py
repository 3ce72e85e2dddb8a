"""Database tokens and their per-operation grants.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gridbase_database_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer,
                  sa.ForeignKey("gridbase_user.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("workspace_id", sa.Integer,
                  sa.ForeignKey("gridbase_workspace.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("key_hint", sa.String(8), nullable=False),
        sa.Column("created", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=True),
        sa.Column("last_used", UtcDateTime, nullable=True),
        sa.Column("handled_calls", sa.Integer, nullable=False),
        sa.Column("rate_limit_per_minute", sa.Integer, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "gridbase_token_permission",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_id", sa.Integer,
                  sa.ForeignKey("gridbase_database_token.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("operation", sa.String(8), nullable=False),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("object_id", sa.Integer, nullable=True),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("gridbase_token_permission")
    op.drop_table("gridbase_database_token")
