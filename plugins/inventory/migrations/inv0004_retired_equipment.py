"""retired equipment: when an asset was retired, and why

Two nullable columns on ``inventory_asset`` (``retired_at``, ``retire_reason``); every row
is kept (no asset is retired), and the downgrade drops only these columns.

Revision ID: inv0004
Revises: inv0003
Create Date: 2026-12-04 11:10:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = 'inv0004'
down_revision = 'inv0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inventory_asset') as batch:
        batch.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('retire_reason', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inventory_asset') as batch:
        batch.drop_column('retire_reason')
        batch.drop_column('retired_at')
