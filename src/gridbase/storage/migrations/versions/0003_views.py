"""Saved grid views: their filters, filter groups, sorts and per-field options.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from gridbase.storage.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _fk(name: str, target: str, *, nullable: bool = False, on_delete: str = "CASCADE"
        ) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey(f"{target}.id", ondelete=on_delete),
                     nullable=nullable, index=True)


def upgrade() -> None:
    auto = {"sqlite_autoincrement": True}
    op.create_table(
        "gridbase_view", _id(),
        _fk("table_id", "gridbase_table"),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("order", sa.Integer, nullable=False),
        sa.Column("filter_type", sa.String(3), nullable=False),
        sa.Column("filters_disabled", sa.Boolean, nullable=False),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("row_identifier_type", sa.String(8), nullable=False),
        sa.Column("row_height_size", sa.String(8), nullable=False),
        sa.Column("owned_by_id", sa.Integer,
                  sa.ForeignKey("gridbase_user.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_on", UtcDateTime, nullable=False),
        **auto,
    )
    op.create_table(
        "gridbase_view_filter_group", _id(),
        _fk("view_id", "gridbase_view"),
        sa.Column("filter_type", sa.String(3), nullable=False),
        _fk("parent_group_id", "gridbase_view_filter_group", nullable=True),
        **auto,
    )
    op.create_table(
        "gridbase_view_filter", _id(),
        _fk("view_id", "gridbase_view"),
        _fk("field_id", "gridbase_field"),
        sa.Column("type", sa.String(48), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        _fk("group_id", "gridbase_view_filter_group", nullable=True),
        **auto,
    )
    op.create_table(
        "gridbase_view_sort", _id(),
        _fk("view_id", "gridbase_view"),
        _fk("field_id", "gridbase_field"),
        sa.Column("order", sa.String(4), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.UniqueConstraint("view_id", "field_id"),
        **auto,
    )
    op.create_table(
        "gridbase_view_field_options", _id(),
        _fk("view_id", "gridbase_view"),
        _fk("field_id", "gridbase_field"),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("order", sa.Integer, nullable=False),
        sa.Column("aggregation_type", sa.String(48), nullable=False),
        sa.Column("aggregation_raw_type", sa.String(48), nullable=False),
        sa.UniqueConstraint("view_id", "field_id"),
        **auto,
    )


def downgrade() -> None:
    for name in ("gridbase_view_field_options", "gridbase_view_sort", "gridbase_view_filter",
                 "gridbase_view_filter_group", "gridbase_view"):
        op.drop_table(name)
