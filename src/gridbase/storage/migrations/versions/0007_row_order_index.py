"""Each user table's rows indexed in their default order, ("order", id), replacing the
index on "order" alone: a page of rows then walks the index instead of sorting.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _user_tables() -> list[str]:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    ids = bind.execute(sa.text("SELECT id FROM gridbase_table")).scalars()
    return [name for name in (f"database_table_{i}" for i in ids) if name in existing]


def upgrade() -> None:
    for name in _user_tables():
        op.execute(f'CREATE INDEX IF NOT EXISTS "ix_{name}_order_id" ON "{name}" ("order", id)')
        op.execute(f'DROP INDEX IF EXISTS "ix_{name}_order"')


def downgrade() -> None:
    for name in _user_tables():
        op.execute(f'CREATE INDEX IF NOT EXISTS "ix_{name}_order" ON "{name}" ("order")')
        op.execute(f'DROP INDEX IF EXISTS "ix_{name}_order_id"')
