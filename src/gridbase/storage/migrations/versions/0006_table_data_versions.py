"""A data version per user table, bumped by every write of its rows (the count cache),
kept in a few slots per table whose sum is the version.

Existing tables get no row: no row reads as version 0 and the first write inserts one.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gridbase_table_data_version",
        sa.Column("table_id", sa.Integer,
                  sa.ForeignKey("gridbase_table.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("slot", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gridbase_table_data_version")
