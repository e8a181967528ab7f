"""staff: a payroll register can be reopened (when, by whom, why), keeping its expense

Revision ID: sta0006
Revises: sta0005
Create Date: 2026-12-04 11:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = 'sta0006'
down_revision = 'sta0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_payroll_register') as batch:
        batch.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('reopened_by', sa.String(length=60), nullable=True))
        batch.add_column(sa.Column('reopen_reason', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('staff_payroll_register') as batch:
        batch.drop_column('reopen_reason')
        batch.drop_column('reopened_by')
        batch.drop_column('reopened_at')
