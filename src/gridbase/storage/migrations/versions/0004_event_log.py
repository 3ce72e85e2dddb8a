"""The event log (resumable realtime) and the instance row naming the realtime channel.

Revision ID: 0004
Revises: 0003
"""

import uuid

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gridbase_event_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("created_on", UtcDateTime, nullable=False, index=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("table_id", sa.Integer, nullable=True),
        sa.Column("workspace_id", sa.Integer, nullable=True),
        sa.Column("user_ids", sa.Text, nullable=True),
        sa.Column("origin_websocket_id", sa.Text, nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_gridbase_event_log_table_id_id", "gridbase_event_log",
                    ["table_id", "id"])
    instance = op.create_table(
        "gridbase_instance",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("realtime_key", sa.String(32), nullable=False),
    )
    op.bulk_insert(instance, [{"id": 1, "realtime_key": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("gridbase_instance")
    op.drop_index("ix_gridbase_event_log_table_id_id", table_name="gridbase_event_log")
    op.drop_table("gridbase_event_log")
