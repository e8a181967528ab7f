"""billing: a payment may be a prepayment held on the account

``billing_payment.prepayment`` marks money a patient paid before the visit's charges were
posted (the copay taken at check-in). It is held on the account as a credit and applied to
the charges when the visit's encounter is closed. Every existing payment is an ordinary one
(server default false).

Revision ID: bil0003
Revises: bil0002
"""

import sqlalchemy as sa
from alembic import op

revision = "bil0003"
down_revision = "bil0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: on SQLite batch mode would copy the table, which the allocations'
    # and refunds' foreign keys to it refuse.
    op.add_column("billing_payment", sa.Column("prepayment", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column("billing_payment", "prepayment")  # SQLite 3.35+ drops a column in place
