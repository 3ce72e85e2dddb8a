"""Row search index: the table recording which user tables have one, and pg_trgm.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Trigram GIN indexes make `LIKE '%term%'` index-backed; trusted since PostgreSQL 13.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "gridbase_search_index",
        sa.Column("table_id", sa.Integer,
                  sa.ForeignKey("gridbase_table.id", ondelete="CASCADE"),
                  primary_key=True, autoincrement=False),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("built_on", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    # Side tables left behind are dropped and rebuilt by the next build of their index.
    op.drop_table("gridbase_search_index")
